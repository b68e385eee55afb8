/**
 * The crypto of the Authdesk backup format (docs/vault-format.md): scrypt -> AES-256-GCM with the
 * header as associated data. Everything is node:crypto (OpenSSL): no native dependency, and the
 * standalone scripts/decrypt-backup.mjs can use exactly the same primitives.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { BackupError } from '../../core/errors.js';
import type { PortableAccount } from '../../core/backup/account.js';
import { bytesToBase64 } from '../../core/backup/bytes.js';
import { jsonNestsDeeperThan, tooDeepSentence } from '../../core/json-depth.js';
import {
  BACKUP_FORMAT, BACKUP_VERSION, CIPHER, DEFAULT_SCRYPT, KDF_LIMITS, KEY_BYTES, NONCE_BYTES, TAG_BYTES,
  backupAad, checkScryptParams, decodePayload, encodePayload, parseBackupEnvelope,
  type BackupEnvelope, type BackupPayload, type ScryptParams,
} from '../../core/backup/format.js';

export const PASSPHRASE_LIMITS = {
  /** New backups: a short passphrase falls to guessing even through scrypt (docs/vault-format.md). */
  MIN_LENGTH: 8,
  /** Beyond this it is a pasted document, not a passphrase. */
  MAX_LENGTH: 1024,
} as const;

/** The passphrase as bytes: Unicode NFC, UTF-8 (so "é" typed two ways is the same passphrase). */
export function passphraseBytes(passphrase: string): Buffer {
  if (passphrase.length === 0) throw new BackupError('BACKUP_PASSPHRASE_EMPTY', 'The backup passphrase is empty.');
  if (passphrase.length > PASSPHRASE_LIMITS.MAX_LENGTH) throw new BackupError('BACKUP_PASSPHRASE_TOO_LONG', `The backup passphrase is longer than ${PASSPHRASE_LIMITS.MAX_LENGTH} characters.`);
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

/** Refuse weak passphrases for NEW backups (reading accepts any, it is the file's passphrase). */
export function checkNewPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < PASSPHRASE_LIMITS.MIN_LENGTH) {
    throw new BackupError('BACKUP_PASSPHRASE_TOO_SHORT', `The backup passphrase must have at least ${PASSPHRASE_LIMITS.MIN_LENGTH} characters; a few random words are best.`);
  }
  passphraseBytes(passphrase);
}

/** scrypt on libuv's thread pool (never blocks Electron's main thread). */
export async function deriveScryptKey(passphrase: string | Buffer, salt: Uint8Array, params: ScryptParams, length = KEY_BYTES): Promise<Buffer> {
  const password = typeof passphrase === 'string' ? passphraseBytes(passphrase) : passphrase;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      // maxmem: OpenSSL refuses above it (default 32 MiB); the params were checked against our own cap.
      scrypt(password, salt, length, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * (params.p + 1) + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } catch (cause) {
    throw new BackupError('BACKUP_KDF_FAILED', 'The passphrase could not be processed (not enough memory for the key derivation?). Close other programs and try again.', { cause });
  } finally {
    if (typeof passphrase === 'string') password.fill(0);
  }
}

/** A derived key with the salt and parameters it came from (reused by automatic backups). */
export interface BackupKey {
  readonly salt: Buffer;
  readonly params: ScryptParams;
  readonly key: Buffer;
}

export async function newBackupKey(passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<BackupKey> {
  checkScryptParams(params);
  const salt = randomBytes(KDF_LIMITS.SALT_BYTES);
  return { salt, params, key: await deriveScryptKey(passphrase, salt, params) };
}

export interface EncryptOptions {
  /** Reuse a derived key (automatic backups: one scrypt per session); a fresh nonce is drawn each time. */
  readonly key?: BackupKey;
  readonly params?: ScryptParams;
  readonly now?: Date;
}

/** Encrypt accounts into backup file text (JSON, UTF-8). */
export async function encryptBackup(accounts: readonly PortableAccount[], passphrase: string, options: EncryptOptions = {}): Promise<string> {
  const key = options.key ?? (await newBackupKey(passphrase, options.params));
  const createdAt = (options.now ?? new Date()).toISOString();
  const nonce = randomBytes(NONCE_BYTES);
  const header = {
    format: BACKUP_FORMAT as typeof BACKUP_FORMAT,
    version: BACKUP_VERSION as typeof BACKUP_VERSION,
    createdAt,
    kdf: { name: 'scrypt' as const, N: key.params.N, r: key.params.r, p: key.params.p, salt: key.salt.toString('base64') },
    cipher: { name: CIPHER as typeof CIPHER, nonce: nonce.toString('base64') },
  };
  const plaintext = encodePayload(accounts, createdAt);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(backupAad(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  if (options.key === undefined) key.key.fill(0);
  const envelope: BackupEnvelope = { ...header, cipher: { ...header.cipher, tag: cipher.getAuthTag().toString('base64') }, ciphertext: bytesToBase64(ciphertext) };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

export const WRONG_PASSPHRASE_MESSAGE =
  'The backup could not be decrypted: the passphrase is wrong, or the file was changed or damaged after it was made. Check the passphrase (it is case-sensitive); nothing was imported.';

/** Decrypt a parsed envelope. A wrong passphrase and a tampered file are indistinguishable by design (AEAD). */
export async function decryptBackupEnvelope(envelope: BackupEnvelope, passphrase: string): Promise<BackupPayload> {
  const key = await deriveScryptKey(passphrase, Buffer.from(envelope.kdf.salt, 'base64'), envelope.kdf);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.cipher.nonce, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(backupAad(envelope));
    decipher.setAuthTag(Buffer.from(envelope.cipher.tag, 'base64'));
    plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
  } catch (cause) {
    throw new BackupError('BACKUP_WRONG_PASSPHRASE', WRONG_PASSPHRASE_MESSAGE, { cause });
  } finally {
    key.fill(0);
  }
  try {
    return decodePayload(plaintext.toString('utf8'));
  } finally {
    plaintext.fill(0);
  }
}

/** Parse + decrypt backup file text. */
export async function decryptBackup(text: string, passphrase: string): Promise<BackupPayload> {
  if (jsonNestsDeeperThan(text)) throw new BackupError('BACKUP_TOO_DEEP', tooDeepSentence('This backup file'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BackupError('BACKUP_TRUNCATED', 'This backup file is not complete JSON: it is truncated or damaged. Use another copy of the backup.', { cause });
  }
  return decryptBackupEnvelope(parseBackupEnvelope(value), passphrase);
}
