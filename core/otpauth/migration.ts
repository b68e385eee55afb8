/**
 * Google Authenticator's export format: `otpauth-migration://offline?data=<base64 protobuf>`, one QR
 * per batch. Decoded and encoded with protobufjs reflection (a schema object below, no generated
 * code): the format is small, stable and undocumented by Google, so the schema here is the one
 * reverse-engineered by the community and used by Aegis, 2FAS and others:
 *
 *   message MigrationPayload {
 *     enum Algorithm  { UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
 *     enum DigitCount { UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
 *     enum OtpType    { UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
 *     message OtpParameters { bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
 *                             DigitCount digits = 5; OtpType type = 6; int64 counter = 7; }
 *     repeated OtpParameters otp_parameters = 1;
 *     int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
 *   }
 *
 * The format has no period: every TOTP account in it uses 30 s (Google Authenticator supports no
 * other), so accounts with another period, or 7 digits, cannot be exported this way.
 *
 * An account that cannot be imported (MD5, an unknown enum value, a secret too short or too long,
 * a name with control characters) is skipped with a reason, and the others still import; a payload
 * that is not valid base64/protobuf at all is a UriError.
 */
import { Root, type Type } from 'protobufjs/light.js';
import { SecretError, UriError, isAuthdeskError } from '../errors.js';
import { bytesToBase32, base32ToBytes, normalizeBase32Secret, wipe } from '../otp/base32.js';
import { OTP_LIMITS, type HashAlgorithm } from '../otp/types.js';
import { URI_LIMITS, type OtpauthData } from './uri.js';

export const MIGRATION_LIMITS = {
  /** A QR code holds at most 2,953 bytes; a pasted link of more than 16 KiB is not an export. */
  MAX_URI_LENGTH: 16_384,
  /** Google Authenticator puts about 10 accounts in each QR code, keeping it easy to scan. */
  DEFAULT_ACCOUNTS_PER_BATCH: 10,
  /** …and keeps each QR code's data small enough for a phone camera: ~1 KB of protobuf is a
   * version-25 QR, still readable from a laptop screen. */
  DEFAULT_BYTES_PER_BATCH: 1000,
} as const;

const schema = Root.fromJSON({
  nested: {
    MigrationPayload: {
      fields: {
        otpParameters: { rule: 'repeated', type: 'OtpParameters', id: 1 },
        version: { type: 'int32', id: 2 },
        batchSize: { type: 'int32', id: 3 },
        batchIndex: { type: 'int32', id: 4 },
        batchId: { type: 'int32', id: 5 },
      },
      nested: {
        Algorithm: { values: { ALGORITHM_UNSPECIFIED: 0, ALGORITHM_SHA1: 1, ALGORITHM_SHA256: 2, ALGORITHM_SHA512: 3, ALGORITHM_MD5: 4 } },
        DigitCount: { values: { DIGIT_COUNT_UNSPECIFIED: 0, DIGIT_COUNT_SIX: 1, DIGIT_COUNT_EIGHT: 2 } },
        OtpType: { values: { OTP_TYPE_UNSPECIFIED: 0, OTP_TYPE_HOTP: 1, OTP_TYPE_TOTP: 2 } },
        OtpParameters: {
          fields: {
            secret: { type: 'bytes', id: 1 },
            name: { type: 'string', id: 2 },
            issuer: { type: 'string', id: 3 },
            algorithm: { type: 'Algorithm', id: 4 },
            digits: { type: 'DigitCount', id: 5 },
            type: { type: 'OtpType', id: 6 },
            counter: { type: 'int64', id: 7 },
          },
        },
      },
    },
  },
});
const MigrationPayload: Type = schema.lookupType('MigrationPayload');

const ALGORITHMS: Record<number, HashAlgorithm | undefined> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512' };
const ALGORITHM_CODES: Record<HashAlgorithm, number> = { SHA1: 1, SHA256: 2, SHA512: 3 };
const DIGITS: Record<number, number | undefined> = { 0: 6, 1: 6, 2: 8 };

