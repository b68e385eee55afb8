import { BackupError } from '../../errors.js';
import { describeAccount, validateOtpFields, type PortableAccount } from '../account.js';
import { base64ToBytes } from '../bytes.js';
import type { ParsedImport, TwofasEncrypted, TwofasEncryptedField, UnsupportedEntry } from './types.js';

/**
 * 2FAS Authenticator backups (`.2fas`), from the public 2FAS apps (twofas/2fas-android
 * BackupContent.kt, 2fas-ios) and the independent decryptors that document them:
 *   { services: [...], groups: [...], schemaVersion: 1..4, servicesEncrypted?: "c:s:i", reference?: "c:s:i" }
 * Encrypted: services = [] and servicesEncrypted = base64(AES-256-GCM ciphertext || 16-byte tag)
 * ":" base64(salt) ":" base64(12-byte IV); key = PBKDF2-HMAC-SHA256(password, salt, 10,000, 32 bytes).
 * `reference` encrypts a fixed public string with the same key (own IV) so a wrong password is
 * recognised before the services are touched. Decryption: node/backup/third-party.ts.
 */

export const TWOFAS_LIMITS = {
  /** Schema versions seen in 2FAS's apps so far. */
  MAX_SCHEMA_VERSION: 4,
  /** 2FAS writes 256-byte salts; anything above 1 KiB is not a 2FAS file. */
  MAX_SALT_BYTES: 1024,
  IV_BYTES: 12,
  TAG_BYTES: 16,
} as const;

/** The fixed plaintext of `reference` (twofas/2fas-android BackupContent.Reference). Public, not a secret. */
export const TWOFAS_REFERENCE =
  'tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd';

/** PBKDF2 iteration count 2FAS uses (fixed; not stored in the file). */
export const TWOFAS_PBKDF2_ITERATIONS = 10_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(message: string): never {
  throw new BackupError('IMPORT_MALFORMED', `This 2FAS backup is malformed: ${message}`);
}

export function isTwofasBackup(value: unknown): boolean {
  return isObject(value) && 'schemaVersion' in value && ('services' in value || 'servicesEncrypted' in value);
}

function field(text: unknown, name: string): TwofasEncryptedField {
  if (typeof text !== 'string') bad(`its "${name}" is not text.`);
  const parts = text.split(':');
  if (parts.length !== 3) {
    throw new BackupError('IMPORT_TRUNCATED', `This 2FAS backup is truncated or damaged: "${name}" should have 3 parts separated by ":" and has ${parts.length}.`);
  }
  const data = base64ToBytes(parts[0] ?? '', `${name} data`);
  const salt = base64ToBytes(parts[1] ?? '', `${name} salt`);
  const iv = base64ToBytes(parts[2] ?? '', `${name} IV`);
  if (data.length <= TWOFAS_LIMITS.TAG_BYTES) throw new BackupError('IMPORT_TRUNCATED', `This 2FAS backup is truncated: "${name}" is too short to hold encrypted data.`);
  if (salt.length === 0 || salt.length > TWOFAS_LIMITS.MAX_SALT_BYTES) bad(`the salt of "${name}" has an impossible length (${salt.length} bytes).`);
  if (iv.length !== TWOFAS_LIMITS.IV_BYTES) bad(`the IV of "${name}" is not ${TWOFAS_LIMITS.IV_BYTES} bytes.`);
  return { data, salt, iv };
}

export type TwofasStage = { readonly kind: 'plain'; readonly result: ParsedImport } | { readonly kind: 'encrypted'; readonly backup: TwofasEncrypted };

export function readTwofasBackup(value: unknown): TwofasStage {
  if (!isObject(value)) bad('it is not a JSON object.');
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) bad('its "schemaVersion" is missing.');
  if (version > TWOFAS_LIMITS.MAX_SCHEMA_VERSION) {
    throw new BackupError('IMPORT_UNKNOWN_VERSION', `This 2FAS backup uses schema version ${version}; Authdesk reads versions 1 to ${TWOFAS_LIMITS.MAX_SCHEMA_VERSION}. Report this so Authdesk can learn the new version.`);
  }
  if (value.servicesEncrypted !== undefined && value.servicesEncrypted !== null) {
    const backup: TwofasEncrypted = { schemaVersion: version, services: field(value.servicesEncrypted, 'servicesEncrypted') };
    return { kind: 'encrypted', backup: value.reference === undefined || value.reference === null ? backup : { ...backup, reference: field(value.reference, 'reference') } };
  }
  return { kind: 'plain', result: parseTwofasServices(value.services, value.groups) };
}

/** The services list (plain file, or the decrypted `servicesEncrypted`). */
export function parseTwofasServices(services: unknown, groups?: unknown): ParsedImport {
  if (!Array.isArray(services)) bad('it has no "services" list.');
  const groupNames = new Map<string, string>();
  if (Array.isArray(groups)) for (const g of groups) if (isObject(g) && typeof g.id === 'string' && typeof g.name === 'string') groupNames.set(g.id, g.name);
  const indexed = services.map((s, i) => ({ s, i, pos: isObject(s) && isObject(s.order) && typeof s.order.position === 'number' ? s.order.position : i }));
  indexed.sort((a, b) => a.pos - b.pos);
  const accounts: PortableAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  for (const { s, i } of indexed) {
    if (!isObject(s)) bad(`service ${i + 1} is not an object.`);
    const otp = isObject(s.otp) ? s.otp : {};
    const issuer = typeof otp.issuer === 'string' && otp.issuer.trim() !== '' ? otp.issuer : typeof s.name === 'string' ? s.name : '';
    const label = typeof otp.account === 'string' && otp.account.trim() !== '' ? otp.account : typeof otp.label === 'string' ? otp.label : '';
    const tokenType = typeof otp.tokenType === 'string' ? otp.tokenType.toUpperCase() : 'TOTP';
    if (tokenType !== 'TOTP' && tokenType !== 'HOTP') {
      unsupported.push({ name: describeAccount({ issuer, label }), reason: tokenType === 'STEAM' ? 'Steam Guard codes use a different (non-standard) encoding' : `${tokenType} codes are not TOTP/HOTP` });
      continue;
    }
    const where = `2FAS service ${i + 1} (${describeAccount({ issuer, label })})`;
    const account = validateOtpFields({ type: tokenType.toLowerCase(), issuer, label, secret: s.secret, algorithm: otp.algorithm, digits: otp.digits, period: otp.period, counter: otp.counter }, where);
    const group = typeof s.groupId === 'string' ? groupNames.get(s.groupId) : undefined;
    accounts.push(group ? { ...account, tags: [group.trim().slice(0, 64)] } : account);
  }
  return { format: 'twofas', accounts, unsupported };
}
