import { BackupError, isAuthdeskError } from '../errors.js';
import { normalizeBase32Secret } from '../otp/base32.js';
import { assertCounter, assertDigits, assertPeriod } from '../otp/otp.js';
import { HASH_ALGORITHMS, type HashAlgorithm, type OtpType } from '../otp/types.js';
import { URI_LIMITS, type OtpauthData } from '../otpauth/uri.js';
import type { NewAccount } from '../vault/api.js';
import { DOCUMENT_LIMITS } from '../vault/document.js';
import type { Account, AccountStatus } from '../vault/model.js';

/**
 * An account with its seed, as it travels in backups, imports and exports. Everything an otpauth://
 * URI carries plus Authdesk's own metadata. Never logged, never written in plain text except by the
 * explicit "plain otpauth list" export.
 */
export interface PortableAccount extends OtpauthData {
  readonly awsSerial?: string;
  readonly awsUser?: string;
  readonly stepAdjust?: number;
  readonly status?: AccountStatus;
  readonly order?: number;
  readonly tags?: readonly string[];
  readonly createdAt?: string;
}

export const ACCOUNT_LIMITS = {
  /** What a vault holds (core/vault/document.ts): a backup or import can never need more. */
  MAX_ACCOUNTS: DOCUMENT_LIMITS.MAX_ACCOUNTS,
  /** Tags are short labels; a few dozen per account is already more than a UI can show. */
  MAX_TAGS: 32,
  MAX_TAG_LENGTH: 64,
  /** As the vault document allows (whole periods of a service's clock error). */
  MAX_STEP_ADJUST: DOCUMENT_LIMITS.MAX_STEP_ADJUST,
} as const;

const STATUSES: readonly AccountStatus[] = ['active', 'pending', 'recovered'];
const AWS_SERIAL = /^arn:aws[a-z-]*:iam::\d{12}:mfa\/[\w+=,.@/-]{1,512}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

type Where = string; // "account 3" / "entry 7 (Google: alice)" — for messages

function fail(code: string, where: Where, message: string, cause?: unknown): never {
  throw new BackupError(code, `${where}: ${message}`, cause === undefined ? { details: { where } } : { cause, details: { where } });
}

