/**
 * Every import format: a fixture written from the format's published description (encrypted ones
 * made by test/helpers/backup-fixtures.ts with the format's documented crypto), imported into a
 * vault whose codes are then checked against Debian's oathtool.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import type { VaultApi } from '../../core/vault/api.js';
import { applyImport, planVaultImport, readImport, readImports } from '../../node/backup/import.js';
import { fixture, makeAegisEncrypted, makeTwofasEncrypted, flipBase64Bit } from '../helpers/backup-fixtures.js';
import { oathHotp, oathTotp, openTestVault } from '../helpers/vault-doubles.js';

interface Expected { issuer: string; label: string; secret: string; type: 'totp' | 'hotp'; algorithm?: string; digits?: number; period?: number; counter?: number; tags?: string[] }

const T = 1_700_000_123; // a fixed Unix time for the code checks (seconds)

/** Import `bytes` into a fresh vault and check every account against `expected` and oathtool. */
async function importAndCheck(bytes: Uint8Array, expected: Expected[], options: { passphrase?: string; unsupported?: number; format?: string } = {}): Promise<VaultApi> {
  const { vault } = await openTestVault({ nowMs: T * 1000 });
  const parsed = await readImport(bytes, { ...(options.passphrase ? { passphrase: options.passphrase } : {}), ...(options.format ? { format: options.format as never } : {}) });
  expect(parsed.unsupported).toHaveLength(options.unsupported ?? 0);
  const plan = await planVaultImport(vault, parsed);
  if ((options.unsupported ?? 0) > 0) {
    // Without consent, an import with unusable entries imports nothing.
    await expect(applyImport(vault, plan)).rejects.toMatchObject({ code: 'IMPORT_HAS_UNSUPPORTED' });
    expect(await vault.list()).toHaveLength(0);
  }
  const added = await applyImport(vault, plan, { skipUnsupported: true });
  expect(added.map((a) => `${a.issuer}|${a.label}`).sort()).toEqual(expected.map((e) => `${e.issuer}|${e.label}`).sort());
  for (const e of expected) {
    const account = added.find((a) => a.issuer === e.issuer && a.label === e.label)!;
    expect(account.type).toBe(e.type);
    expect(account.algorithm).toBe(e.algorithm ?? 'SHA1');
    expect(account.digits).toBe(e.digits ?? 6);
    if (e.tags) expect(account.tags).toEqual(e.tags);
    expect(await vault.revealSecret(account.id)).toBe(e.secret);
    if (e.type === 'totp') {
      const view = await vault.code(account.id, T * 1000);
      expect(view.code, `${e.issuer}: ${e.label}`).toBe(oathTotp(e.secret, T, { algorithm: e.algorithm ?? 'SHA1', digits: e.digits ?? 6, period: e.period ?? 30 }));
    } else {
      const view = await vault.nextHotp(account.id);
      // oathtool's HOTP is SHA1 only: other algorithms are checked with an RFC 4226 HMAC written here.
      const expectedCode = (e.algorithm ?? 'SHA1') === 'SHA1' ? oathHotp(e.secret, e.counter ?? 0, e.digits ?? 6) : rfc4226(e.secret, e.counter ?? 0, e.algorithm!, e.digits ?? 6);
      expect(view.code, `${e.issuer}: ${e.label}`).toBe(expectedCode);
    }
  }
  return vault;
}

/** RFC 4226 section 5.3, independent of core/otp (base32 decoded by hand, node:crypto HMAC). */
function rfc4226(base32: string, counter: number, algorithm: string, digits: number): string {
  let bits = '';
  for (const c of base32) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

async function expectError(promise: Promise<unknown>, code: string | RegExp): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isAuthdeskError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toMatch(typeof code === 'string' ? new RegExp(`^${code}$`) : code);
  return error as Error;
}

