/**
 * The scan area's preload functions, typed from its channel file. `window.authdesk.scan` exists once
 * the area is listed in electron/ipc/contract.ts; until then (and in harnesses without it) this
 * returns undefined and the scanners fall back to the accounts channels for otpauth:// codes.
 */
import type { AuthdeskApi } from '../types.js';
import type { FoundAccount, ScanOutcome, scan } from '../../../electron/ipc/channels/scan.js';
import type { ApiFunction } from '../../../electron/ipc/channel.js';

export type { FoundAccount, ScanOutcome };

export type ScanApi = { readonly [K in keyof typeof scan.channels]: ApiFunction<(typeof scan.channels)[K]> };

export function scanApi(): ScanApi | undefined {
  return (window.authdesk as AuthdeskApi & { readonly scan?: ScanApi }).scan;
}
