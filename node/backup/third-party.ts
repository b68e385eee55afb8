/**
 * Decryption of other apps' encrypted backups, following their published formats:
 * - Aegis (beemdevelopment/Aegis docs/vault.md): scrypt(password, slot salt, N, r, p) -> 32-byte key
 *   that AES-256-GCM-unwraps the master key (no AAD); the master key decrypts `db` (no AAD).
 * - 2FAS (twofas apps; see core/backup/import/twofas.ts): PBKDF2-HMAC-SHA256(password, salt,
 *   10,000) -> 32-byte key; AES-256-GCM with the tag appended to the ciphertext, no AAD.
 * The pure parts (shapes, limits) are in core/backup/import/.
 */
import { createDecipheriv, pbkdf2 } from 'node:crypto';
import { BackupError } from '../../core/errors.js';
import { utf8Decode } from '../../core/backup/bytes.js';
import { jsonNestsDeeperThan, tooDeepSentence } from '../../core/json-depth.js';
import { checkScryptParams, KDF_LIMITS, scryptWork } from '../../core/backup/format.js';
import { parseAegisDb } from '../../core/backup/import/aegis.js';
import { TWOFAS_PBKDF2_ITERATIONS, TWOFAS_REFERENCE, parseTwofasServices } from '../../core/backup/import/twofas.js';
import type { AegisEncrypted, ParsedImport, TwofasEncrypted, TwofasEncryptedField } from '../../core/backup/import/types.js';
import { deriveScryptKey } from './crypto.js';

function gcmOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    const text = utf8Decode(bytes, what);
    if (jsonNestsDeeperThan(text)) throw new BackupError('IMPORT_TOO_DEEP', tooDeepSentence(`${what} decrypted, but its contents`));
    return JSON.parse(text);
  } catch (cause) {
    if (cause instanceof BackupError) throw cause;
    throw new BackupError('IMPORT_MALFORMED', `${what} decrypted, but its contents are not valid JSON.`, { cause });
  } finally {
    bytes.fill(0);
  }
}

const wrong = (app: string): BackupError =>
  new BackupError('IMPORT_WRONG_PASSPHRASE', `The ${app} backup could not be decrypted: the password is wrong, or the file was changed or damaged. Check the password you set in ${app} (it is case-sensitive); nothing was imported.`);

export async function decryptAegis(vault: AegisEncrypted, password: string): Promise<ParsedImport> {
  // Every slot's parameters are checked before any work (the same DoS limits as our own format), so
  // an absurd slot anywhere refuses the file at once.
  for (const slot of vault.slots) checkScryptParams(slot);
  let master: Buffer | null = null;
  let spent = 0;
  let tried = 0;
  for (const slot of vault.slots) {
    // One budget for the whole file, not one per slot: slots are tried in order until it is spent.
    const cost = scryptWork(slot);
    if (spent + cost > KDF_LIMITS.MAX_WORK_PER_FILE) {
      throw new BackupError('IMPORT_KDF_BUDGET', `Authdesk tried ${tried} of the ${vault.slots.length} password slots of this Aegis vault and stopped: the others would cost more key-derivation work than Authdesk spends on one file (${KDF_LIMITS.MAX_WORK_PER_FILE / 1048576} MiB-equivalents of scrypt). Check the password, or export the vault again from Aegis with one password slot; nothing was imported.`, { details: { tried, slots: vault.slots.length } });
    }
    spent += cost;
    tried++;
    const key = await deriveScryptKey(password, slot.salt, slot);
    master = gcmOpen(key, slot.keyNonce, slot.key, slot.keyTag);
    key.fill(0);
    if (master) break;
  }
  if (!master) throw wrong('Aegis');
  const db = gcmOpen(master, vault.nonce, vault.db, vault.tag);
  master.fill(0);
  if (!db) {
    throw new BackupError('IMPORT_TAMPERED', 'The Aegis password is right, but the vault contents fail their integrity check: the file was changed or damaged. Export it again from Aegis; nothing was imported.');
  }
  return parseAegisDb(parseJson(db, 'The Aegis vault'));
}

function pbkdf2Key(password: string, salt: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // 2FAS hands the password to PBKDF2 as UTF-8 (Java PBEKeySpec on Android uses the chars' low bytes
    // for ASCII, which is the same for the ASCII passwords people type).
    pbkdf2(Buffer.from(password, 'utf8'), salt, TWOFAS_PBKDF2_ITERATIONS, 32, 'sha256', (e, k) => (e ? reject(e) : resolve(k))),
  );
}

function openField(key: Buffer, field: TwofasEncryptedField): Buffer | null {
  const split = field.data.length - 16;
  return gcmOpen(key, field.iv, field.data.subarray(0, split), field.data.subarray(split));
}

export async function decryptTwofas(backup: TwofasEncrypted, password: string): Promise<ParsedImport> {
  if (password.length === 0) throw new BackupError('IMPORT_PASSPHRASE_REQUIRED', 'This 2FAS backup is encrypted: give the password you set when you exported it.');
  const key = await pbkdf2Key(password, backup.services.salt);
  try {
    if (backup.reference) {
      const refKey = Buffer.compare(Buffer.from(backup.reference.salt), Buffer.from(backup.services.salt)) === 0 ? key : await pbkdf2Key(password, backup.reference.salt);
      const reference = openField(refKey, backup.reference);
      if (refKey !== key) refKey.fill(0);
      if (!reference) throw wrong('2FAS');
      if (reference.toString('utf8') !== TWOFAS_REFERENCE) {
        throw new BackupError('IMPORT_MALFORMED', 'This 2FAS backup decrypted, but its password check value is not the one 2FAS writes: the file is not a genuine 2FAS backup.');
      }
    }
    const services = openField(key, backup.services);
    if (!services) {
      throw backup.reference
        ? new BackupError('IMPORT_TAMPERED', 'The 2FAS password is right, but the accounts fail their integrity check: the file was changed or damaged. Export it again from 2FAS; nothing was imported.')
        : wrong('2FAS');
    }
    const value = parseJson(services, 'The 2FAS backup');
    // 2FAS encrypts the services array; tolerate an object { services, groups } as well.
    if (Array.isArray(value)) return parseTwofasServices(value);
    const obj = value as Record<string, unknown> | null;
    return parseTwofasServices(obj?.services, obj?.groups);
  } finally {
    key.fill(0);
  }
}