const AEGIS: Expected[] = [
  { issuer: 'GitHub', label: 'alice@example.com', secret: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', type: 'totp', tags: ['Work'] },
  { issuer: 'Bank of Tests', label: 'bob', secret: 'XNIPIGXXJGKRK4ZWD36IFTIBF6QWTC3P', type: 'totp', algorithm: 'SHA256', digits: 8, period: 60 },
  { issuer: 'Counter Corp', label: 'carol', secret: '4YUKY3HYX7VALOU3GYQJTGEIPOZJ55QHRLKBYG5QG6ACN7F5LTOA', type: 'hotp', algorithm: 'SHA512', digits: 7, counter: 42 },
];
const TWOFAS: Expected[] = [
  { issuer: 'Dropbox', label: 'dave@example.com', secret: 'TFGE7NJIFIPC3VBGGJNRYTCZ7RRLRZ23', type: 'totp', tags: ['Personal'] },
  { issuer: 'Hosting', label: 'erin', secret: 'IO6OL55B6RU3E7E7GN7VWQIQKYOWQJBP', type: 'hotp', algorithm: 'SHA256', digits: 8, counter: 7 },
];

it('the test\'s own RFC 4226 oracle agrees with oathtool (SHA1)', () => {
  for (const counter of [0, 1, 42, 2 ** 33]) expect(rfc4226('4YUKY3HYX7VALOU3GYQJTGEIPOZJ55QHRLKBYG5QG6ACN7F5LTOA', counter, 'SHA1', 7)).toBe(oathHotp('4YUKY3HYX7VALOU3GYQJTGEIPOZJ55QHRLKBYG5QG6ACN7F5LTOA', counter, 7));
});

describe('Aegis', () => {
  it('plain vault (content version 3 with groups) imports; the Steam entry is reported, not imported', async () => {
    await importAndCheck(fixture('aegis-plain.json'), AEGIS, { unsupported: 1 });
  });

  it('encrypted vault (scrypt password slot + biometric slot) imports with its password', async () => {
    const db = JSON.parse(fixture('aegis-plain.json').toString()).db;
    await importAndCheck(Buffer.from(makeAegisEncrypted(db, 'aegis pass 1', { extraSlots: 1 })), AEGIS, { passphrase: 'aegis pass 1', unsupported: 1 });
  });

  it('encrypted: no password -> IMPORT_PASSPHRASE_REQUIRED; wrong password; tampered; truncated; hostile scrypt cost', async () => {
    const db = JSON.parse(fixture('aegis-plain.json').toString()).db;
    const text = makeAegisEncrypted(db, 'right', { N: 2 ** 14 });
    await expectError(readImport(Buffer.from(text)), 'IMPORT_PASSPHRASE_REQUIRED');
    await expectError(readImport(Buffer.from(text), { passphrase: 'wrong' }), 'IMPORT_WRONG_PASSPHRASE');
    const tampered = JSON.parse(text);
    tampered.db = flipBase64Bit(tampered.db, 3);
    await expectError(readImport(Buffer.from(JSON.stringify(tampered)), { passphrase: 'right' }), 'IMPORT_TAMPERED');
    await expectError(readImport(Buffer.from(text.slice(0, text.length - 200)), { passphrase: 'right', format: 'aegis' }), 'IMPORT_TRUNCATED');
    const hostile = JSON.parse(text);
    for (const slot of hostile.header.slots) if (slot.type === 1) slot.n = 2 ** 24;
    await expectError(readImport(Buffer.from(JSON.stringify(hostile)), { passphrase: 'right' }), 'BACKUP_UNSUPPORTED_KDF_PARAMS');
  });

  it('unknown vault or content versions and unsupported algorithms are refused, nothing imported', async () => {
    const plain = JSON.parse(fixture('aegis-plain.json').toString());
    await expectError(readImport(Buffer.from(JSON.stringify({ ...plain, version: 2 }))), 'IMPORT_UNKNOWN_VERSION');
    await expectError(readImport(Buffer.from(JSON.stringify({ ...plain, db: { ...plain.db, version: 4 } }))), 'IMPORT_UNKNOWN_VERSION');
    const md5 = structuredClone(plain);
    md5.db.entries[1].info.algo = 'MD5';
    const error = await expectError(readImport(Buffer.from(JSON.stringify(md5))), 'IMPORT_UNSUPPORTED_ALGORITHM');
    expect(error.message).toMatch(/Aegis entry 2 \(Bank of Tests: bob\).*MD5/);
    const badSecret = structuredClone(plain);
    badSecret.db.entries[0].info.secret = 'NOT-BASE32-0189';
    await expectError(readImport(Buffer.from(JSON.stringify(badSecret))), 'IMPORT_BAD_SECRET');
  });
});

describe('2FAS', () => {
  it('plain .2fas (schema 4, order.position, groups) imports; the Steam service is reported', async () => {
    await importAndCheck(fixture('twofas-plain.2fas'), TWOFAS, { unsupported: 1 });
  });

  it('encrypted .2fas (PBKDF2-SHA256 + AES-GCM, with reference) imports with its password', async () => {
    const plain = JSON.parse(fixture('twofas-plain.2fas').toString());
    await importAndCheck(Buffer.from(makeTwofasEncrypted(plain.services, 'twofas pass')), TWOFAS.map((e) => ({ ...e, tags: undefined })) as Expected[], { passphrase: 'twofas pass', unsupported: 1 });
  });

  it('encrypted without a reference (older app versions) still imports', async () => {
    const plain = JSON.parse(fixture('twofas-plain.2fas').toString());
    const parsed = await readImport(Buffer.from(makeTwofasEncrypted(plain.services, 'pw', { withReference: false })), { passphrase: 'pw' });
    expect(parsed.accounts).toHaveLength(2);
  });

  it('wrong password, tampered services, truncated field, unknown schema version', async () => {
    const plain = JSON.parse(fixture('twofas-plain.2fas').toString());
    const text = makeTwofasEncrypted(plain.services, 'right');
    await expectError(readImport(Buffer.from(text), { passphrase: 'wrong' }), 'IMPORT_WRONG_PASSPHRASE');
    const file = JSON.parse(text);
    const [data, salt, iv] = file.servicesEncrypted.split(':');
    await expectError(readImport(Buffer.from(JSON.stringify({ ...file, servicesEncrypted: `${flipBase64Bit(data, 10)}:${salt}:${iv}` })), { passphrase: 'right' }), 'IMPORT_TAMPERED');
    await expectError(readImport(Buffer.from(JSON.stringify({ ...file, servicesEncrypted: `${data}:${salt}` })), { passphrase: 'right' }), 'IMPORT_TRUNCATED');
    await expectError(readImport(Buffer.from(JSON.stringify({ ...plain, schemaVersion: 5 }))), 'IMPORT_UNKNOWN_VERSION');
  });
});

describe('Bitwarden JSON', () => {
  it('otpauth URIs and bare secrets (SHA1/6/30) import; items without TOTP are ignored; steam:// reported', async () => {
    await importAndCheck(fixture('bitwarden.json'), [
      { issuer: 'Amazon Web Services', label: 'root@123456789012', secret: 'GFYDVVWRRL7MASOHHAKXWMSHXXKMM3MP5PGLWEIWLTMFHRL4XIIQ5L4KEZ3KXM3H', type: 'totp', tags: ['Cloud'] },
      { issuer: 'Forum', label: 'grace', secret: '3WXPQYIRWBI6ELTBUUASM4TI5MOIF6YA', type: 'totp' },
    ], { unsupported: 1 });
  });

  it('an encrypted Bitwarden export is refused with what to do', async () => {
    const error = await expectError(readImport(Buffer.from(JSON.stringify({ encrypted: true, passwordProtected: true, items: [] }))), 'IMPORT_UNSUPPORTED_ENCRYPTION');
    expect(error.message).toMatch(/export as "\.json"/);
  });
});

describe('Ente Auth and otpauth:// lists', () => {
  it('Ente plain export (codeDisplay parameter) imports; steam line reported', async () => {
    await importAndCheck(fixture('ente.txt'), [
      { issuer: 'Mastodon', label: 'judy', secret: 'BEVTFES7IUIQVMQY', type: 'totp' },
      { issuer: 'Issuu', label: 'mallory', secret: '6VX2O5JXDZAAJMF26DAFT363EY', type: 'hotp', counter: 3 },
      { issuer: 'Example Co', label: 'niaj@example.com', secret: 'UESRKZQLL4OBEAURUKLRNU7YFNSWBLHO', type: 'totp', algorithm: 'SHA512', digits: 8, period: 45 },
    ], { unsupported: 1, format: 'ente' });
  });

  it('a list with comments, blank lines, AWS and issuer-less links imports', async () => {
    await importAndCheck(fixture('otpauth.txt'), [
      { issuer: 'Amazon Web Services', label: 'deploy@123456789012', secret: 'GFYDVVWRRL7MASOHHAKXWMSHXXKMM3MP5PGLWEIWLTMFHRL4XIIQ5L4KEZ3KXM3H', type: 'totp' },
      { issuer: '', label: 'peggy@example.org', secret: 'BEVTFES7IUIQVMQY', type: 'totp' },
      { issuer: 'Vendor', label: 'sybil', secret: '3WXPQYIRWBI6ELTBUUASM4TI5MOIF6YA', type: 'totp', algorithm: 'SHA256', digits: 7, period: 15 },
      { issuer: 'Counter', label: 'trent', secret: 'TFGE7NJIFIPC3VBGGJNRYTCZ7RRLRZ23', type: 'hotp', counter: 1_000_000 },
    ]);
  });

  it('a malformed line names its line number and nothing is imported', async () => {
    const text = `${fixture('otpauth.txt').toString()}otpauth://totp/Bad?secret=ABC\n`;
    const error = await expectError(readImport(Buffer.from(text)), 'IMPORT_BAD_ENTRY');
    expect(error.message).toMatch(/^Line 7:/);
    const md5 = await expectError(readImport(Buffer.from('otpauth://totp/X:y?secret=BEVTFES7IUIQVMQY&algorithm=MD5\n')), 'IMPORT_BAD_ENTRY');
    expect(md5.message).toMatch(/MD5/);
  });
});

describe('Google Authenticator export', () => {
  const GOOGLE: Expected[] = [
    { issuer: 'Google', label: 'ruth@example.com', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', type: 'totp' },
    { issuer: 'Slack', label: 'sam', secret: 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA', type: 'totp', algorithm: 'SHA256', digits: 8 },
    { issuer: 'HOTP Co', label: 'victor', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', type: 'hotp', counter: 9 },
  ];

  it('two batches (out of order) import; the MD5 account is reported as unsupported', async () => {
    await importAndCheck(fixture('google.txt'), GOOGLE, { unsupported: 1 });
  });

  it('a missing batch is a warning that names it', async () => {
    const [first] = fixture('google.txt').toString().split('\n');
    const parsed = await readImport(Buffer.from(`${first}\n`));
    expect(parsed.warnings?.[0]).toMatch(/2 QR codes, but code 1 is missing/);
  });

  it('a damaged batch is refused with its line', async () => {
    const error = await expectError(readImport(Buffer.from('otpauth-migration://offline?data=%%%%\n')), 'IMPORT_BAD_ENTRY');
    expect(error.message).toMatch(/^Line 1 \(Google Authenticator batch 1\)/);
  });
});

describe('detection, duplicates and all-or-nothing', () => {
  it('recognises each format from its content, and refuses a --format that does not match', async () => {
    expect((await readImport(fixture('aegis-plain.json'))).format).toBe('aegis');
    expect((await readImport(fixture('twofas-plain.2fas'))).format).toBe('twofas');
    expect((await readImport(fixture('bitwarden.json'))).format).toBe('bitwarden');
    expect((await readImport(fixture('google.txt'))).format).toBe('google');
    expect((await readImport(fixture('otpauth.txt'))).format).toBe('otpauth');
    const error = await expectError(readImport(fixture('bitwarden.json'), { format: 'aegis' }), 'IMPORT_FORMAT_MISMATCH');
    expect(error.message).toMatch(/looks like a Bitwarden JSON export/);
    await expectError(readImport(Buffer.from('{"hello": "world"}')), 'IMPORT_UNRECOGNISED');
    for (const name of ['aegis-plain.json', 'twofas-plain.2fas', 'bitwarden.json']) {
      const text = fixture(name).toString();
      await expectError(readImport(Buffer.from(text.slice(0, Math.floor(text.length * 0.6)))), 'IMPORT_TRUNCATED');
    }
    await expectError(readImport(Buffer.from('just some text')), 'IMPORT_UNRECOGNISED');
    await expectError(readImport(Buffer.from([0xff, 0xfe, 0x00, 0x01])), 'BACKUP_NOT_TEXT');
    await expectError(readImport(Buffer.from('')), 'IMPORT_EMPTY');
  });

  it('duplicates within the file and against the vault are skipped and listed; same names with another secret are kept', async () => {
    const { vault } = await openTestVault();
    await vault.add({ type: 'totp', issuer: 'Mastodon', label: 'JUDY', secret: 'BEVTFES7IUIQVMQY', algorithm: 'SHA1', digits: 6, period: 30 });
    await vault.add({ type: 'totp', issuer: 'Vendor', label: 'sybil', secret: 'TFGE7NJIFIPC3VBGGJNRYTCZ7RRLRZ23', algorithm: 'SHA1', digits: 6, period: 30 });
    const text = `${fixture('ente.txt').toString()}otpauth://totp/Vendor:sybil?secret=3WXPQYIRWBI6ELTBUUASM4TI5MOIF6YA&issuer=Vendor\notpauth://totp/Vendor:sybil?secret=3WXPQYIRWBI6ELTBUUASM4TI5MOIF6YA&issuer=Vendor\n`;
    const plan = await planVaultImport(vault, await readImport(Buffer.from(text)));
    expect(plan.duplicates).toEqual([
      { name: 'Mastodon: judy', reason: 'already in this vault' },
      { name: 'Vendor: sybil', reason: 'appears earlier in the file' },
    ]);
    expect(plan.toAdd.map((a) => `${a.issuer}: ${a.label}`)).toEqual(['Issuu: mallory', 'Example Co: niaj@example.com', 'Vendor: sybil']);
    await applyImport(vault, plan, { skipUnsupported: true });
    expect(await vault.list()).toHaveLength(5);
  });

  it('an import that fails half-way leaves the vault as it was (addMany)', async () => {
    const fx = await openTestVault();
    await fx.vault.add({ type: 'totp', issuer: 'Keep', label: 'me', secret: 'BEVTFES7IUIQVMQY', algorithm: 'SHA1', digits: 6, period: 30 });
    const before = new Map(fx.secrets.items);
    const plan = await planVaultImport(fx.vault, await readImport(fixture('otpauth.txt')));
    fx.secrets.failSetAt = 3; // the keychain fails on the third seed of the batch
    await expect(applyImport(fx.vault, plan)).rejects.toThrow();
    expect((await fx.vault.list()).map((a) => a.label)).toEqual(['me']);
    expect(new Map(fx.secrets.items)).toEqual(before);
  });

  it('several QR-image batches are gathered across files (payload reader injected)', async () => {
    const lines = fixture('google.txt').toString().trim().split('\n');
    const images = lines.map((_, i) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, i]));
    const parsed = await readImports(images, { readImage: async (bytes) => [lines[bytes[4]!]!] });
    expect(parsed.accounts).toHaveLength(3);
    expect(parsed.warnings).toBeUndefined();
  });
});
