import { UsageError } from './io.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../core/otp/types.js';

/** --algorithm/--digits/--period/--counter as the CLI accepts them, shared by `otp` and `add`. */
export const OTP_OPTION_SPEC = {
  algorithm: { type: 'string' },
  digits: { type: 'string' },
  period: { type: 'string' },
  hotp: { type: 'boolean' },
  counter: { type: 'string' },
} as const;

export function parseAlgorithm(value: string | undefined): HashAlgorithm {
  if (value === undefined) return 'SHA1';
  const upper = value.toUpperCase().replace('-', '');
  if (!(HASH_ALGORITHMS as readonly string[]).includes(upper)) throw new UsageError(`--algorithm must be SHA1, SHA256 or SHA512 (got "${value}").`);
  return upper as HashAlgorithm;
}

export function parseWholeNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,16}$/.test(value)) throw new UsageError(`--${option} must be a whole number (got "${value}").`);
  return Number(value);
}
