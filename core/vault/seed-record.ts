/**
 * What a keychain item of an account holds: a small versioned record of the seed AND the
 * parameters needed to make its codes (docs/storage.md, "Keychain layout").
 *
 * Why: the seed and the metadata live in two stores, written one after the other. An item that
 * outlives its metadata (a process killed between the two writes, an interrupted remove, a lost
 * vault.json) used to be recovered as "Recovered"/SHA1/6/30 — wrong codes for every SHA256,
 * 8-digit or 60 s account. With the parameters beside the seed, any orphan is recovered exactly.
 *
 *   {"kind":"authdesk-seed","version":1,"secret":"JBSW...","type":"totp","algorithm":"SHA256",
 *    "digits":8,"period":60,"issuer":"Example","label":"alice"}
 *
 * Items written before this record existed hold the bare base32 text: they still read (as a
 * record with no parameters). The document stays authoritative for an account it lists; the record
 * is the parameters *at the time the seed was stored* (a later rename does not rewrite it).
 */
import { normalizeBase32Secret } from '../otp/base32.js';
import { HASH_ALGORITHMS, OTP_LIMITS, type HashAlgorithm, type OtpType } from '../otp/types.js';

export const SEED_RECORD_KIND = 'authdesk-seed';
export const SEED_RECORD_VERSION = 1;

/** The parameters a record carries besides the secret (all of them, so recovery is exact). */
export interface SeedParameters {
  readonly type: OtpType;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
  readonly period: number;
  /** HOTP: the counter when the seed was stored. */
  readonly counter?: number;
  readonly issuer: string;
  readonly label: string;
  readonly awsSerial?: string;
  readonly awsUser?: string;
  /** Only 'pending' is kept (an AWS seed stored before Enable): such an item is recovered as pending. */
  readonly status?: 'pending';
}

export interface SeedRecord {
  /** Canonical base32 (upper case, no padding). */
  readonly secret: string;
  /** Absent for a legacy item (bare base32, written before records existed). */
  readonly params?: SeedParameters;
}

/** The text stored as the keychain item's secret. */
export function encodeSeedRecord(secret: string, params: SeedParameters): string {
  const record: Record<string, unknown> = {
    kind: SEED_RECORD_KIND,
    version: SEED_RECORD_VERSION,
    secret: normalizeBase32Secret(secret),
    type: params.type,
    algorithm: params.algorithm,
    digits: params.digits,
    period: params.period,
    ...(params.counter === undefined ? {} : { counter: params.counter }),
    issuer: params.issuer,
    label: params.label,
    ...(params.awsSerial === undefined ? {} : { awsSerial: params.awsSerial }),
    ...(params.awsUser === undefined ? {} : { awsUser: params.awsUser }),
    ...(params.status === 'pending' ? { status: 'pending' } : {}),
  };
  return JSON.stringify(record);
}

const MAX_RECORD_TEXT = 16 * 1024;

function wholeIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function shortText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 1024;
}

/**
 * Read an item's text: a record, or a legacy bare base32 secret. Returns null for anything else
 * (another kind of item, a newer record version, a damaged record): the caller reports it as
 * unusable and leaves it alone. Never throws, never echoes the text.
 */
export function decodeSeedRecord(text: string): SeedRecord | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) {
    try {
      return { secret: normalizeBase32Secret(trimmed) };
    } catch {
      return null;
    }
  }
  if (trimmed.length > MAX_RECORD_TEXT) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (r['kind'] !== SEED_RECORD_KIND || r['version'] !== SEED_RECORD_VERSION) return null;
  if (typeof r['secret'] !== 'string') return null;
  let secret: string;
  try {
    secret = normalizeBase32Secret(r['secret']);
  } catch {
    return null;
  }
  const { type, algorithm, digits, period, counter, issuer, label, awsSerial, awsUser, status } = r;
  if (type !== 'totp' && type !== 'hotp') return null;
  if (typeof algorithm !== 'string' || !(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) return null;
  if (!wholeIn(digits, OTP_LIMITS.MIN_DIGITS, OTP_LIMITS.MAX_DIGITS) || !wholeIn(period, OTP_LIMITS.MIN_PERIOD, OTP_LIMITS.MAX_PERIOD)) return null;
  if (counter !== undefined && !wholeIn(counter, 0, OTP_LIMITS.MAX_COUNTER)) return null;
  if (type === 'hotp' && counter === undefined) return null;
  if (!shortText(issuer) || !shortText(label)) return null;
  if ((awsSerial !== undefined && !shortText(awsSerial)) || (awsUser !== undefined && !shortText(awsUser))) return null;
  if (status !== undefined && status !== 'pending') return null;
  return {
    secret,
    params: {
      type,
      algorithm: algorithm as HashAlgorithm,
      digits,
      period,
      ...(counter === undefined ? {} : { counter: counter as number }),
      issuer,
      label,
      ...(awsSerial === undefined ? {} : { awsSerial: awsSerial as string }),
      ...(awsUser === undefined ? {} : { awsUser: awsUser as string }),
      ...(status === 'pending' ? { status } : {}),
    },
  };
}

/**
 * An item of another kind that Authdesk keeps under the vault's prefix (JSON with its own `kind`,
 * e.g. `authdesk-backup-passphrase`): not an account, so reconciliation neither recovers it nor
 * reports it as unusable.
 */
export function isOtherKindOfItem(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || trimmed.length > MAX_RECORD_TEXT) return false;
  try {
    const raw = JSON.parse(trimmed) as unknown;
    if (typeof raw !== 'object' || raw === null) return false;
    const kind = (raw as Record<string, unknown>)['kind'];
    return typeof kind === 'string' && kind.startsWith('authdesk-') && kind !== SEED_RECORD_KIND;
  } catch {
    return false;
  }
}
