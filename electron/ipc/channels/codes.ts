import type { UserFacingError } from '../../../core/errors.js';
import type { CodeView } from '../../../core/vault/api.js';
import { channel } from '../channel.js';
import { s } from '../schema.js';
import { MAX_IDS_PER_CALL, accountId } from './common.js';

export interface CurrentCodes {
  /** Main's corrected clock when the codes were made (Unix ms): the renderer derives its skew from it. */
  readonly now: number;
  readonly codes: readonly CodeView[];
  /** Accounts whose code could not be made (e.g. keychain item missing), each with its sentence. */
  readonly failed: ReadonlyArray<{ readonly accountId: string; readonly error: UserFacingError }>;
}

/**
 * Codes are computed in main (the seed never leaves it) and pulled by the renderer: each CodeView
 * carries its validity window, so the renderer asks again only when the earliest shown code expires
 * (and only for the rows on screen), and animates the countdown locally. No per-second IPC.
 */
export const codes = {
  channels: {
    /** authdesk.codes.current({ids}) — TOTP codes (with `next`) for the visible rows. HOTP ids are ignored. */
    current: channel(s.object({ ids: s.array(accountId, { max: MAX_IDS_PER_CALL }) })).returns<CurrentCodes>(),
    /** authdesk.codes.nextHotp({id}) — advances the counter durably, then returns the code. */
    nextHotp: channel(s.object({ id: accountId })).returns<CodeView>(),
  },
  events: {},
} as const;
