import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PortableAccount } from '../../core/backup/account.js';
import { DEFAULT_SCRYPT, FILE_LIMITS, parseBackupEnvelope } from '../../core/backup/format.js';
import { isAuthdeskError } from '../../core/errors.js';
import { decryptBackup, encryptBackup, newBackupKey } from '../../node/backup/crypto.js';
import { flipBase64Bit } from '../helpers/backup-fixtures.js';
import { randomSecret } from '../helpers/vault-doubles.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed file mutated freely by tamper cases
type BackupJson = Record<string, any>;

const FAST = { N: 2 ** 14, r: 8, p: 1 };
const PASS = 'correct horse battery staple';

function accounts(n = 3): PortableAccount[] {
  return Array.from({ length: n }, (_, i) => ({
    type: i % 3 === 2 ? 'hotp' : 'totp',
    issuer: i === 1 ? 'Amazon Web Services' : `Issuer ${i} ✓`,
    label: `user${i}@example.com`,
    secret: randomSecret(i === 1 ? 40 : 20),
    algorithm: (['SHA1', 'SHA256', 'SHA512'] as const)[i % 3]!,
    digits: 6 + (i % 3),
    period: i % 3 === 2 ? 30 : 30 + i * 15,
    ...(i % 3 === 2 ? { counter: 1000 + i } : {}),
    ...(i === 1 ? { awsSerial: 'arn:aws:iam::123456789012:mfa/deploy', awsUser: 'deploy', tags: ['prod', 'aws'], stepAdjust: 1 } : {}),
    order: i,
    createdAt: '2024-05-01T10:00:00.000Z',
  }) as PortableAccount);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isAuthdeskError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

describe('Authdesk backup format v1', () => {
  it('round-trips every field, with the default parameters in the file', async () => {
    const input = accounts(6);
    const text = await encryptBackup(input, PASS);
    const file = JSON.parse(text);
    expect(file).toMatchObject({ format: 'authdesk-backup', version: 1, kdf: { name: 'scrypt', N: 131072, r: 8, p: 1 }, cipher: { name: 'AES-256-GCM' } });
    expect(DEFAULT_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    expect(Buffer.from(file.kdf.salt, 'base64')).toHaveLength(32);
    expect(Buffer.from(file.cipher.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(file.cipher.tag, 'base64')).toHaveLength(16);
    // Nothing secret in the clear: neither a seed nor a name.
    for (const a of input) {
      expect(text).not.toContain(a.secret);
      expect(text).not.toContain(a.label);
    }
    const payload = await decryptBackup(text, PASS);
    expect(payload.accounts).toEqual(input);
  });

  it('is readable by an independent decryption written from the spec (AAD = header JSON array)', async () => {
    const input = accounts(2);
    const text = await encryptBackup(input, PASS, { params: FAST });
    const f = JSON.parse(text);
    const key = scryptSync(Buffer.from(PASS.normalize('NFC')), Buffer.from(f.kdf.salt, 'base64'), 32, { N: f.kdf.N, r: f.kdf.r, p: f.kdf.p, maxmem: 64 * 1024 * 1024 });
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(f.cipher.nonce, 'base64'));
    d.setAAD(Buffer.from(`["authdesk-backup",1,"${f.createdAt}","scrypt",${f.kdf.N},${f.kdf.r},${f.kdf.p},"${f.kdf.salt}","AES-256-GCM","${f.cipher.nonce}"]`));
    d.setAuthTag(Buffer.from(f.cipher.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(f.ciphertext, 'base64')), d.final()]);
    expect(plain.length % FILE_LIMITS.PAD_TO).toBe(0);
    expect(JSON.parse(plain.toString('utf8')).accounts).toEqual(input);
  });

  it('pads the plaintext so the size hides the exact account count', async () => {
    const a = JSON.parse(await encryptBackup(accounts(1), PASS, { params: FAST }));
    const b = JSON.parse(await encryptBackup(accounts(4), PASS, { params: FAST }));
    expect(a.ciphertext.length).toBe(b.ciphertext.length);
  });

  it('normalises the passphrase to NFC (é typed as one or two code points)', async () => {
    const text = await encryptBackup(accounts(1), 'caf\u00e9 passphrase', { params: FAST });
    expect((await decryptBackup(text, 'cafe\u0301 passphrase')).accounts).toHaveLength(1);
  });

  it('a wrong passphrase is BACKUP_WRONG_PASSPHRASE', async () => {
    const text = await encryptBackup(accounts(), PASS, { params: FAST });
    await expectCode(decryptBackup(text, 'Correct horse battery staple'), 'BACKUP_WRONG_PASSPHRASE');
  });

  it.each([
    ['ciphertext', (f: BackupJson) => { f.ciphertext = flipBase64Bit(f.ciphertext, 5); }],
    ['tag', (f: BackupJson) => { f.cipher.tag = flipBase64Bit(f.cipher.tag); }],
    ['nonce', (f: BackupJson) => { f.cipher.nonce = flipBase64Bit(f.cipher.nonce); }],
    ['createdAt (AAD)', (f: BackupJson) => { f.createdAt = '2001-01-01T00:00:00.000Z'; }],
    ['r (AAD + key)', (f: BackupJson) => { f.kdf.r = 9; }],
  ])('tampering with the %s fails authentication', async (_what, tamper) => {
    const f = JSON.parse(await encryptBackup(accounts(), PASS, { params: FAST }));
    tamper(f);
    await expectCode(decryptBackup(JSON.stringify(f), PASS), 'BACKUP_WRONG_PASSPHRASE');
  });

  it('a truncated file is BACKUP_TRUNCATED, whether cut in the JSON or in the ciphertext', async () => {
    const text = await encryptBackup(accounts(), PASS, { params: FAST });
    await expectCode(decryptBackup(text.slice(0, text.length / 2), PASS), 'BACKUP_TRUNCATED');
    const f = JSON.parse(text);
    f.ciphertext = Buffer.from(f.ciphertext, 'base64').subarray(0, 4000).toString('base64');
    await expectCode(decryptBackup(JSON.stringify(f), PASS), 'BACKUP_TRUNCATED');
  });

  it('unknown versions, KDFs and ciphers are refused with their own codes', async () => {
    const base = JSON.parse(await encryptBackup(accounts(1), PASS, { params: FAST }));
    const variant = (patch: (f: BackupJson) => void): string => { const f = structuredClone(base); patch(f); return JSON.stringify(f); };
    await expectCode(decryptBackup(variant((f) => { f.version = 2; }), PASS), 'BACKUP_UNKNOWN_VERSION');
    await expectCode(decryptBackup(variant((f) => { f.kdf.name = 'argon2id'; }), PASS), 'BACKUP_UNSUPPORTED_KDF');
    await expectCode(decryptBackup(variant((f) => { f.cipher.name = 'XChaCha20-Poly1305'; }), PASS), 'BACKUP_UNSUPPORTED_CIPHER');
    await expectCode(decryptBackup(variant((f) => { f.format = 'something-else'; }), PASS), 'BACKUP_NOT_A_BACKUP');
  });

  it('refuses costly or odd scrypt parameters before deriving anything (malicious-file DoS)', () => {
    const base = { format: 'authdesk-backup', version: 1, createdAt: '2024-01-01T00:00:00.000Z', cipher: { name: 'AES-256-GCM', nonce: randomBytes(12).toString('base64'), tag: randomBytes(16).toString('base64') }, ciphertext: randomBytes(4096).toString('base64') };
    const salt = randomBytes(32).toString('base64');
    for (const [N, r, p] of [[2 ** 21, 8, 1], [2 ** 18, 16, 1], [2 ** 17, 8, 5], [2 ** 13, 8, 1], [100_000, 8, 1], [2 ** 18, 8, 3]]) {
      let error: unknown;
      try { parseBackupEnvelope({ ...base, kdf: { name: 'scrypt', N, r, p, salt } }); } catch (e) { error = e; }
      expect((error as { code?: string })?.code, `${N},${r},${p}`).toBe('BACKUP_UNSUPPORTED_KDF_PARAMS');
    }
    expect(() => parseBackupEnvelope({ ...base, kdf: { name: 'scrypt', N: 2 ** 18, r: 8, p: 1, salt } })).not.toThrow();
  });

  it('a decrypted payload of a future version is BACKUP_UNKNOWN_VERSION, bad accounts name their position', async () => {
    const key = await newBackupKey(PASS, FAST);
    const seal = (payload: unknown): string => {
      const nonce = randomBytes(12);
      const header = { format: 'authdesk-backup', version: 1, createdAt: '2024-01-01T00:00:00.000Z', kdf: { name: 'scrypt', ...FAST, salt: key.salt.toString('base64') }, cipher: { name: 'AES-256-GCM', nonce: nonce.toString('base64') } };
      const c = createCipheriv('aes-256-gcm', key.key, nonce);
      c.setAAD(Buffer.from(JSON.stringify([header.format, header.version, header.createdAt, 'scrypt', FAST.N, FAST.r, FAST.p, header.kdf.salt, 'AES-256-GCM', header.cipher.nonce])));
      const json = Buffer.from(JSON.stringify(payload));
      const padded = Buffer.alloc(Math.ceil((json.length + 1) / 4096) * 4096, 0x20);
      json.copy(padded);
      const ct = Buffer.concat([c.update(padded), c.final()]);
      return JSON.stringify({ ...header, cipher: { ...header.cipher, tag: c.getAuthTag().toString('base64') }, ciphertext: ct.toString('base64') });
    };
    await expectCode(decryptBackup(seal({ version: 2, accounts: [] }), PASS), 'BACKUP_UNKNOWN_VERSION');
    const bad = seal({ version: 1, accounts: [{ type: 'totp', issuer: 'x', label: 'y', secret: randomSecret(), algorithm: 'MD5', digits: 6, period: 30 }] });
    const error = await decryptBackup(bad, PASS).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('IMPORT_UNSUPPORTED_ALGORITHM');
    expect((error as Error).message).toMatch(/Account 1 of the backup.*MD5/);
  });
});
