import { channel, event } from '../channel.js';
import { s } from '../schema.js';
import { accountId } from './common.js';

export interface CopyResult {
  /** The digits copied (the UI shows them in the confirmation). */
  readonly code: string;
  /** When the clipboard will be cleared (main's clock, Unix ms), or null when clearing is off. */
  readonly clearsAt: number | null;
}

/**
 * The renderer cannot write arbitrary text to the clipboard: it names an account and main writes
 * that account's code (TOTP: current, or next with `next: true`; HOTP: the last code shown).
 */
export const clipboard = {
  channels: {
    /** authdesk.clipboard.copyCode({id, next?}) */
    copyCode: channel(s.object({ id: accountId, next: s.optional(s.boolean()) })).returns<CopyResult>(),
  },
  events: {
    /** The clipboard was cleared because the delay ran out (and it still held our code). */
    cleared: event<{ readonly at: number }>(),
  },
} as const;
