// Types of the backup area, imported as TYPES ONLY (erased from the bundle; the lint rule allows
// type imports from electron/ipc).
export type { AutoBackupInfo, BackupStatus, ExportFormatId, ExportResult, ImportStep } from '../../../electron/ipc/channels/backup.js';
import type { backup } from '../../../electron/ipc/channels/backup.js';
import type { ApiFunction } from '../../../electron/ipc/channel.js';

type Channels = (typeof backup)['channels'];
/** window.authdesk.backup, typed from the area file (works before and after the area joins `areas`). */
export type BackupApi = { readonly [K in keyof Channels]: ApiFunction<Channels[K]> };
