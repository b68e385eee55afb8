export const HASH_ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];
export type OtpType = 'totp' | 'hotp';

/**
 * HMAC is injected so the core stays free of node:* and WebCrypto: Node and Electron main pass
 * node:crypto's createHmac (synchronous, ~190k codes/s here); a browser could pass another.
 */
export type HmacFn = (algorithm: HashAlgorithm, key: Uint8Array, message: Uint8Array) => Uint8Array;

/** Limits with their reasons (printed in error messages, asserted in tests). */
export const OTP_LIMITS = {
  /** RFC 4226 section 5.3 needs at least 6 digits; 8 is the most any service uses and what 31 bits can carry meaningfully. */
  MIN_DIGITS: 6,
  MAX_DIGITS: 8,
  /** A period under 1 s is meaningless; over a day no real service uses and it is almost surely a typo. */
  MIN_PERIOD: 1,
  MAX_PERIOD: 86_400,
  /** HOTP counters are 8-byte big-endian; JS numbers are exact to 2^53-1, which no real counter reaches. */
  MAX_COUNTER: Number.MAX_SAFE_INTEGER,
} as const;

export interface OtpParameters {
  readonly type: OtpType;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
  /** TOTP period in seconds (ignored for HOTP, kept at 30). */
  readonly period: number;
}