function name(value: unknown, field: string, where: Where, required: boolean): string {
  if (value === undefined || value === null) {
    if (required) fail('IMPORT_BAD_ENTRY', where, `the ${field} is missing.`);
    return '';
  }
  if (typeof value !== 'string') fail('IMPORT_BAD_ENTRY', where, `the ${field} is not text.`);
  const trimmed = value.trim();
  if (trimmed.length > URI_LIMITS.MAX_NAME_LENGTH) fail('IMPORT_BAD_ENTRY', where, `the ${field} is longer than ${URI_LIMITS.MAX_NAME_LENGTH} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) fail('IMPORT_BAD_ENTRY', where, `the ${field} contains control characters.`);
  return trimmed;
}

/** Accepts "SHA1", "sha-256", "SHA512"...; anything else is a clear IMPORT_UNSUPPORTED_ALGORITHM. */
export function parseAlgorithm(value: unknown, where: Where): HashAlgorithm {
  if (value === undefined || value === null || value === '') return 'SHA1';
  const upper = typeof value === 'string' ? value.toUpperCase().replace(/^SHA-/, 'SHA') : '';
  if (!(HASH_ALGORITHMS as readonly string[]).includes(upper)) {
    fail('IMPORT_UNSUPPORTED_ALGORITHM', where, `the algorithm "${String(value)}" is not supported (only SHA1, SHA256 and SHA512 are).`);
  }
  return upper as HashAlgorithm;
}

function integer(value: unknown, field: string, where: Where, check: (n: number) => void): number {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail('IMPORT_BAD_ENTRY', where, `the ${field} "${String(value)}" is not a whole number.`);
  try {
    check(n);
  } catch (error) {
    fail('IMPORT_BAD_ENTRY', where, isAuthdeskError(error) ? error.message : `the ${field} is out of range.`, error);
  }
  return n;
}

export interface LooseAccountFields {
  type?: unknown;
  issuer?: unknown;
  label?: unknown;
  secret?: unknown;
  algorithm?: unknown;
  digits?: unknown;
  period?: unknown;
  counter?: unknown;
}

/**
 * Validate the OTP fields of an imported entry with the same rules as an otpauth:// URI
 * (core/otpauth/uri.ts): canonical base32 secret, 6-8 digits, period 1..86400, HOTP counter.
 * Defaults (SHA1, 6 digits, 30 s) apply when a field is absent, as in the Key Uri Format.
 */
export function validateOtpFields(raw: LooseAccountFields, where: Where): OtpauthData {
  const typeText = typeof raw.type === 'string' ? raw.type.toLowerCase() : raw.type === undefined ? 'totp' : '';
  if (typeText !== 'totp' && typeText !== 'hotp') {
    fail('IMPORT_UNSUPPORTED_TYPE', where, `the type "${String(raw.type)}" is not supported (only TOTP and HOTP are).`);
  }
  const type: OtpType = typeText;
  if (typeof raw.secret !== 'string') fail('IMPORT_BAD_ENTRY', where, 'the secret is missing.');
  let secret: string;
  try {
    secret = normalizeBase32Secret(raw.secret);
  } catch (error) {
    fail('IMPORT_BAD_SECRET', where, isAuthdeskError(error) ? error.message : 'the secret is not valid base32.', error);
  }
  const algorithm = parseAlgorithm(raw.algorithm, where);
  const digits = raw.digits === undefined || raw.digits === null ? 6 : integer(raw.digits, 'number of digits', where, assertDigits);
  const period = type === 'hotp' || raw.period === undefined || raw.period === null ? 30 : integer(raw.period, 'period', where, assertPeriod);
  const base = { type, issuer: name(raw.issuer, 'issuer', where, false), label: name(raw.label, 'account name', where, false), secret, algorithm, digits, period };
  if (type === 'hotp') {
    const counter = raw.counter === undefined || raw.counter === null ? 0 : integer(raw.counter, 'counter', where, assertCounter);
    return { ...base, counter };
  }
  return base;
}

/** Validate a full PortableAccount (our own backup payload), Authdesk metadata included. */
export function validatePortableAccount(raw: unknown, where: Where): PortableAccount {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('BACKUP_BAD_PAYLOAD', where, 'is not an object.');
  const r = raw as Record<string, unknown>;
  if (typeof r.secret !== 'string') fail('BACKUP_BAD_PAYLOAD', where, 'has no secret.');
  const otp = validateOtpFields(r, where);
  const out: { -readonly [K in keyof PortableAccount]: PortableAccount[K] } = { ...otp };
  if (r.awsSerial !== undefined && r.awsSerial !== null) {
    if (typeof r.awsSerial !== 'string' || !AWS_SERIAL.test(r.awsSerial)) fail('BACKUP_BAD_PAYLOAD', where, 'the AWS MFA serial is not an IAM MFA ARN.');
    out.awsSerial = r.awsSerial;
  }
  if (r.awsUser !== undefined && r.awsUser !== null) out.awsUser = name(r.awsUser, 'AWS user', where, true);
  if (r.stepAdjust !== undefined && r.stepAdjust !== null) {
    if (typeof r.stepAdjust !== 'number' || !Number.isInteger(r.stepAdjust) || Math.abs(r.stepAdjust) > ACCOUNT_LIMITS.MAX_STEP_ADJUST) {
      fail('BACKUP_BAD_PAYLOAD', where, 'the step adjustment is out of range.');
    }
    out.stepAdjust = r.stepAdjust;
  }
  if (r.status !== undefined && r.status !== null) {
    if (!STATUSES.includes(r.status as AccountStatus)) fail('BACKUP_BAD_PAYLOAD', where, `the status "${String(r.status)}" is unknown.`);
    out.status = r.status as AccountStatus;
  }
  if (r.order !== undefined && r.order !== null) {
    if (typeof r.order !== 'number' || !Number.isSafeInteger(r.order)) fail('BACKUP_BAD_PAYLOAD', where, 'the order is not a whole number.');
    out.order = r.order;
  }
  if (r.tags !== undefined && r.tags !== null) {
    if (!Array.isArray(r.tags) || r.tags.length > ACCOUNT_LIMITS.MAX_TAGS) fail('BACKUP_BAD_PAYLOAD', where, `the tags are not a list of at most ${ACCOUNT_LIMITS.MAX_TAGS}.`);
    out.tags = r.tags.map((tag) => {
      const text = name(tag, 'tag', where, true);
      if (text.length > ACCOUNT_LIMITS.MAX_TAG_LENGTH) fail('BACKUP_BAD_PAYLOAD', where, `a tag is longer than ${ACCOUNT_LIMITS.MAX_TAG_LENGTH} characters.`);
      return text;
    });
  }
  if (r.createdAt !== undefined && r.createdAt !== null) {
    if (typeof r.createdAt !== 'string' || !ISO_TIME.test(r.createdAt)) fail('BACKUP_BAD_PAYLOAD', where, 'the creation time is not an ISO 8601 time.');
    out.createdAt = r.createdAt;
  }
  return out;
}

/** Vault account + its seed -> PortableAccount (what a backup stores). */
export function toPortable(account: Account, secret: string): PortableAccount {
  const out: { -readonly [K in keyof PortableAccount]: PortableAccount[K] } = {
    type: account.type,
    issuer: account.issuer,
    label: account.label,
    secret,
    algorithm: account.algorithm,
    digits: account.digits,
    period: account.period,
    order: account.order,
    createdAt: account.createdAt,
  };
  if (account.type === 'hotp') out.counter = account.counter ?? 0;
  if (account.awsSerial !== undefined) out.awsSerial = account.awsSerial;
  if (account.awsUser !== undefined) out.awsUser = account.awsUser;
  if (account.stepAdjust !== undefined && account.stepAdjust !== 0) out.stepAdjust = account.stepAdjust;
  if (account.status !== 'active') out.status = account.status;
  if (account.tags !== undefined && account.tags.length > 0) out.tags = [...account.tags];
  return out;
}

/**
 * PortableAccount -> what VaultApi.add/addMany take. `order` and `createdAt` are not part of
 * NewAccount: the caller adds accounts sorted by `order`, so the relative order survives.
 */
export function toNewAccount(account: PortableAccount): NewAccount {
  const out: { -readonly [K in keyof NewAccount]: NewAccount[K] } = {
    type: account.type,
    issuer: account.issuer,
    label: account.label,
    secret: account.secret,
    algorithm: account.algorithm,
    digits: account.digits,
    period: account.period,
  };
  if (account.type === 'hotp') out.counter = account.counter ?? 0;
  if (account.awsSerial !== undefined) out.awsSerial = account.awsSerial;
  if (account.awsUser !== undefined) out.awsUser = account.awsUser;
  if (account.stepAdjust !== undefined) out.stepAdjust = account.stepAdjust;
  if (account.status !== undefined) out.status = account.status;
  if (account.tags !== undefined) out.tags = account.tags;
  return out;
}

/** "Issuer: label" for reports (never the secret). */
export function describeAccount(account: Pick<OtpauthData, 'issuer' | 'label'>): string {
  if (account.issuer && account.label) return `${account.issuer}: ${account.label}`;
  return account.issuer || account.label || '(unnamed account)';
}
