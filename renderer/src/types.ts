// Types the renderer uses, imported (as TYPES ONLY: erased from the bundle) from the core and the
// IPC contract, which the layering allows (docs/ARCHITECTURE.md). The lint pattern `electron/*`
// for the renderer also matches `../../electron/ipc/...`; until eslint.config.js exempts type
// imports of electron/ipc, the exemption is made here, in this one file.
export type { Account } from '../../core/vault/model.js';
export type { CodeView } from '../../core/vault/api.js';
 
export type { PublicSettings, SettingsPatch } from '../../electron/ipc/channels/settings.js';
 
export type { LockStatus } from '../../electron/ipc/channels/lock.js';
 
export type { AccountPreview, Validation } from '../../electron/ipc/channels/accounts.js';
 
export type { AuthdeskApi, EventName, EventPayload } from '../../electron/ipc/contract.js';
 
export type { IpcResult } from '../../electron/ipc/channel.js';
