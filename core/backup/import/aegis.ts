import { BackupError } from '../../errors.js';
import { describeAccount, validateOtpFields, type PortableAccount } from '../account.js';
import { hexToBytes } from '../bytes.js';
import type { AegisEncrypted, AegisPasswordSlot, ParsedImport, UnsupportedEntry } from './types.js';

/**
 * Aegis vaults, as documented in beemdevelopment/Aegis docs/vault.md:
 *   { version: 1, header: { slots, params }, db }
 * Plain: header.slots and header.params are null and db is an object { version, entries }.
 * Encrypted: db is base64 AES-256-GCM ciphertext (tag in header.params), under a random master
 * key wrapped in "slots"; password slots (type 1) wrap it with an scrypt-derived key.
 * Only the parsing is here; the decryption is node/backup/third-party.ts.
 */

export const AEGIS_LIMITS = {
  /** The vault file version Aegis documents (1); a higher one is a format we do not know. */
  MAX_VAULT_VERSION: 1,
  /** Content versions: 1 (original), 2 (entry "group" names), 3 (groups by uuid). */
  MAX_DB_VERSION: 3,
  /** An Aegis vault has one password slot, maybe a few; trying many slots multiplies scrypt work. */
  MAX_PASSWORD_SLOTS: 8,
} as const;

const UNSUPPORTED_TYPES: Record<string, string> = {
  steam: 'Steam Guard codes use a different (non-standard) encoding',
  yandex: 'Yandex codes use a different (non-standard) algorithm',
  motp: 'mOTP is not TOTP/HOTP',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(message: string): never {
  throw new BackupError('IMPORT_MALFORMED', `This Aegis vault is malformed: ${message}`);
}

export function isAegisVault(value: unknown): boolean {
  return isObject(value) && 'header' in value && 'db' in value && 'version' in value;
}

export type AegisStage = { readonly kind: 'plain'; readonly result: ParsedImport } | { readonly kind: 'encrypted'; readonly vault: AegisEncrypted };

export function readAegisVault(value: unknown): AegisStage {
  if (!isObject(value)) bad('it is not a JSON object.');
  if (typeof value.version !== 'number' || value.version < 1) bad('its "version" is missing.');
  if (value.version > AEGIS_LIMITS.MAX_VAULT_VERSION) {
    throw new BackupError('IMPORT_UNKNOWN_VERSION', `This Aegis vault is version ${value.version}; Authdesk reads version ${AEGIS_LIMITS.MAX_VAULT_VERSION}. Export it again from Aegis, or report this so Authdesk can learn the new version.`);
  }
  const header = value.header;
  if (!isObject(header)) bad('its "header" is missing.');
  if (header.slots === null && header.params === null) {
    if (!isObject(value.db)) bad('it is marked as not encrypted but its "db" is not an object.');
    return { kind: 'plain', result: parseAegisDb(value.db) };
  }
  if (!Array.isArray(header.slots) || !isObject(header.params)) bad('its header has no slots or no parameters.');
  if (typeof value.db !== 'string') bad('it is encrypted but its "db" is not text.');
  const slots: AegisPasswordSlot[] = [];
  for (const slot of header.slots) {
    if (!isObject(slot) || slot.type !== 1) continue; // raw (0) and biometric (2) slots need keys we do not have
    const keyParams = slot.key_params;
    if (!isObject(keyParams)) bad('a password slot has no key parameters.');
    const N = slot.n, r = slot.r, p = slot.p;
    if (typeof N !== 'number' || typeof r !== 'number' || typeof p !== 'number') bad('a password slot has no scrypt parameters.');
    slots.push({
      uuid: typeof slot.uuid === 'string' ? slot.uuid : '',
      key: hexToBytes(slot.key as string, 'slot key'),
      keyNonce: hexToBytes(keyParams.nonce as string, 'slot nonce'),
      keyTag: hexToBytes(keyParams.tag as string, 'slot tag'),
      salt: hexToBytes(slot.salt as string, 'slot salt'),
      N, r, p,
    });
  }
  if (slots.length === 0) {
    throw new BackupError('IMPORT_NO_PASSWORD_SLOT', 'This Aegis vault cannot be opened with a password (it has only biometric or raw key slots). In Aegis, set a password (Settings -> Security) and export again.');
  }
  if (slots.length > AEGIS_LIMITS.MAX_PASSWORD_SLOTS) bad(`it has more than ${AEGIS_LIMITS.MAX_PASSWORD_SLOTS} password slots.`);
  const nonce = hexToBytes(header.params.nonce as string, 'header nonce');
  const tag = hexToBytes(header.params.tag as string, 'header tag');
  if (nonce.length !== 12 || tag.length !== 16) bad('its nonce or tag has the wrong length.');
  let db: Uint8Array;
  try {
    const binary = atob(value.db);
    db = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) db[i] = binary.charCodeAt(i);
  } catch (cause) {
    throw new BackupError('IMPORT_MALFORMED', 'This Aegis vault is malformed: its encrypted contents are not base64.', { cause });
  }
  return { kind: 'encrypted', vault: { slots, nonce, tag, db } };
}

/** The decrypted (or plain) content: { version, entries, groups? }. */
export function parseAegisDb(db: unknown): ParsedImport {
  if (!isObject(db)) bad('its contents are not an object.');
  if (typeof db.version !== 'number') bad('its contents have no version.');
  if (db.version > AEGIS_LIMITS.MAX_DB_VERSION) {
    throw new BackupError('IMPORT_UNKNOWN_VERSION', `This Aegis vault's contents are version ${db.version}; Authdesk reads versions 1 to ${AEGIS_LIMITS.MAX_DB_VERSION}. Report this so Authdesk can learn the new version.`);
  }
  if (!Array.isArray(db.entries)) bad('its contents have no entry list.');
  const groupNames = new Map<string, string>();
  if (Array.isArray(db.groups)) {
    for (const g of db.groups) if (isObject(g) && typeof g.uuid === 'string' && typeof g.name === 'string') groupNames.set(g.uuid, g.name);
  }
  const accounts: PortableAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  db.entries.forEach((entry, i) => {
    if (!isObject(entry)) bad(`entry ${i + 1} is not an object.`);
    const info = isObject(entry.info) ? entry.info : bad(`entry ${i + 1} has no "info".`);
    const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : '';
    const names = { issuer: typeof entry.issuer === 'string' ? entry.issuer : '', label: typeof entry.name === 'string' ? entry.name : '' };
    const reason = UNSUPPORTED_TYPES[type];
    if (reason !== undefined) {
      unsupported.push({ name: describeAccount(names), reason });
      return;
    }
    const where = `Aegis entry ${i + 1} (${describeAccount(names)})`;
    const otp = validateOtpFields({ type: entry.type, issuer: entry.issuer, label: entry.name, secret: info.secret, algorithm: info.algo, digits: info.digits, period: info.period, counter: info.counter }, where);
    const tags: string[] = [];
    if (typeof entry.group === 'string' && entry.group.trim() !== '') tags.push(entry.group.trim()); // content version 2
    if (Array.isArray(entry.groups)) for (const id of entry.groups) { const n = typeof id === 'string' ? groupNames.get(id) : undefined; if (n) tags.push(n); } // version 3
    accounts.push(tags.length > 0 ? { ...otp, tags: [...new Set(tags)].slice(0, 32) } : otp);
  });
  return { format: 'aegis', accounts, unsupported };
}
