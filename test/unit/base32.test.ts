// Base32 against RFC 4648 section 10 (and concatenations of its 5-byte blocks, since base32 encodes
// each 5-byte group independently), a bit-string reference encoder written here, and the paste
// forms people use. oathtool cross-checks our encoder too (test/integration/oathtool.test.ts).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthdeskError, toUserFacing } from '../../core/errors.js';
import { SECRET_LIMITS, base32ToBytes, bytesToBase32, decodeBase32Secret, normalizeBase32Secret, wipe } from '../../core/otp/base32.js';
import { RFC4648_BASE32, asciiBytes } from '../vectors/rfc.js';

const rfc = (text: string): string => {
  const v = RFC4648_BASE32.find((x) => x.text === text);
  if (!v) throw new Error(`no RFC 4648 vector for ${text}`);
  return v.base32;
};
const unpadded = (s: string): string => s.replace(/=+$/, '');

/** Reference: bytes -> bit string -> 5-bit groups (zero-filled) -> alphabet. Obviously right, slow. */
function referenceBase32(bytes: Uint8Array): string {
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) {
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Number.parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  }
  return out;
}

function expectSecretError(input: string, code: string): AuthdeskError {
  let caught: unknown;
  try {
    normalizeBase32Secret(input);
  } catch (error) {
    caught = error;
  }
  expect(caught, `${JSON.stringify(input.slice(0, 40))} should fail with ${code}`).toBeInstanceOf(AuthdeskError);
  const error = caught as AuthdeskError;
  expect(error.code).toBe(code);
  expect(error.domain).toBe('secret');
  expect(error.message).toMatch(/^[A-Z].{15,}[.!?]$/s);
  expect(error.message).not.toMatch(/undefined|NaN|\[object/);
  expect(toUserFacing(error).code).toBe(code);
  // decodeBase32Secret applies the same policy.
  expect(() => decodeBase32Secret(input)).toThrow(error.message);
  return error;
}

describe('RFC 4648 section 10 vectors', () => {
  it.each(RFC4648_BASE32)('"$text" <-> $base32', ({ text, base32 }) => {
    expect(bytesToBase32(asciiBytes(text))).toBe(unpadded(base32));
    expect(Buffer.from(base32ToBytes(unpadded(base32))).toString('latin1')).toBe(text);
  });

  // Secrets long enough for the 80-bit policy, built from whole RFC blocks: "fooba" is exactly one
  // 5-byte block (MZXW6YTB), so "fooba" + "fooba" + X encodes as MZXW6YTB MZXW6YTB base32(X).
  const blockCases = RFC4648_BASE32.filter((v) => v.text !== '').map((v) => ({
    text: `foobafooba${v.text}`,
    padded: `${rfc('fooba')}${rfc('fooba')}${v.base32}`,
  }));

  it.each(blockCases)('secret "$text" is accepted padded ($padded) and unpadded', ({ text, padded }) => {
    expect(bytesToBase32(asciiBytes(text))).toBe(unpadded(padded));
    expect(normalizeBase32Secret(padded)).toBe(unpadded(padded));
    expect(normalizeBase32Secret(unpadded(padded))).toBe(unpadded(padded));
    expect(Buffer.from(decodeBase32Secret(padded)).toString('latin1')).toBe(text);
    expect(Buffer.from(decodeBase32Secret(unpadded(padded).toLowerCase())).toString('latin1')).toBe(text);
  });
});

describe('pasted forms', () => {
  // RFC 4226's secret "12345678901234567890" in base32 (oathtool prints it with --verbose).
  const canonical = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('the reference encoder agrees on the RFC 4226 secret', () => {
    expect(referenceBase32(asciiBytes('12345678901234567890'))).toBe(canonical);
    expect(bytesToBase32(asciiBytes('12345678901234567890'))).toBe(canonical);
  });

  it.each([
    ['lower case', canonical.toLowerCase()],
    ['mixed case', 'gEzDgNbVgY3TqOjQgEzDgNbVgY3TqOjQ'],
    ['groups of four with spaces', 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ'],
    ['lower-case groups (Google style)', 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq'],
    ['dashes', 'GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ'],
    ['tabs, newlines, non-breaking spaces', '\tGEZDGNBV\nGY3TQOJQ\u00a0GEZDGNBV\r\nGY3TQOJQ \n'],
    ['leading and trailing spaces', '   GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ   '],
    ['padding (none needed, 32 characters)', canonical],
  ])('accepts %s', (_name, input) => {
    expect(normalizeBase32Secret(input)).toBe(canonical);
    expect(Buffer.from(decodeBase32Secret(input)).toString('latin1')).toBe('12345678901234567890');
  });

  it('accepts padding followed by spaces, and padding split by spaces', () => {
    const padded = `${rfc('fooba')}${rfc('fooba')}${rfc('f')}`; // ...MY======
    expect(normalizeBase32Secret(`${padded}  `)).toBe(unpadded(padded));
    expect(normalizeBase32Secret(padded.replace('======', '=== ===').toLowerCase())).toBe(unpadded(padded));
  });
});

describe('refusals', () => {
  it.each([
    // [input, bad character as shown, 1-based position in the input as typed]
    ['JBSWY3DP0HPK3PXP', '"0"', 9],
    ['JBSW Y3DP EHPK 3PX1', '"1"', 19],
    ['jbsw-y3dp-ehpk-3px8', '"8"', 19],
    ['JBSWY3DPEHPK3PX9', '"9"', 16],
    ['JBSWY3DP=EHPK3PXP', '"="', 9],
    ['JBSWY3DPÉHPK3PXP', '"É"', 9],
    ['JBSWY3DPEHPK3PX!', '"!"', 16],
    ['😀JBSWY3DPEHPK3PXP', '"😀"', 1],
    ['JBSWY3DP\u200bEHPK3PXP', 'U+200B', 9],
    ['JBSWY3DP\u0007EHPK3PXP', 'U+0007', 9],
  ])('%j: invalid character %s at position %i', (input, shown, position) => {
    const error = expectSecretError(input, 'SECRET_INVALID_CHARACTER');
    expect(error.message).toContain(`${shown} at position ${position}`);
    expect(error.details).toEqual({ position });
  });

  it('hints at O/I/L/B when a digit 0/1/8/9 is typed', () => {
    expect(expectSecretError('JBSWY3DP0HPK3PXP', 'SECRET_INVALID_CHARACTER').message).toMatch(/letters O, I\/L or B/);
    expect(expectSecretError('JBSWY3DP!HPK3PXP', 'SECRET_INVALID_CHARACTER').message).toMatch(/A–Z and the digits 2–7/);
  });

  it.each(['', '   ', '----', '====', ' - = '])('%j is empty', (input) => {
    expectSecretError(input, 'SECRET_EMPTY');
  });

  it.each([
    ['MZXW6YTB', 40],
    ['JBSWY3DPEHPK3PX', 72], // 15 characters
    ['JBSWY3DPEHPK', 56],
    [`${rfc('fooba')}${rfc('foob')}`, 72],
  ])('%j (%i bits) is too short', (input, bits) => {
    const error = expectSecretError(input, 'SECRET_TOO_SHORT');
    expect(error.message).toContain(`${bits} bits`);
    expect(error.message).toContain(`${SECRET_LIMITS.MIN_BITS} bits`);
  });

  it('80 bits (16 characters) is the shortest accepted', () => {
    expect(decodeBase32Secret('JBSWY3DPEHPK3PXP')).toHaveLength(10);
  });

  it.each([9, 17, 19, 22, 25, 27, 30, 33, 35, 38, 65])('%i characters is an impossible length', (length) => {
    const error = expectSecretError('A'.repeat(length), 'SECRET_INVALID_LENGTH');
    expect(error.message).toContain(`${length} characters`);
  });

  it('accepts up to 1024 bits (205 characters) and refuses absurd lengths', () => {
    expect(decodeBase32Secret('A'.repeat(205))).toHaveLength(128);
    expect(decodeBase32Secret('a'.repeat(200))).toHaveLength(125);
    for (const length of [207, 208, 400, 4000]) {
      expect(expectSecretError('A'.repeat(length), 'SECRET_TOO_LONG').message).toContain('at most 205');
    }
    // A pasted document is refused as too long, not for its first odd character, and fast.
    const started = performance.now();
    expectSecretError('Lorem ipsum dolor sit amet. '.repeat(40_000), 'SECRET_TOO_LONG');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('encode/decode round trips', () => {
  it('bytesToBase32 equals the bit-string reference and base32ToBytes inverts it (random, 0–128 bytes)', () => {
    for (let i = 0; i < 600; i++) {
      const bytes = randomBytes(i % 129);
      const text = bytesToBase32(bytes);
      expect(text).toBe(referenceBase32(bytes));
      expect(Buffer.from(base32ToBytes(text)).equals(bytes)).toBe(true);
    }
  });

  it('paste-style text of random secrets (10–128 bytes) decodes to the same bytes', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(10 + (i % 119));
      const canonical = referenceBase32(bytes);
      const pasted = canonical.toLowerCase().replace(/(.{4})/g, '$1 ').trim();
      const padding = '='.repeat((8 - (canonical.length % 8)) % 8);
      expect(normalizeBase32Secret(pasted)).toBe(canonical);
      expect(Buffer.from(decodeBase32Secret(pasted)).equals(bytes)).toBe(true);
      expect(Buffer.from(decodeBase32Secret(canonical + padding)).equals(bytes)).toBe(true);
    }
  });

  it('base32ToBytes refuses a non-alphabet character even without the policy', () => {
    expect(() => base32ToBytes('MZXW6YT1')).toThrow(AuthdeskError);
  });
});

describe('wipe', () => {
  it('zeroes key material and tolerates undefined', () => {
    const key = decodeBase32Secret('JBSWY3DPEHPK3PXP');
    expect(key.some((b) => b !== 0)).toBe(true);
    wipe(key);
    expect(key.every((b) => b === 0)).toBe(true);
    expect(() => wipe(undefined)).not.toThrow();
  });
});
