// HOTP/TOTP against the RFC 4226 / RFC 6238 vectors (test/vectors/rfc.ts), and against a
// reference written here from the RFC's algorithm with node:crypto and BigInt (independent of
// core/otp/otp.ts's 32-bit-halves counter encoding) for what the RFCs do not tabulate.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthdeskError } from '../../core/errors.js';
import { assertCounter, assertDigits, assertPeriod, assertTime, hotp, msRemaining, timeStep, totp, totpPair } from '../../core/otp/otp.js';
import { HASH_ALGORITHMS, OTP_LIMITS, type HashAlgorithm, type HmacFn } from '../../core/otp/types.js';
import { nodeHmac } from '../../node/crypto.js';
import {
  RFC4226_HOTP, RFC4226_SECRET_ASCII, RFC6238_DIGITS, RFC6238_PERIOD, RFC6238_SEEDS_ASCII, RFC6238_TOTP, asciiBytes,
} from '../vectors/rfc.js';

const rfc4226Key = asciiBytes(RFC4226_SECRET_ASCII);
const SHA1_6 = { algorithm: 'SHA1', digits: 6 } as const;

/** RFC 4226 section 5.3, written independently: 8-byte counter via BigInt, Buffer.readUInt32BE. */
function referenceHotp(algorithm: HashAlgorithm, key: Uint8Array, counter: bigint, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm.toLowerCase(), key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

function expectError(fn: () => unknown, code: string): AuthdeskError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(AuthdeskError);
  const error = caught as AuthdeskError;
  expect(error.code).toBe(code);
  // A sentence for a person: starts with a capital, ends with a full stop, nothing undefined.
  expect(error.message).toMatch(/^[A-Z].{10,}[.!?]$/s);
  expect(error.message).not.toMatch(/undefined|\[object/);
  return error;
}

describe('RFC 4226 Appendix D (HOTP)', () => {
  it.each(RFC4226_HOTP)('counter $counter -> $hotp', (v) => {
    expect(hotp(rfc4226Key, v.counter, SHA1_6, nodeHmac)).toBe(v.hotp);
  });

  it('nodeHmac gives the RFC intermediate HMAC-SHA-1 values', () => {
    for (const v of RFC4226_HOTP) {
      const message = new Uint8Array(8);
      message[7] = v.counter;
      expect(Buffer.from(nodeHmac('SHA1', rfc4226Key, message)).toString('hex')).toBe(v.hmacHex);
    }
  });

  it.each([6, 7, 8])('%i digits are the low digits of the RFC truncated value', (digits) => {
    for (const v of RFC4226_HOTP) {
      const expected = String(v.truncatedDecimal % 10 ** digits).padStart(digits, '0');
      expect(hotp(rfc4226Key, v.counter, { algorithm: 'SHA1', digits }, nodeHmac)).toBe(expected);
    }
  });

  it('keeps leading zeros', () => {
    // RFC 6238's SHA1 code at T=0x23523EC starts with a zero.
    const v = RFC6238_TOTP.find((x) => x.totp.startsWith('0'));
    expect(v).toBeDefined();
    const code = totp(asciiBytes(RFC6238_SEEDS_ASCII.SHA1), v!.time * 1000, { algorithm: 'SHA1', digits: 8, period: 30 }, nodeHmac);
    expect(code).toBe(v!.totp);
    expect(code).toHaveLength(8);
  });
});

describe('RFC 6238 Appendix B (TOTP)', () => {
  it.each(RFC6238_TOTP)('$algorithm at $time s -> $totp', (v) => {
    const key = asciiBytes(RFC6238_SEEDS_ASCII[v.algorithm]);
    const options = { algorithm: v.algorithm, digits: RFC6238_DIGITS, period: RFC6238_PERIOD };
    expect(timeStep(v.time * 1000, RFC6238_PERIOD)).toBe(Number.parseInt(v.stepHex, 16));
    expect(totp(key, v.time * 1000, options, nodeHmac)).toBe(v.totp);
    // Also as HOTP at the table's T.
    expect(hotp(key, Number.parseInt(v.stepHex, 16), options, nodeHmac)).toBe(v.totp);
  });

  it('uses the seed lengths of the RFC (20, 32, 64 bytes)', () => {
    expect(RFC6238_SEEDS_ASCII.SHA1).toHaveLength(20);
    expect(RFC6238_SEEDS_ASCII.SHA256).toHaveLength(32);
    expect(RFC6238_SEEDS_ASCII.SHA512).toHaveLength(64);
  });

  it.each([1, 15, 30, 45, 60, 90, 120, 3600, 86_400])('period %i s: every moment of the step gives the RFC code of that step', (period) => {
    for (const v of RFC6238_TOTP) {
      const step = Number.parseInt(v.stepHex, 16);
      const start = step * period * 1000;
      if (!Number.isSafeInteger(start + period * 1000)) continue; // beyond 2^53 ms (year 285,000)
      const key = asciiBytes(RFC6238_SEEDS_ASCII[v.algorithm]);
      const options = { algorithm: v.algorithm, digits: 8, period };
      for (const at of [start, start + 1, start + period * 500, start + period * 1000 - 1]) {
        expect(totp(key, at, options, nodeHmac), `${v.algorithm} ${period}s at ${at}`).toBe(v.totp);
      }
      // One millisecond later is the next step: a different code (checked against the reference).
      expect(totp(key, start + period * 1000, options, nodeHmac)).toBe(referenceHotp(v.algorithm, key, BigInt(step + 1), 8));
    }
  });

  it('stepAdjust shifts whole periods', () => {
    const key = rfc4226Key;
    for (const v of RFC4226_HOTP.slice(1, 9)) {
      const at = v.counter * 30_000 + 12_345;
      expect(totp(key, at, { ...SHA1_6, period: 30 }, nodeHmac, 0)).toBe(v.hotp);
      expect(totp(key, at, { ...SHA1_6, period: 30 }, nodeHmac, -1)).toBe(RFC4226_HOTP[v.counter - 1]!.hotp);
      expect(totp(key, at, { ...SHA1_6, period: 30 }, nodeHmac, 1)).toBe(RFC4226_HOTP[v.counter + 1]!.hotp);
    }
  });
});

describe('timeStep and msRemaining', () => {
  it.each([
    // [timeMs, period, step, msRemaining]
    [0, 30, 0, 30_000],
    [1, 30, 0, 29_999],
    [29_999, 30, 0, 1],
    [30_000, 30, 1, 30_000],
    [59_999, 30, 1, 1],
    [59_000, 30, 1, 1_000],
    [60_000, 60, 1, 60_000],
    [89_999, 90, 0, 1],
    [90_000, 90, 1, 90_000],
    [14_999, 15, 0, 1],
    [15_000, 15, 1, 15_000],
    [999, 1, 0, 1],
    [1_000, 1, 1, 1_000],
    [86_399_999, 86_400, 0, 1],
    [1_700_000_000_000, 30, 56_666_666, 10_000],
    [20_000_000_000_000, 30, 666_666_666, 10_000],
  ])('%i ms, period %i -> step %i, %i ms left', (timeMs, period, step, left) => {
    expect(timeStep(timeMs, period)).toBe(step);
    expect(msRemaining(timeMs, period)).toBe(left);
  });

  it('is exact at step boundaries far in the future (up to 2^53 ms)', () => {
    for (const period of [7, 30, 60, 86_400]) {
      const periodMs = period * 1000;
      for (const step of [2 ** 32 - 1, 2 ** 32, 2 ** 33 + 5, Math.floor(Number.MAX_SAFE_INTEGER / periodMs) - 1]) {
        const start = step * periodMs;
        if (!Number.isSafeInteger(start)) continue; // 2^32 days is beyond 2^53 ms
        expect(timeStep(start, period)).toBe(step);
        expect(timeStep(start - 1, period)).toBe(step - 1);
        expect(msRemaining(start, period)).toBe(periodMs);
        expect(msRemaining(start - 1, period)).toBe(1);
      }
    }
  });
});

describe('counters beyond 32 bits', () => {
  const counters = [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 123_456_789, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER];

  it.each(counters)('counter %i is encoded as 8 big-endian bytes', (counter) => {
    let seen: Uint8Array | undefined;
    const spy: HmacFn = (algorithm, key, message) => {
      seen = Uint8Array.from(message);
      return nodeHmac(algorithm, key, message);
    };
    hotp(rfc4226Key, counter, SHA1_6, spy);
    const expected = Buffer.alloc(8);
    expected.writeBigUInt64BE(BigInt(counter));
    expect(Buffer.from(seen!).toString('hex')).toBe(expected.toString('hex'));
  });

  it.each(counters)('counter %i matches the reference for every hash and length', (counter) => {
    for (const algorithm of HASH_ALGORITHMS) {
      const key = asciiBytes(RFC6238_SEEDS_ASCII[algorithm]);
      for (const digits of [6, 7, 8]) {
        expect(hotp(key, counter, { algorithm, digits }, nodeHmac)).toBe(referenceHotp(algorithm, key, BigInt(counter), digits));
      }
    }
  });
});

describe('totpPair', () => {
  it('gives the codes of the current and the next step (RFC 4226 values at period 30)', () => {
    for (const v of RFC4226_HOTP.slice(0, 9)) {
      for (const offset of [0, 1, 15_000, 29_999]) {
        const at = v.counter * 30_000 + offset;
        const pair = totpPair(rfc4226Key, at, { ...SHA1_6, period: 30 }, nodeHmac);
        expect(pair).toEqual({
          first: v.hotp,
          second: RFC4226_HOTP[v.counter + 1]!.hotp,
          step: v.counter,
          firstExpiresAt: (v.counter + 1) * 30_000,
        });
        expect(pair.first).toBe(totp(rfc4226Key, at, { ...SHA1_6, period: 30 }, nodeHmac));
        expect(pair.second).toBe(totp(rfc4226Key, at + 30_000, { ...SHA1_6, period: 30 }, nodeHmac));
      }
    }
  });

  it('works with other periods and 8 digits (RFC 6238 vectors)', () => {
    for (const v of RFC6238_TOTP) {
      const key = asciiBytes(RFC6238_SEEDS_ASCII[v.algorithm]);
      const step = Number.parseInt(v.stepHex, 16);
      const pair = totpPair(key, step * 60_000 + 59_999, { algorithm: v.algorithm, digits: 8, period: 60 }, nodeHmac);
      expect(pair.first).toBe(v.totp);
      expect(pair.second).toBe(referenceHotp(v.algorithm, key, BigInt(step + 1), 8));
      expect(pair.firstExpiresAt).toBe((step + 1) * 60_000);
    }
  });

  it('validates its period and time like totp', () => {
    expectError(() => totpPair(rfc4226Key, 0, { ...SHA1_6, period: 0 }, nodeHmac), 'INVALID_PERIOD');
    expectError(() => totpPair(rfc4226Key, -1, { ...SHA1_6, period: 30 }, nodeHmac), 'INVALID_TIME');
    expectError(() => totpPair(rfc4226Key, 0, { algorithm: 'SHA1', digits: 9, period: 30 }, nodeHmac), 'INVALID_DIGITS');
  });
});

describe('invalid parameters', () => {
  it.each([0, 1, 5, 9, 10, 6.5, -6, Number.NaN, Number.POSITIVE_INFINITY])('digits %s -> INVALID_DIGITS', (digits) => {
    expectError(() => assertDigits(digits), 'INVALID_DIGITS');
    expectError(() => hotp(rfc4226Key, 0, { algorithm: 'SHA1', digits }, nodeHmac), 'INVALID_DIGITS');
    expectError(() => totp(rfc4226Key, 0, { algorithm: 'SHA1', digits, period: 30 }, nodeHmac), 'INVALID_DIGITS');
  });

  it.each([0, -1, -30, 0.5, 1.5, 29.9, OTP_LIMITS.MAX_PERIOD + 1, 1e9, Number.NaN, Number.POSITIVE_INFINITY])('period %s -> INVALID_PERIOD', (period) => {
    expectError(() => assertPeriod(period), 'INVALID_PERIOD');
    expectError(() => totp(rfc4226Key, 0, { ...SHA1_6, period }, nodeHmac), 'INVALID_PERIOD');
  });

  it.each([-1, 0.5, 2 ** 53, Number.MAX_VALUE, Number.NaN, Number.NEGATIVE_INFINITY])('counter %s -> INVALID_COUNTER', (counter) => {
    expectError(() => assertCounter(counter), 'INVALID_COUNTER');
    expectError(() => hotp(rfc4226Key, counter, SHA1_6, nodeHmac), 'INVALID_COUNTER');
  });

  it.each([-1, -30_000, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('time %s -> INVALID_TIME', (timeMs) => {
    expectError(() => assertTime(timeMs), 'INVALID_TIME');
    expectError(() => totp(rfc4226Key, timeMs, { ...SHA1_6, period: 30 }, nodeHmac), 'INVALID_TIME');
  });

  it('accepts the limits themselves', () => {
    expect(() => assertDigits(OTP_LIMITS.MIN_DIGITS)).not.toThrow();
    expect(() => assertDigits(OTP_LIMITS.MAX_DIGITS)).not.toThrow();
    expect(() => assertPeriod(OTP_LIMITS.MIN_PERIOD)).not.toThrow();
    expect(() => assertPeriod(OTP_LIMITS.MAX_PERIOD)).not.toThrow();
    expect(() => assertCounter(0)).not.toThrow();
    expect(() => assertCounter(OTP_LIMITS.MAX_COUNTER)).not.toThrow();
    expect(() => assertTime(0)).not.toThrow();
  });

  it('an error message names the allowed range', () => {
    expect(expectError(() => assertDigits(9), 'INVALID_DIGITS').message).toContain('6 to 8');
    expect(expectError(() => assertPeriod(0), 'INVALID_PERIOD').message).toContain('1 to 86400');
  });
});