/** An account of the export that was not imported, and why (shown in the confirmation list). */
export interface SkippedMigrationAccount {
  /** Position in this batch, from 0. */
  readonly index: number;
  readonly issuer: string;
  readonly label: string;
  readonly reason: string;
}

export interface MigrationBatch {
  readonly accounts: OtpauthData[];
  readonly skipped: SkippedMigrationAccount[];
  readonly version: number;
  /** How many QR codes the whole export has (1 when the field is missing). */
  readonly batchSize: number;
  /** Which of them this one is, from 0 ("batch 1 of 3" is batchIndex 0, batchSize 3). */
  readonly batchIndex: number;
  /** Same in every batch of one export: lets the UI tell batches of different exports apart. */
  readonly batchId: number;
}

interface RawOtpParameters {
  secret?: Uint8Array;
  name?: string;
  issuer?: string;
  algorithm?: number;
  digits?: number;
  type?: number;
  counter?: number | { toNumber(): number; high: number; low: number; unsigned: boolean };
}

interface RawPayload {
  otpParameters?: RawOtpParameters[];
  version?: number;
  batchSize?: number;
  batchIndex?: number;
  batchId?: number;
}

const malformed = (detail: string, cause?: unknown) =>
  new UriError('MIGRATION_MALFORMED', `The Google Authenticator export is damaged (${detail}). Export it again from Google Authenticator and scan the new code.`, cause === undefined ? undefined : { cause });

