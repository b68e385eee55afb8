/**
 * Encrypted fixtures of other apps' formats, built here from each format's PUBLISHED description
 * with node:crypto directly — never with Authdesk's importer code (node/backup/third-party.ts), so
 * an importer bug cannot hide behind a fixture made by the same bug.
 *
 * - Aegis (beemdevelopment/Aegis docs/vault.md): random 256-bit master key; each password slot =
 *   scrypt(password, 32-byte salt, N, r, p) -> 32-byte key that AES-256-GCM-encrypts the master key
 *   (hex key/nonce/tag, no AAD); db = base64 AES-256-GCM(master key, JSON content), nonce and tag
 *   in header.params (hex).
 * - 2FAS (twofas/2fas-android BackupContent + its independent decryptors): PBKDF2-HMAC-SHA256,
 *   10,000 iterations, 256-byte salt, 32-byte key; servicesEncrypted and reference are each
 *   base64(ciphertext||tag) ":" base64(salt) ":" base64(12-byte IV); reference encrypts a fixed string.
 */
import { createCipheriv, pbkdf2Sync, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/import');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

function gcm(key: Buffer, nonce: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { ciphertext, tag: c.getAuthTag() };
}

/** An encrypted Aegis vault holding `db` (the content object: { version, entries, groups? }). */
export function makeAegisEncrypted(db: unknown, password: string, params: { N?: number; r?: number; p?: number; extraSlots?: number } = {}): string {
  const N = params.N ?? 2 ** 15;
  const r = params.r ?? 8;
  const p = params.p ?? 1;
  const master = randomBytes(32);
  const slots: unknown[] = [];
  // A biometric slot first (type 2): an importer must skip slots it cannot use.
  const bioNonce = randomBytes(12);
  const bio = gcm(randomBytes(32), bioNonce, master);
  slots.push({ type: 2, uuid: randomUUID(), key: bio.ciphertext.toString('hex'), key_params: { nonce: bioNonce.toString('hex'), tag: bio.tag.toString('hex') } });
  for (let i = 0; i < 1 + (params.extraSlots ?? 0); i++) {
    const salt = randomBytes(32);
    const slotKey = scryptSync(Buffer.from(i === 0 ? password : `${password}-other-${i}`, 'utf8'), salt, 32, { N, r, p, maxmem: 256 * N * r });
    const nonce = randomBytes(12);
    const wrapped = gcm(slotKey, nonce, master);
    slots.push({ type: 1, uuid: randomUUID(), key: wrapped.ciphertext.toString('hex'), key_params: { nonce: nonce.toString('hex'), tag: wrapped.tag.toString('hex') }, n: N, r, p, salt: salt.toString('hex'), repaired: true });
  }
  const nonce = randomBytes(12);
  const content = gcm(master, nonce, Buffer.from(JSON.stringify(db), 'utf8'));
  return JSON.stringify({ version: 1, header: { slots, params: { nonce: nonce.toString('hex'), tag: content.tag.toString('hex') } }, db: content.ciphertext.toString('base64') }, null, 4);
}

export const TWOFAS_REFERENCE_TEXT =
  'tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd';

/** An encrypted 2FAS backup whose services are `services` (the array of a plain file's "services"). */
export function makeTwofasEncrypted(services: unknown[], password: string, options: { withReference?: boolean; groups?: unknown[] } = {}): string {
  const salt = randomBytes(256);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10_000, 32, 'sha256');
  const field = (plaintext: string): string => {
    const iv = randomBytes(12);
    const { ciphertext, tag } = gcm(key, iv, Buffer.from(plaintext, 'utf8'));
    return `${Buffer.concat([ciphertext, tag]).toString('base64')}:${salt.toString('base64')}:${iv.toString('base64')}`;
  };
  const file: Record<string, unknown> = {
    services: [],
    groups: options.groups ?? [],
    updatedAt: 1708958781890,
    schemaVersion: 4,
    appVersionCode: 5000017,
    appVersionName: '5.3.5',
    appOrigin: 'android',
    servicesEncrypted: field(JSON.stringify(services)),
  };
  if (options.withReference !== false) file.reference = field(TWOFAS_REFERENCE_TEXT);
  return JSON.stringify(file);
}

/** Flip one bit of a base64 field's decoded bytes (a tampered file that is still well-formed). */
export function flipBase64Bit(text: string, index = 0): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[index % bytes.length]! ^= 0x01;
  return bytes.toString('base64');
}
