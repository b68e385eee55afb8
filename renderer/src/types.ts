// Types the renderer uses, imported (as TYPES ONLY: erased from the bundle) from the core and the
// IPC contract, which the layering allows (docs/ARCHITECTURE.md; eslint.config.js refuses value imports).
export type { Account } from '../../core/vault/model.js';
export type { CodeView } from '../../core/vault/api.js';
export type { CodeVisibility } from '../../core/vault/model.js';
export type { PublicSettings, SettingsPatch } from '../../electron/ipc/channels/settings.js';
export type { LockStatus } from '../../electron/ipc/channels/lock.js';
export type { AccountPreview, Validation } from '../../electron/ipc/channels/accounts.js';
export type { AuthdeskApi, EventName, EventPayload } from '../../electron/ipc/contract.js';
export type { IpcResult } from '../../electron/ipc/channel.js';