/** The `data` parameter's bytes: base64 (standard or URL-safe, padding optional), percent-decoded. */
function extractData(input: string): Uint8Array {
  const text = input.trim();
  if (text.length > MIGRATION_LIMITS.MAX_URI_LENGTH) {
    throw new UriError('URI_TOO_LONG', `That text is ${text.length} characters long; a Google Authenticator export is at most ${MIGRATION_LIMITS.MAX_URI_LENGTH}.`);
  }
  const match = /^otpauth-migration:\/\/([^/?#]*)\/?\?([^#]*)/i.exec(text);
  if (!match) throw new UriError('URI_NOT_MIGRATION', 'That is not a Google Authenticator export: it should start with "otpauth-migration://offline?data=".');
  if ((match[1] ?? '').toLowerCase() !== 'offline') throw malformed(`unknown kind "${match[1] ?? ''}"`);
  let data: string | undefined;
  for (const part of (match[2] ?? '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).toLowerCase() === 'data') {
      data = part.slice(eq + 1);
      break;
    }
  }
  if (data === undefined || data === '') throw new UriError('MIGRATION_NO_DATA', 'The Google Authenticator export has no "data" parameter, so it holds no accounts.');
  let base64: string;
  try {
    base64 = decodeURIComponent(data);
  } catch (cause) {
    throw malformed('broken percent-encoding', cause);
  }
  // A "+" that went through a form decoder comes back as a space; URL-safe base64 uses -_.
  base64 = base64.replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(base64) || base64.length % 4 === 1) throw malformed('its data is not valid base64');
  let binary: string;
  try {
    binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  } catch (cause) {
    throw malformed('its data is not valid base64', cause);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function counterNumber(value: RawOtpParameters['counter']): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (value.high < 0 && !value.unsigned) return -1;
  return value.toNumber();
}

function cleanName(value: string | undefined, what: string): string {
  const trimmed = (value ?? '').trim();
  if (trimmed.length > URI_LIMITS.MAX_NAME_LENGTH) throw new UriError('URI_NAME_TOO_LONG', `Its ${what} is longer than ${URI_LIMITS.MAX_NAME_LENGTH} characters.`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) throw new UriError('URI_CONTROL_CHARACTER', `Its ${what} contains control characters.`);
  return trimmed;
}

function toAccount(p: RawOtpParameters): OtpauthData {
  let issuer = cleanName(p.issuer, 'issuer');
  let label = cleanName(p.name, 'account name');
  // Google stores "Issuer:account" in name for accounts added from otpauth:// links with a prefix.
  const colon = label.indexOf(':');
  if (colon >= 0) {
    const prefix = label.slice(0, colon).trim();
    if (issuer === '') issuer = prefix;
    if (prefix === issuer) label = label.slice(colon + 1).trim();
  }
  const algorithmCode = p.algorithm ?? 0;
  const algorithm = ALGORITHMS[algorithmCode];
  if (algorithm === undefined) {
    throw new UriError('MIGRATION_UNSUPPORTED_ALGORITHM', algorithmCode === 4
      ? 'It uses the MD5 algorithm, which Authdesk does not support (only SHA1, SHA256 and SHA512).'
      : `It uses an unknown algorithm (code ${algorithmCode}).`);
  }
  const digits = DIGITS[p.digits ?? 0];
  if (digits === undefined) throw new UriError('MIGRATION_UNSUPPORTED_DIGITS', `It uses an unknown number of digits (code ${p.digits ?? 0}).`);
  const typeCode = p.type ?? 0;
  // UNSPECIFIED: Google's own exports always set the type; older third-party writers leave it out for TOTP.
  const type = typeCode === 1 ? 'hotp' : typeCode === 2 || typeCode === 0 ? 'totp' : undefined;
  if (type === undefined) throw new UriError('MIGRATION_UNSUPPORTED_TYPE', `It is of an unknown type (code ${typeCode}).`);
  const secretBytes = p.secret;
  if (!secretBytes || secretBytes.length === 0) throw new UriError('URI_MISSING_SECRET', 'It has no secret key.');
  let secret: string;
  try {
    secret = normalizeBase32Secret(bytesToBase32(secretBytes));
  } finally {
    wipe(secretBytes);
  }
  if (type === 'hotp') {
    const counter = counterNumber(p.counter);
    if (!Number.isSafeInteger(counter) || counter < 0 || counter > OTP_LIMITS.MAX_COUNTER) throw new UriError('URI_BAD_COUNTER', 'Its HOTP counter is out of range.');
    return { type, issuer, label, secret, algorithm, digits, period: 30, counter };
  }
  return { type, issuer, label, secret, algorithm, digits, period: 30 };
}

export function isMigrationUri(text: string): boolean {
  return /^\s*otpauth-migration:/i.test(text);
}

/** Decode one export QR code's text. Throws UriError when the payload itself is unreadable. */
export function decodeMigrationUri(input: string): MigrationBatch {
  const bytes = extractData(input);
  try {
    return decodePayload(bytes);
  } finally {
    // The decoded secrets may be views into these bytes: wipe only once they have been converted.
    wipe(bytes);
  }
}

function decodePayload(bytes: Uint8Array): MigrationBatch {
  let payload: RawPayload;
  try {
    payload = MigrationPayload.toObject(MigrationPayload.decode(bytes), { defaults: false, arrays: true }) as RawPayload;
  } catch (cause) {
    throw malformed('its data is not a valid export', cause);
  }
  const parameters = payload.otpParameters ?? [];
  if (parameters.length === 0) throw new UriError('MIGRATION_EMPTY', 'The Google Authenticator export contains no accounts.');
  const accounts: OtpauthData[] = [];
  const skipped: SkippedMigrationAccount[] = [];
  parameters.forEach((p, index) => {
    try {
      accounts.push(toAccount(p));
    } catch (error) {
      if (!(error instanceof UriError) && !(error instanceof SecretError)) throw error;
      skipped.push({ index, issuer: safeShort(p.issuer), label: safeShort(p.name), reason: error.message });
    } finally {
      wipe(p.secret);
    }
  });
  const batchSize = payload.batchSize ?? 1;
  const batchIndex = payload.batchIndex ?? 0;
  if (batchSize < 1 || batchIndex < 0 || batchIndex >= batchSize) throw malformed(`it says it is part ${batchIndex + 1} of ${batchSize}`);
  return { accounts, skipped, version: payload.version ?? 0, batchSize, batchIndex, batchId: payload.batchId ?? 0 };
}

/** A name from a refused account, made harmless to show (control characters removed, shortened). */
function safeShort(text: string | undefined): string {
  const clean = (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}

/** Why an account cannot travel in Google's format, or undefined when it can. */
export function migrationIncompatibility(account: OtpauthData): string | undefined {
  if (account.type === 'totp' && account.period !== 30) return `its period is ${account.period} s, and Google Authenticator exports carry only 30 s`;
  if (account.digits !== 6 && account.digits !== 8) return `it has ${account.digits} digits, and Google Authenticator exports carry only 6 or 8`;
  return undefined;
}

export interface EncodeMigrationOptions {
  /** Same for every batch of this export; defaults to a hash of the accounts' names. */
  readonly batchId?: number;
  readonly maxAccountsPerBatch?: number;
  readonly maxBytesPerBatch?: number;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

function encodeBatch(params: object[], version: number, batchSize: number, batchIndex: number, batchId: number): Uint8Array {
  return MigrationPayload.encode(MigrationPayload.fromObject({ otpParameters: params, version, batchSize, batchIndex, batchId })).finish();
}

/**
 * Encode accounts as Google Authenticator export links, one per QR code, split into batches of at
 * most `maxAccountsPerBatch` accounts and `maxBytesPerBatch` bytes of protobuf. Throws UriError
 * naming the first account the format cannot carry (see migrationIncompatibility).
 */
export function encodeMigrationUris(accounts: readonly OtpauthData[], options: EncodeMigrationOptions = {}): string[] {
  if (accounts.length === 0) throw new UriError('MIGRATION_EMPTY', 'There are no accounts to export.');
  const maxAccounts = options.maxAccountsPerBatch ?? MIGRATION_LIMITS.DEFAULT_ACCOUNTS_PER_BATCH;
  const maxBytes = options.maxBytesPerBatch ?? MIGRATION_LIMITS.DEFAULT_BYTES_PER_BATCH;
  const batchId = options.batchId ?? fnv1a(accounts.map((a) => `${a.issuer}:${a.label}`).join('\n'));
  const params = accounts.map((a) => {
    const why = migrationIncompatibility(a);
    if (why) throw new UriError('MIGRATION_UNSUPPORTED_ACCOUNT', `"${a.issuer ? `${a.issuer}: ` : ''}${a.label}" cannot be exported for Google Authenticator: ${why}.`);
    return {
      secret: base32ToBytes(normalizeBase32Secret(a.secret)),
      name: a.label,
      issuer: a.issuer,
      algorithm: ALGORITHM_CODES[a.algorithm],
      digits: a.digits === 8 ? 2 : 1,
      type: a.type === 'hotp' ? 1 : 2,
      counter: a.type === 'hotp' ? (a.counter ?? 0) : 0,
    };
  });
  try {
    // Greedy packing by count and size; the size of one parameter block is independent of the others.
    const batches: (typeof params)[] = [];
    let current: typeof params = [];
    let currentBytes = 0;
    for (const p of params) {
      const size = MigrationPayload.lookupType('OtpParameters').encode(p).finish().length + 3;
      if (current.length > 0 && (current.length >= maxAccounts || currentBytes + size > maxBytes)) {
        batches.push(current);
        current = [];
        currentBytes = 0;
      }
      current.push(p);
      currentBytes += size;
    }
    batches.push(current);
    return batches.map((batch, index) => {
      const bytes = encodeBatch(batch, 1, batches.length, index, batchId);
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      wipe(bytes);
      return `otpauth-migration://offline?data=${encodeURIComponent(btoa(binary))}`;
    });
  } catch (error) {
    if (isAuthdeskError(error)) throw error;
    throw new UriError('MIGRATION_ENCODE_FAILED', 'The accounts could not be encoded as a Google Authenticator export.', { cause: error });
  } finally {
    for (const p of params) wipe(p.secret);
  }
}
