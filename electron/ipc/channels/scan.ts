/**
 * The scan area: find QR codes on the screen, in an image file, on the clipboard, in dropped image
 * bytes, or (decoded by the renderer's camera worker) in payload texts; then add what the user picks.
 *
 * Secrets stay in main: a scan answers with previews (everything but the secret) and a `scanId`;
 * `scan.add({scanId, indexes})` adds the chosen accounts from main's copy, which is dropped after
 * the add, after SCAN_TTL_MS, or when the app locks. The camera's payload texts do pass through the
 * renderer (it decodes the frames), and are sent here straight away, never stored there.
 */
import type { UserFacingError } from '../../../core/errors.js';
import type { Account } from '../../../core/vault/model.js';
import { channel, event, type HandlerFunction } from '../channel.js';
import { s } from '../schema.js';
import type { AccountPreview } from './accounts.js';

/** A found account, as the confirmation list shows it. */
export interface FoundAccount extends AccountPreview {
  /** Its position in `ScanOutcome.accounts`, passed back to `scan.add`. */
  readonly index: number;
  readonly source: 'otpauth' | 'google-export';
  /** Google exports: which QR code of the export (from 0) and how many there are. */
  readonly batch?: { readonly index: number; readonly size: number };
  /**
   * Screen scans whose QR codes were on more than one display: the CapturedScreen.displayId of the
   * display this code was on (an OS id, not for people: the picker numbers the displays that showed
   * accounts, in capture order, "Display 1", "Display 2"). Absent otherwise: nothing to tell apart.
   */
  readonly display?: string;
  /**
   * Same issuer, account name AND key as an account already in the vault (the UI unticks it by default).
   * A known name with a new key (AWS re-assigning a device to the same user) is not a duplicate.
   */
  readonly duplicate: boolean;
}

export interface ScanOutcome {
  readonly scanId: string;
  /** How many QR codes were found (authenticator or not). */
  readonly codes: number;
  readonly accounts: readonly FoundAccount[];
  /** Google-export accounts that cannot be imported, with the reason. */
  readonly skipped: readonly { readonly issuer: string; readonly label: string; readonly reason: string }[];
  /** Codes that are not authenticator codes: their text made safe to show. */
  readonly others: readonly string[];
  /** Authenticator links that are malformed: why. */
  readonly invalid: readonly UserFacingError[];
  /** Sentences about what is missing (other batches of an export...). */
  readonly warnings: readonly string[];
}

/** Dropped images travel as base64; 48 MiB of image is far more than any screenshot. */
export const MAX_DROPPED_IMAGE_BYTES = 48 * 1024 * 1024;
export const SCAN_TTL_MS = 10 * 60_000;
/** The camera decodes at most a handful of codes per frame. */
const payloadText = s.string({ min: 1, max: 16_384 });
const scanId = s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'a scan id' });

export const scan = {
  channels: {
    /** authdesk.scan.screen() — capture every display at native resolution and decode. */
    screen: channel(s.none()).returns<ScanOutcome>(),
    /** authdesk.scan.imageFile() — the open dialog, then decode; null when the user cancels. */
    imageFile: channel(s.none()).returns<ScanOutcome | null>(),
    /** authdesk.scan.clipboardImage() — the image on the clipboard (a screenshot copied with the OS tool). */
    clipboardImage: channel(s.none()).returns<ScanOutcome>(),
    /** authdesk.scan.imageBytes({base64, name}) — an image dropped on the window. */
    imageBytes: channel(s.object({ base64: s.string({ min: 1, max: Math.ceil(MAX_DROPPED_IMAGE_BYTES / 3) * 4 }), name: s.optional(s.string({ max: 255 })) })).returns<ScanOutcome>(),
    /** authdesk.scan.payloads({texts}) — what the camera's decoder read, classified in main. */
    payloads: channel(s.object({ texts: s.array(payloadText, { min: 1, max: 32 }) })).returns<ScanOutcome>(),
    /** authdesk.scan.add({scanId, indexes}) — add the chosen found accounts. */
    add: channel(s.object({ scanId, indexes: s.array(s.int({ min: 0, max: 10_000 }), { min: 1, max: 10_000 }) })).returns<readonly Account[]>(),
    /** authdesk.scan.discard({scanId}) — the user closed the list without adding. */
    discard: channel(s.object({ scanId })).returns<void>(),
    /** authdesk.scan.cameraStart() — allow the camera permission for this scan (main's gate). */
    cameraStart: channel(s.none()).returns<void>(),
    /** authdesk.scan.cameraStop() — the camera dialog closed or read a code. */
    cameraStop: channel(s.none()).returns<void>(),
  },
  events: {
    /** Progress of a large import (Google export): keychain writes take ~15–45 ms each. */
    progress: event<{ readonly done: number; readonly total: number }>(),
  },
} as const;

/** The handlers' shape, derived from the channels (identical to `Handlers['scan']` once the area is in contract.ts). */
export type ScanHandlers = { readonly [K in keyof typeof scan.channels]: HandlerFunction<(typeof scan.channels)[K]> };
