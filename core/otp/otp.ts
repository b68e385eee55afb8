import { InputError } from '../errors.js';
import { OTP_LIMITS, type HashAlgorithm, type HmacFn } from './types.js';

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

export interface HotpOptions {
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
}

export interface TotpOptions extends HotpOptions {
  /** Step length in seconds. */
  readonly period: number;
}

export function assertDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < OTP_LIMITS.MIN_DIGITS || digits > OTP_LIMITS.MAX_DIGITS) {
    throw new InputError('INVALID_DIGITS', `Codes must have ${OTP_LIMITS.MIN_DIGITS} to ${OTP_LIMITS.MAX_DIGITS} digits (got ${String(digits)}).`);
  }
}

export function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < OTP_LIMITS.MIN_PERIOD || period > OTP_LIMITS.MAX_PERIOD) {
    throw new InputError('INVALID_PERIOD', `The period must be a whole number of seconds from ${OTP_LIMITS.MIN_PERIOD} to ${OTP_LIMITS.MAX_PERIOD} (got ${String(period)}).`);
  }
}

export function assertCounter(counter: number): void {
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new InputError('INVALID_COUNTER', `The counter must be a whole number from 0 to ${OTP_LIMITS.MAX_COUNTER} (got ${String(counter)}).`);
  }
}

/** Unix milliseconds the TOTP of which can be computed: finite, not before 1970 (T0 = 0). */
export function assertTime(timeMs: number): void {
  if (!Number.isFinite(timeMs) || timeMs < 0 || timeMs > OTP_LIMITS.MAX_COUNTER) {
    throw new InputError('INVALID_TIME', `The time must be a moment after 1 January 1970 (got ${String(timeMs)} ms); check the clock or the --time value.`);
  }
}

/** RFC 4226 HOTP: HMAC of the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(key: Uint8Array, counter: number, options: HotpOptions, hmac: HmacFn): string {
  assertDigits(options.digits);
  assertCounter(counter);
  const message = new Uint8Array(8);
  // Split into two 32-bit halves: bitwise operators in JS only work on 32 bits.
  const high = Math.floor(counter / 0x1_0000_0000);
  const low = counter >>> 0;
  message[0] = high >>> 24; message[1] = (high >>> 16) & 0xff; message[2] = (high >>> 8) & 0xff; message[3] = high & 0xff;
  message[4] = low >>> 24; message[5] = (low >>> 16) & 0xff; message[6] = (low >>> 8) & 0xff; message[7] = low & 0xff;
  const mac = hmac(options.algorithm, key, message);
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    (((mac[offset + 1] ?? 0) & 0xff) << 16) |
    (((mac[offset + 2] ?? 0) & 0xff) << 8) |
    ((mac[offset + 3] ?? 0) & 0xff);
  const code = binary % (POWERS_OF_TEN[options.digits] ?? 1_000_000);
  return code.toString().padStart(options.digits, '0');
}

/** The RFC 6238 time step containing `timeMs` (Unix milliseconds). */
export function timeStep(timeMs: number, period: number): number {
  return Math.floor(timeMs / 1000 / period);
}

/** Milliseconds left in the step containing `timeMs`. */
export function msRemaining(timeMs: number, period: number): number {
  const periodMs = period * 1000;
  return periodMs - (((timeMs % periodMs) + periodMs) % periodMs);
}

/** RFC 6238 TOTP at `timeMs` (Unix milliseconds; T0 = 0), shifted by `stepAdjust` whole periods. */
export function totp(key: Uint8Array, timeMs: number, options: TotpOptions, hmac: HmacFn, stepAdjust = 0): string {
  assertPeriod(options.period);
  assertTime(timeMs);
  return hotp(key, timeStep(timeMs, options.period) + stepAdjust, options, hmac);
}

export interface TotpPair {
  readonly first: string;
  readonly second: string;
  /** Step of `first`; `second` is the next step. */
  readonly step: number;
  /** When the first code's step ends (Unix ms, on the clock the pair was computed on). */
  readonly firstExpiresAt: number;
}

/**
 * Two consecutive codes, as AWS's EnableMFADevice / ResyncMFADevice and the console's
 * "MFA code 1 / MFA code 2" ask: the current step and the next.
 */
export function totpPair(key: Uint8Array, timeMs: number, options: TotpOptions, hmac: HmacFn): TotpPair {
  // Validate here too: an unchecked period of 0 made an infinite step and a misleading counter error.
  assertPeriod(options.period);
  assertTime(timeMs);
  const step = timeStep(timeMs, options.period);
  return {
    first: hotp(key, step, options, hmac),
    second: hotp(key, step + 1, options, hmac),
    step,
    firstExpiresAt: (step + 1) * options.period * 1000,
  };
}
