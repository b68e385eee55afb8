// Types of the backup area, imported as TYPES ONLY (erased from the bundle). See renderer/src/types.ts
// for why the lint exemption is needed for electron/ipc type imports.
// eslint-disable-next-line no-restricted-imports
export type { AutoBackupInfo, BackupStatus, ExportFormatId, ExportResult, ImportStep } from '../../../electron/ipc/channels/backup.js';
// eslint-disable-next-line no-restricted-imports
import type { backup } from '../../../electron/ipc/channels/backup.js';
// eslint-disable-next-line no-restricted-imports
import type { ApiFunction } from '../../../electron/ipc/channel.js';

type Channels = (typeof backup)['channels'];
/** window.authdesk.backup, typed from the area file (works before and after the area joins `areas`). */
export type BackupApi = { readonly [K in keyof Channels]: ApiFunction<Channels[K]> };
