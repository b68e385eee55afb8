import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { decodeMigrationUri, encodeMigrationUris, migrationIncompatibility } from '../../core/otpauth/migration.js';
import type { OtpauthData } from '../../core/otpauth/uri.js';
import { oracleBase32, oracleDecode, oracleEncode, oracleUri } from '../helpers/qr-protobuf.js';
import { oathtoolHotp, oathtoolTotp } from '../helpers/cli.js';
import { hotp, totp } from '../../core/otp/otp.js';
import { decodeBase32Secret } from '../../core/otp/base32.js';
import { nodeHmac } from '../../node/crypto.js';

function expectError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isAuthdeskError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).not.toMatch(/undefined|\[object/);
    return;
  }
  throw new Error(`expected ${code}`);
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const SECRET_20 = bytes(...Array.from({ length: 20 }, (_, i) => (i * 37 + 11) & 0xff));
const SECRET_32 = bytes(...Array.from({ length: 32 }, (_, i) => (i * 53 + 7) & 0xff));

describe('decodeMigrationUri: published exports from other projects', () => {
  it('dim13/otpauth README example: one TOTP account', () => {
    // https://github.com/dim13/otpauth — documented output: otpauth://totp/Example:alice@google.com?issuer=Example&secret=JBSWY3DPEHPK3PXP
    const batch = decodeMigrationUri('otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC');
    expect(batch.accounts).toEqual([{ type: 'totp', issuer: 'Example', label: 'alice@google.com', secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30 }]);
    expect(batch.skipped).toEqual([]);
    expect(batch).toMatchObject({ batchSize: 1, batchIndex: 0 });
  });

  it('extract_otp_secrets example (Raspberry Pi guide): negative batch id, percent-encoded base64', () => {
    // scito/extract_otp_secrets example_export.txt — secret 7KSQL2JTUDIS5EF65KLMRQIIGY, name pi@raspberrypi, issuer raspberrypi
    const batch = decodeMigrationUri('otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B');
    expect(batch.accounts).toEqual([{ type: 'totp', issuer: 'raspberrypi', label: 'pi@raspberrypi', secret: '7KSQL2JTUDIS5EF65KLMRQIIGY', algorithm: 'SHA1', digits: 6, period: 30 }]);
    expect(batch.version).toBe(1);
    expect(batch.batchId).toBeLessThan(0);
    const noIssuer = decodeMigrationUri('otpauth-migration://offline?data=CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACEAEYASAAKLzjp5n4%2F%2F%2F%2F%2FwE%3D');
    expect(noIssuer.accounts[0]).toMatchObject({ issuer: '', label: 'pi@raspberrypi', secret: '7KSQL2JTUDIS5EF65KLMRQIIGY' });
  });

  it('johncallahan/otpauth_migration example: two accounts, issuer prefix in the name', () => {
    const batch = decodeMigrationUri('otpauth-migration://offline?data=CkMKFD3GyqSCSm0oh2eyMx4gtDFmy4XZEhxBQ01FIENvOmpvaG4uZG9lQGV4YW1wbGUuY29tGgdBQ01FIENvIAEoATACCjUKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZSABKAEwAhABGAEgACjn4Pv4Ag==');
    expect(batch.accounts.map((a) => [a.issuer, a.label, a.secret])).toEqual([
      ['ACME Co', 'john.doe@example.com', 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ'],
      ['Example', 'alice@google.com', 'JBSWY3DPEHPK3PXP'],
    ]);
  });
});

describe('decodeMigrationUri: payloads written by an independent protobuf encoder', () => {
  it('HOTP and TOTP, SHA1/SHA256/SHA512, 6 and 8 digits, with codes checked against oathtool', () => {
    const uri = oracleUri({
      otp: [
        { secret: SECRET_20, name: 'alice@example.com', issuer: 'Example', algorithm: 1, digits: 1, type: 2 },
        { secret: SECRET_32, name: 'bob', issuer: 'Bank', algorithm: 2, digits: 2, type: 2 },
        { secret: SECRET_20, name: 'carol', issuer: 'Counter Co', algorithm: 1, digits: 1, type: 1, counter: 42 },
        { secret: SECRET_32, name: 'dave', issuer: 'Big', algorithm: 3, digits: 2, type: 1, counter: 7 },
      ],
      version: 1, batchSize: 1, batchIndex: 0, batchId: 123456,
    });
    const batch = decodeMigrationUri(uri);
    expect(batch.skipped).toEqual([]);
    expect(batch.accounts).toEqual([
      { type: 'totp', issuer: 'Example', label: 'alice@example.com', secret: oracleBase32(SECRET_20), algorithm: 'SHA1', digits: 6, period: 30 },
      { type: 'totp', issuer: 'Bank', label: 'bob', secret: oracleBase32(SECRET_32), algorithm: 'SHA256', digits: 8, period: 30 },
      { type: 'hotp', issuer: 'Counter Co', label: 'carol', secret: oracleBase32(SECRET_20), algorithm: 'SHA1', digits: 6, period: 30, counter: 42 },
      { type: 'hotp', issuer: 'Big', label: 'dave', secret: oracleBase32(SECRET_32), algorithm: 'SHA512', digits: 8, period: 30, counter: 7 },
    ]);
    expect(batch.batchId).toBe(123456);
    // The imported accounts make the same codes as Debian's oathtool from the original secrets.
    const [alice, bob, carol] = batch.accounts;
    const t = 1_700_000_000;
    expect(totp(decodeBase32Secret(alice!.secret), t * 1000, alice!, nodeHmac)).toBe(oathtoolTotp(oracleBase32(SECRET_20), t));
    expect(totp(decodeBase32Secret(bob!.secret), t * 1000, bob!, nodeHmac)).toBe(oathtoolTotp(oracleBase32(SECRET_32), t, { algorithm: 'SHA256', digits: 8 }));
    expect(hotp(decodeBase32Secret(carol!.secret), 42, carol!, nodeHmac)).toBe(oathtoolHotp(oracleBase32(SECRET_20), 42));
  });

  it('missing enums mean SHA1, 6 digits, TOTP (as third-party writers leave them out)', () => {
    const batch = decodeMigrationUri(oracleUri({ otp: [{ secret: SECRET_20, name: 'x' }] }));
    expect(batch.accounts[0]).toMatchObject({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(batch).toMatchObject({ batchSize: 1, batchIndex: 0 });
  });

  it('skips MD5 and unknown enum values with a reason, importing the others', () => {
    const batch = decodeMigrationUri(oracleUri({
      otp: [
        { secret: SECRET_20, name: 'old', issuer: 'Legacy', algorithm: 4, type: 2 },
        { secret: SECRET_20, name: 'ok', issuer: 'Fine', algorithm: 1, type: 2 },
        { secret: SECRET_20, name: 'weird-digits', digits: 9, type: 2 },
        { secret: SECRET_20, name: 'weird-type', type: 7 },
        { secret: bytes(1, 2, 3), name: 'short', type: 2 },
        { secret: new Uint8Array(), name: 'empty', type: 2 },
        { secret: SECRET_20, name: 'evil\u001b[31m', type: 2 },
      ],
    }));
    expect(batch.accounts.map((a) => a.label)).toEqual(['ok']);
    expect(batch.skipped.map((s) => [s.index, s.label])).toEqual([[0, 'old'], [2, 'weird-digits'], [3, 'weird-type'], [4, 'short'], [5, 'empty'], [6, 'evil[31m']]);
    expect(batch.skipped[0]?.reason).toMatch(/MD5/);
    expect(batch.skipped[3]?.reason).toMatch(/too short/);
    expect(batch.skipped[5]?.reason).toMatch(/control characters/);
  });

  it('reports batches', () => {
    const batch = decodeMigrationUri(oracleUri({ otp: [{ secret: SECRET_20, name: 'a' }], version: 1, batchSize: 3, batchIndex: 2, batchId: -5 }));
    expect(batch).toMatchObject({ batchSize: 3, batchIndex: 2, batchId: -5 });
  });
});

describe('decodeMigrationUri: malformed input gets a clear UriError', () => {
  it.each([
    ['not base64', 'otpauth-migration://offline?data=%%%', 'MIGRATION_MALFORMED'],
    ['bad characters', 'otpauth-migration://offline?data=ab*cd', 'MIGRATION_MALFORMED'],
    ['random bytes', oracleUri(bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 0x99)), 'MIGRATION_MALFORMED'],
    ['truncated protobuf', oracleUri(oracleEncode({ otp: [{ secret: SECRET_20, name: 'abc' }] }).subarray(0, 10)), 'MIGRATION_MALFORMED'],
    ['no accounts', oracleUri({ otp: [], version: 1 }), 'MIGRATION_EMPTY'],
    ['no data', 'otpauth-migration://offline?foo=bar', 'MIGRATION_NO_DATA'],
    ['empty data', 'otpauth-migration://offline?data=', 'MIGRATION_NO_DATA'],
    ['wrong kind', 'otpauth-migration://online?data=AAAA', 'MIGRATION_MALFORMED'],
    ['batch index outside batch size', oracleUri({ otp: [{ secret: SECRET_20, name: 'a' }], batchSize: 2, batchIndex: 2 }), 'MIGRATION_MALFORMED'],
    ['not a migration link', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP', 'URI_NOT_MIGRATION'],
    ['huge', `otpauth-migration://offline?data=${'A'.repeat(20_000)}`, 'URI_TOO_LONG'],
  ])('%s', (_name, uri, code) => expectError(() => decodeMigrationUri(uri), code));

  it('accepts URL-safe base64 and a "+" turned into a space', () => {
    const raw = oracleEncode({ otp: [{ secret: Uint8Array.from([0xfb, 0xff, 0xfe, ...SECRET_20.subarray(3)]), name: 'plus' }] });
    const standard = Buffer.from(raw).toString('base64');
    expect(standard).toMatch(/[+/]/);
    const urlSafe = Buffer.from(raw).toString('base64url');
    const a = decodeMigrationUri(`otpauth-migration://offline?data=${urlSafe}`);
    const b = decodeMigrationUri(`otpauth-migration://offline?data=${standard.replace(/\+/g, ' ')}`);
    expect(a.accounts).toEqual(b.accounts);
    expect(a.accounts[0]?.label).toBe('plus');
  });
});

describe('encodeMigrationUris', () => {
  const accounts: OtpauthData[] = Array.from({ length: 23 }, (_, i) => ({
    type: i % 3 === 0 ? 'hotp' : 'totp',
    issuer: `Issuer ${i}`,
    label: `user${i}@example.com`,
    secret: oracleBase32(i % 2 ? SECRET_32 : SECRET_20),
    algorithm: (['SHA1', 'SHA256', 'SHA512'] as const)[i % 3]!,
    digits: i % 2 ? 8 : 6,
    period: 30,
    ...(i % 3 === 0 ? { counter: i * 1000 } : {}),
  }));

  it('splits into batches that an independent decoder reads back exactly', () => {
    const uris = encodeMigrationUris(accounts, { batchId: 99 });
    expect(uris.length).toBe(3);
    const decoded = uris.map(oracleDecode);
    decoded.forEach((d, i) => expect(d).toMatchObject({ version: 1, batchSize: 3, batchIndex: i, batchId: 99 }));
    const flat = decoded.flatMap((d) => d.otp);
    expect(flat.length).toBe(23);
    flat.forEach((p, i) => {
      const a = accounts[i]!;
      expect(oracleBase32(p.secret)).toBe(a.secret);
      expect(p).toMatchObject({ name: a.label, issuer: a.issuer, algorithm: { SHA1: 1, SHA256: 2, SHA512: 3 }[a.algorithm], digits: a.digits === 8 ? 2 : 1, type: a.type === 'hotp' ? 1 : 2 });
      if (a.type === 'hotp') expect(p.counter).toBe(a.counter);
    });
  });

  it('round-trips through decodeMigrationUri', () => {
    const uris = encodeMigrationUris(accounts, { maxAccountsPerBatch: 5 });
    expect(uris.length).toBe(5);
    const back = uris.map(decodeMigrationUri);
    expect(new Set(back.map((b) => b.batchId)).size).toBe(1);
    expect(back.flatMap((b) => b.accounts)).toEqual(accounts);
  });

  it('keeps each batch under the byte budget', () => {
    const uris = encodeMigrationUris(accounts, { maxAccountsPerBatch: 100, maxBytesPerBatch: 300 });
    for (const uri of uris) {
      const data = decodeURIComponent(uri.split('data=')[1] ?? '');
      expect(Buffer.from(data, 'base64').length).toBeLessThanOrEqual(300 + 20);
    }
    expect(uris.map(decodeMigrationUri).flatMap((b) => b.accounts)).toEqual(accounts);
  });

  it('refuses accounts the format cannot carry', () => {
    const sixty = { ...accounts[1]!, period: 60 };
    expect(migrationIncompatibility(sixty)).toMatch(/60 s/);
    expectError(() => encodeMigrationUris([accounts[1]!, sixty]), 'MIGRATION_UNSUPPORTED_ACCOUNT');
    expectError(() => encodeMigrationUris([{ ...accounts[1]!, digits: 7 }]), 'MIGRATION_UNSUPPORTED_ACCOUNT');
    expectError(() => encodeMigrationUris([]), 'MIGRATION_EMPTY');
  });
});
