/**
 * What a QR payload becomes: an otpauth:// link (one account for a pre-filled form), a Google
 * Authenticator export (several accounts, one batch of possibly several), or something else — shown
 * only as safe text, never interpreted.
 */
import { AuthdeskError, toUserFacing, type UserFacingError } from '../errors.js';
import { decodeMigrationUri, isMigrationUri, type SkippedMigrationAccount } from '../otpauth/migration.js';
import { parseOtpauthUri, type OtpauthData } from '../otpauth/uri.js';

export const NOT_AUTHENTICATOR_MESSAGE = 'This QR code is not an authenticator code.';

/** Longest text shown for a payload that is not an authenticator code. */
export const DISPLAY_TEXT_LIMIT = 200;

export type ClassifiedPayload =
  | { readonly kind: 'otpauth'; readonly account: OtpauthData }
  | {
      readonly kind: 'migration';
      readonly accounts: OtpauthData[];
      readonly skipped: SkippedMigrationAccount[];
      /** From 0; the UI says "batch {batchIndex + 1} of {batchSize}". */
      readonly batchIndex: number;
      readonly batchSize: number;
      readonly batchId: number;
    }
  /** Looks like an authenticator code but is malformed: the error says what is wrong. */
  | { readonly kind: 'invalid'; readonly scheme: 'otpauth' | 'otpauth-migration'; readonly error: UserFacingError }
  /** Anything else (a web link, plain text, Wi-Fi settings…): `display` is safe to show. */
  | { readonly kind: 'other'; readonly message: string; readonly display: string };

/**
 * Control characters (C0, DEL, C1), bidirectional overrides/isolates/marks (which can make text
 * read differently from what it is: "Trojan Source"), zero-width characters and line/paragraph
 * separators, and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text from an untrusted QR made safe to show: line breaks and tabs become spaces, unsafe
 * characters are removed, runs of spaces collapsed, and it is cut to `limit` characters with "…". */
export function safeDisplayText(text: string, limit = DISPLAY_TEXT_LIMIT): string {
  const cleaned = text.replace(/[\t\n\r\u2028\u2029]+/g, ' ').replace(UNSAFE, '').replace(/ {2,}/g, ' ').trim();
  const chars = [...cleaned];
  return chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : cleaned;
}

/** Classify one decoded payload. Never throws for any input text. */
export function classifyPayload(text: string): ClassifiedPayload {
  const scheme = /^\s*([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  try {
    if (scheme === 'otpauth') return { kind: 'otpauth', account: parseOtpauthUri(text) };
    if (scheme === 'otpauth-migration' && isMigrationUri(text)) {
      const batch = decodeMigrationUri(text);
      return { kind: 'migration', accounts: batch.accounts, skipped: batch.skipped, batchIndex: batch.batchIndex, batchSize: batch.batchSize, batchId: batch.batchId };
    }
  } catch (error) {
    if (!(error instanceof AuthdeskError)) throw error;
    return { kind: 'invalid', scheme: scheme === 'otpauth' ? 'otpauth' : 'otpauth-migration', error: toUserFacing(error) };
  }
  return { kind: 'other', message: NOT_AUTHENTICATOR_MESSAGE, display: safeDisplayText(text) };
}

/** The accounts a set of payloads yields, in order (an export's accounts in their batch order). */
export function accountsOf(payloads: readonly ClassifiedPayload[]): OtpauthData[] {
  const out: OtpauthData[] = [];
  for (const p of payloads) {
    if (p.kind === 'otpauth') out.push(p.account);
    else if (p.kind === 'migration') out.push(...p.accounts);
  }
  return out;
}
