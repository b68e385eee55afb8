/**
 * The vault document (vault.json): parse, validate, migrate, serialise. Pure: the node adapter
 * (node/document-store.ts) reads and writes the bytes. Format documented in docs/storage.md.
 *
 * Rule: a document we cannot fully understand is never "repaired" or overwritten. Every problem is a
 * VaultError naming the file, and the caller stops before any write (the file may be the only record
 * of which keychain items belong to which service).
 */
import { VaultError, type AuthdeskError } from '../errors.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../json-depth.js';
import { OTP_LIMITS, HASH_ALGORITHMS } from '../otp/types.js';
import { parseReleasePolicy, type ReleasePolicy } from '../release/policy.js';
import {
  DEFAULT_SETTINGS,
  VAULT_DOCUMENT_VERSION,
  type Account,
  type BatchInProgress,
  type Settings,
  type PendingTimeOffset,
  type TimeOffsetRecord,
  type VaultDocument,
} from './model.js';

export const DOCUMENT_FORMAT = 'authdesk-vault';

/** Limits on what a document may hold, with the reason. */
export const DOCUMENT_LIMITS = {
  /** 20,000 accounts is far beyond any person's MFA devices; more means a corrupt or hostile file. */
  MAX_ACCOUNTS: 20_000,
  /** Issuer/label length, as URI_LIMITS.MAX_NAME_LENGTH (longer is pasted text, not a name). */
  MAX_NAME_LENGTH: 256,
  MAX_TAGS: 32,
  /** |stepAdjust| over 100 periods (~50 min at 30 s) is a mistake, not a service's clock error. */
  MAX_STEP_ADJUST: 100,
  /** 64 MiB: a 20,000-account document is ~10 MiB; refuse to parse anything larger. */
  MAX_BYTES: 64 * 1024 * 1024,
} as const;

/** Account ids are random base64url (node/crypto.ts newId: 16 chars, no leading '-'); accept any sane token, older ones included. */
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corrupt(where: string, what: string): VaultError {
  return new VaultError(
    'VAULT_CORRUPT',
    `The vault file ${where} is damaged (${what}). Authdesk did not change it. Restore it from a backup, or move it aside to start a new vault (the secret keys stay in the keychain and will be recovered).`,
    { details: { path: where, problem: what } },
  );
}

export function newVaultDocument(vaultId: string): VaultDocument {
  return { format: DOCUMENT_FORMAT, version: VAULT_DOCUMENT_VERSION, vaultId, accounts: [], settings: DEFAULT_SETTINGS };
}

/**
 * Migrations from older versions, keyed by the version they upgrade FROM. Version 1 is the first
 * format, so the table is empty; a future v2 adds `1: (doc) => ({ ...doc, version: 2, ... })`.
 * Migrated documents are written back only by the next mutation (under the lock), never on read.
 */
const MIGRATIONS: Record<number, (doc: Json) => Json> = {};

/** Parse the bytes of vault.json. `where` names the file in messages. */
export function parseVaultDocument(text: string, where = 'vault.json'): VaultDocument {
  if (text.length > DOCUMENT_LIMITS.MAX_BYTES) throw corrupt(where, `it is ${text.length} bytes, more than any vault`);
  if (jsonNestsDeeperThan(text)) throw corrupt(where, `it nests JSON more than ${MAX_JSON_DEPTH} levels deep, which no vault does`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message can quote file content; keep it out of the error.
    throw corrupt(where, text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
  }
  if (!isObject(raw) || raw['format'] !== DOCUMENT_FORMAT) throw corrupt(where, 'it is not an Authdesk vault file');
  const rawVersion = raw['version'];
  if (typeof rawVersion !== 'number' || !Number.isInteger(rawVersion) || rawVersion < 1) throw corrupt(where, 'its version is missing');
  let version: number = rawVersion;
  if (version > VAULT_DOCUMENT_VERSION) {
    throw new VaultError(
      'VAULT_TOO_NEW',
      `The vault file ${where} was written by a newer Authdesk (format version ${version}; this one understands up to ${VAULT_DOCUMENT_VERSION}). Update Authdesk; the file was left unchanged.`,
      { details: { path: where, version, supported: VAULT_DOCUMENT_VERSION } },
    );
  }
  let doc: Json = raw;
  while (version < VAULT_DOCUMENT_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate) throw corrupt(where, `format version ${version} is unknown`);
    doc = migrate(doc);
    version = doc['version'] as number;
  }
  return validateDocument(doc, where);
}

export function serializeVaultDocument(doc: VaultDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function validateDocument(doc: Json, where: string): VaultDocument {
  const vaultId = doc['vaultId'];
  if (typeof vaultId !== 'string' || !ID_PATTERN.test(vaultId)) throw corrupt(where, 'its vault id is missing or malformed');
  const accountsRaw = doc['accounts'];
  if (!Array.isArray(accountsRaw)) throw corrupt(where, 'its account list is missing');
  if (accountsRaw.length > DOCUMENT_LIMITS.MAX_ACCOUNTS) throw corrupt(where, `it lists ${accountsRaw.length} accounts`);
  const seen = new Set<string>();
  const accounts = accountsRaw.map((a, i) => {
    const account = validateAccount(a, (what) => corrupt(where, `account ${i + 1}: ${what}`));
    if (seen.has(account.id)) throw corrupt(where, `account id ${account.id} appears twice`);
    seen.add(account.id);
    return account;
  });
  const settingsRaw = doc['settings'] ?? {};
  const settings = validateSettings(settingsRaw, (what) => corrupt(where, `settings: ${what}`));
  const batch = doc['batchInProgress'] === undefined ? undefined : validateBatch(doc['batchInProgress'], (what) => corrupt(where, `batchInProgress: ${what}`));
  return { format: DOCUMENT_FORMAT, version: VAULT_DOCUMENT_VERSION, vaultId, accounts, settings, ...(batch ? { batchInProgress: batch } : {}) };
}

/** The journal of a batch in progress (core/vault/vault.ts addMany): ids only, never a secret. */
export function validateBatch(value: unknown, fail: (what: string) => AuthdeskError): BatchInProgress {
  if (!isObject(value)) throw fail('not an object');
  const { startedAt, accountIds } = value;
  if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt))) throw fail('"startedAt" is not a date');
  if (!Array.isArray(accountIds) || accountIds.length > DOCUMENT_LIMITS.MAX_ACCOUNTS || !accountIds.every((id) => typeof id === 'string' && ID_PATTERN.test(id))) {
    throw fail('"accountIds" is not a list of account ids');
  }
  return { startedAt, accountIds: accountIds as string[] };
}

function str(o: Json, key: string, fail: (what: string) => AuthdeskError, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw fail(`"${key}" is missing or not text`);
  if (v.length > DOCUMENT_LIMITS.MAX_NAME_LENGTH * 4) throw fail(`"${key}" is too long`);
  return v;
}

function int(o: Json, key: string, fail: (what: string) => AuthdeskError, min: number, max: number, optional = false): number | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw fail(`"${key}" is not a whole number from ${min} to ${max}`);
  return v;
}

/** Validate one account record (also used for accounts built in memory before saving). */
export function validateAccount(value: unknown, fail: (what: string) => AuthdeskError): Account {
  if (!isObject(value)) throw fail('not an object');
  const id = str(value, 'id', fail) as string;
  if (!ID_PATTERN.test(id)) throw fail('malformed id');
  const type = value['type'];
  if (type !== 'totp' && type !== 'hotp') throw fail('"type" must be "totp" or "hotp"');
  const algorithm = value['algorithm'];
  if (typeof algorithm !== 'string' || !(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) throw fail('"algorithm" is not SHA1, SHA256 or SHA512');
  const status = value['status'];
  if (status !== 'active' && status !== 'pending' && status !== 'recovered') throw fail('"status" is unknown');
  const createdAt = str(value, 'createdAt', fail) as string;
  if (Number.isNaN(Date.parse(createdAt))) throw fail('"createdAt" is not a date');
  const tagsRaw = value['tags'];
  let tags: string[] | undefined;
  if (tagsRaw !== undefined) {
    if (!Array.isArray(tagsRaw) || tagsRaw.length > DOCUMENT_LIMITS.MAX_TAGS || !tagsRaw.every((t) => typeof t === 'string' && t.length <= DOCUMENT_LIMITS.MAX_NAME_LENGTH)) {
      throw fail('"tags" is not a list of short texts');
    }
    tags = tagsRaw as string[];
  }
  const counter = int(value, 'counter', fail, 0, OTP_LIMITS.MAX_COUNTER, true);
  if (type === 'hotp' && counter === undefined) throw fail('an HOTP account has no counter');
  const account: Account = {
    id,
    type,
    issuer: str(value, 'issuer', fail) as string,
    label: str(value, 'label', fail) as string,
    algorithm: algorithm as Account['algorithm'],
    digits: int(value, 'digits', fail, OTP_LIMITS.MIN_DIGITS, OTP_LIMITS.MAX_DIGITS) as number,
    period: int(value, 'period', fail, OTP_LIMITS.MIN_PERIOD, OTP_LIMITS.MAX_PERIOD) as number,
    ...(counter === undefined ? {} : { counter }),
    ...optionalString(value, 'awsSerial', fail),
    ...optionalString(value, 'awsUser', fail),
    ...(value['stepAdjust'] === undefined ? {} : { stepAdjust: int(value, 'stepAdjust', fail, -DOCUMENT_LIMITS.MAX_STEP_ADJUST, DOCUMENT_LIMITS.MAX_STEP_ADJUST) as number }),
    status,
    createdAt,
    order: int(value, 'order', fail, 0, Number.MAX_SAFE_INTEGER) as number,
    ...(tags === undefined ? {} : { tags }),
    ...releasePolicyField(value['releasePolicy'], fail),
  };
  return account;
}

function releasePolicyField(raw: unknown, fail: (what: string) => AuthdeskError): { releasePolicy?: ReleasePolicy } {
  try {
    const policy = parseReleasePolicy(raw);
    return policy === undefined ? {} : { releasePolicy: policy };
  } catch {
    throw fail('"releasePolicy" is not a release policy');
  }
}

function optionalString(o: Json, key: string, fail: (what: string) => AuthdeskError): Record<string, string> {
  const v = str(o, key, fail, true);
  return v === undefined ? {} : { [key]: v };
}

function validateOffset(value: unknown, fail: (what: string) => AuthdeskError, key = 'timeOffset'): TimeOffsetRecord {
  if (!isObject(value)) throw fail(`"${key}" is not an object`);
  const { offsetMs, uncertaintyMs, source, measuredAt, verification } = value;
  // A clock more than ~10 years off is not a measurement; refuse it rather than produce garbage codes.
  const MAX = 10 * 366 * 86_400_000;
  const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX;
  const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 512;
  const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
  if (!isOffset(offsetMs)) throw fail(`"${key}.offsetMs" is not a number of milliseconds`);
  if (typeof uncertaintyMs !== 'number' || !Number.isFinite(uncertaintyMs) || uncertaintyMs < 0) throw fail(`"${key}.uncertaintyMs" is not a positive number`);
  if (!isText(source)) throw fail(`"${key}.source" is not text`);
  if (!isDate(measuredAt)) throw fail(`"${key}.measuredAt" is not a date`);
  const record: TimeOffsetRecord = { offsetMs, uncertaintyMs, source, measuredAt };
  if (verification === undefined) return record;
  if (!isObject(verification) || (verification['by'] !== 'tls' && verification['by'] !== 'person') || !isText(verification['source']) || !isOffset(verification['offsetMs']) || !isDate(verification['at'])) {
    throw fail(`"${key}.verification" is not a verification (by, source, offsetMs, at)`);
  }
  return { ...record, verification: { by: verification['by'], source: verification['source'], offsetMs: verification['offsetMs'], at: verification['at'] } };
}

function validatePendingOffset(value: unknown, fail: (what: string) => AuthdeskError): PendingTimeOffset {
  const { verification: _, ...record } = validateOffset(value, fail, 'timeOffsetPending');
  const check = (value as Json)['check'];
  if (check === undefined) return record;
  const ok = isObject(check) && typeof check['source'] === 'string' && check['source'].length <= 512
    && (check['offsetMs'] === undefined || (typeof check['offsetMs'] === 'number' && Number.isFinite(check['offsetMs'])))
    && (check['error'] === undefined || (typeof check['error'] === 'string' && check['error'].length <= 1024));
  if (!ok) throw fail('"timeOffsetPending.check" is not a check (source, offsetMs or error)');
  const c = check as { source: string; offsetMs?: number; error?: string };
  return { ...record, check: { source: c.source, ...(c.offsetMs !== undefined ? { offsetMs: c.offsetMs } : {}), ...(c.error !== undefined ? { error: c.error } : {}) } };
}

/**
 * Validate settings: missing keys take the defaults (so adding a setting needs no migration);
 * present keys must have the right type. Unknown keys are dropped.
 */
export function validateSettings(value: unknown, fail: (what: string) => AuthdeskError): Settings {
  if (!isObject(value)) throw fail('not an object');
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const check = (key: keyof Settings, ok: (v: unknown) => boolean, expected: string): void => {
    const v = value[key];
    if (v === undefined) return;
    if (!ok(v)) throw fail(`"${key}" must be ${expected}`);
    out[key] = v;
  };
  const nonNegInt = (max: number) => (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
  check('clipboardClearSeconds', nonNegInt(86_400), 'a whole number of seconds');
  check('theme', (v) => v === 'system' || v === 'light' || v === 'dark', '"system", "light" or "dark"');
  check('codeVisibility', (v) => v === 'shown' || v === 'hover' || v === 'click', '"shown", "hover" or "click"');
  check('timeServers', (v) => Array.isArray(v) && v.length <= 16 && v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 253), 'a list of host names');
  check('timeCorrection', (v) => typeof v === 'boolean', 'true or false');
  check('startAtLogin', (v) => typeof v === 'boolean', 'true or false');
  check('lockPassphraseHash', (v) => typeof v === 'string' && v.length <= 1024, 'text');
  check('lockFailures', (v) => isObject(v) && nonNegInt(1_000_000_000)(v['count']) && typeof v['lastAt'] === 'number' && Number.isFinite(v['lastAt']), 'a count and a time');
  check('lockAfterIdleMinutes', nonNegInt(7 * 24 * 60), 'a whole number of minutes');
  check('lockOnScreenLock', (v) => typeof v === 'boolean', 'true or false');
  check('useSystemAuth', (v) => typeof v === 'boolean', 'true or false');
  check('autoBackupKeep', nonNegInt(1000), 'a whole number');
  check('awsProfile', (v) => typeof v === 'string' && v.length <= 256, 'text');
  check('releaseSuggestionDone', (v) => typeof v === 'boolean', 'true or false');
  if (value['defaultReleasePolicy'] !== undefined) out['defaultReleasePolicy'] = releasePolicyField(value['defaultReleasePolicy'], fail).releasePolicy;
  if (value['timeOffset'] !== undefined) out['timeOffset'] = validateOffset(value['timeOffset'], fail);
  if (value['timeOffsetPending'] !== undefined) out['timeOffsetPending'] = validatePendingOffset(value['timeOffsetPending'], fail);
  // An optional setting given as `undefined` (e.g. a patch clearing awsProfile) is simply absent.
  return out as unknown as Settings;
}
