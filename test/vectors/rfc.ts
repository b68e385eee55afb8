/**
 * Test vectors typed from the RFC texts (never computed by the code under test).
 * Used by test/unit/otp.test.ts, test/unit/base32.test.ts and bench/otp.ts.
 *
 * - RFC 4226 Appendix D: HOTP, HMAC-SHA-1, secret ASCII "12345678901234567890", counters 0–9.
 * - RFC 6238 Appendix B: TOTP, 8 digits, period 30, T0 = 0, SHA1/SHA256/SHA512 with their seeds.
 *   (The RFC's reference code uses a 20-byte seed for SHA1, 32 bytes for SHA256, 64 bytes for
 *   SHA512; the errata made the table match those seeds.)
 * - RFC 4648 section 10: base32 encodings of "", "f", "fo", ... "foobar".
 */
import type { HashAlgorithm } from '../../core/otp/types.js';

export const RFC4226_SECRET_ASCII = '12345678901234567890';

export interface HotpVector {
  readonly counter: number;
  /** Full HMAC-SHA-1 of the counter, hex (Appendix D, first table). */
  readonly hmacHex: string;
  /** The dynamically truncated 31-bit value, hex and decimal (Appendix D, second table). */
  readonly truncatedHex: string;
  readonly truncatedDecimal: number;
  /** The 6-digit HOTP value. */
  readonly hotp: string;
}

export const RFC4226_HOTP: readonly HotpVector[] = [
  { counter: 0, hmacHex: 'cc93cf18508d94934c64b65d8ba7667fb7cde4b0', truncatedHex: '4c93cf18', truncatedDecimal: 1284755224, hotp: '755224' },
  { counter: 1, hmacHex: '75a48a19d4cbe100644e8ac1397eea747a2d33ab', truncatedHex: '41397eea', truncatedDecimal: 1094287082, hotp: '287082' },
  { counter: 2, hmacHex: '0bacb7fa082fef30782211938bc1c5e70416ff44', truncatedHex: '82fef30', truncatedDecimal: 137359152, hotp: '359152' },
  { counter: 3, hmacHex: '66c28227d03a2d5529262ff016a1e6ef76557ece', truncatedHex: '66ef7655', truncatedDecimal: 1726969429, hotp: '969429' },
  { counter: 4, hmacHex: 'a904c900a64b35909874b33e61c5938a8e15ed1c', truncatedHex: '61c5938a', truncatedDecimal: 1640338314, hotp: '338314' },
  { counter: 5, hmacHex: 'a37e783d7b7233c083d4f62926c7a25f238d0316', truncatedHex: '33c083d4', truncatedDecimal: 868254676, hotp: '254676' },
  { counter: 6, hmacHex: 'bc9cd28561042c83f219324d3c607256c03272ae', truncatedHex: '7256c032', truncatedDecimal: 1918287922, hotp: '287922' },
  { counter: 7, hmacHex: 'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa', truncatedHex: '4e5b397', truncatedDecimal: 82162583, hotp: '162583' },
  { counter: 8, hmacHex: '1b3c89f65e6c9e883012052823443f048b4332db', truncatedHex: '2823443f', truncatedDecimal: 673399871, hotp: '399871' },
  { counter: 9, hmacHex: '1637409809a679dc698207310c8c7fc07290d9e5', truncatedHex: '2679dc69', truncatedDecimal: 645520489, hotp: '520489' },
];

/** RFC 6238 Appendix B seeds (ASCII), one per hash. */
export const RFC6238_SEEDS_ASCII: Readonly<Record<HashAlgorithm, string>> = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
};

export const RFC6238_DIGITS = 8;
export const RFC6238_PERIOD = 30;

export interface TotpVector {
  /** Unix seconds. */
  readonly time: number;
  /** The time step T, as printed in the table (hex, 16 digits). */
  readonly stepHex: string;
  readonly algorithm: HashAlgorithm;
  readonly totp: string;
}

export const RFC6238_TOTP: readonly TotpVector[] = [
  { time: 59, stepHex: '0000000000000001', algorithm: 'SHA1', totp: '94287082' },
  { time: 59, stepHex: '0000000000000001', algorithm: 'SHA256', totp: '46119246' },
  { time: 59, stepHex: '0000000000000001', algorithm: 'SHA512', totp: '90693936' },
  { time: 1111111109, stepHex: '00000000023523EC', algorithm: 'SHA1', totp: '07081804' },
  { time: 1111111109, stepHex: '00000000023523EC', algorithm: 'SHA256', totp: '68084774' },
  { time: 1111111109, stepHex: '00000000023523EC', algorithm: 'SHA512', totp: '25091201' },
  { time: 1111111111, stepHex: '00000000023523ED', algorithm: 'SHA1', totp: '14050471' },
  { time: 1111111111, stepHex: '00000000023523ED', algorithm: 'SHA256', totp: '67062674' },
  { time: 1111111111, stepHex: '00000000023523ED', algorithm: 'SHA512', totp: '99943326' },
  { time: 1234567890, stepHex: '000000000273EF07', algorithm: 'SHA1', totp: '89005924' },
  { time: 1234567890, stepHex: '000000000273EF07', algorithm: 'SHA256', totp: '91819424' },
  { time: 1234567890, stepHex: '000000000273EF07', algorithm: 'SHA512', totp: '93441116' },
  { time: 2000000000, stepHex: '0000000003F940AA', algorithm: 'SHA1', totp: '69279037' },
  { time: 2000000000, stepHex: '0000000003F940AA', algorithm: 'SHA256', totp: '90698825' },
  { time: 2000000000, stepHex: '0000000003F940AA', algorithm: 'SHA512', totp: '38618901' },
  { time: 20000000000, stepHex: '0000000027BC86AA', algorithm: 'SHA1', totp: '65353130' },
  { time: 20000000000, stepHex: '0000000027BC86AA', algorithm: 'SHA256', totp: '77737706' },
  { time: 20000000000, stepHex: '0000000027BC86AA', algorithm: 'SHA512', totp: '47863826' },
];

/** RFC 4648 section 10, BASE32 (with the RFC's padding). */
export const RFC4648_BASE32: readonly { readonly text: string; readonly base32: string }[] = [
  { text: '', base32: '' },
  { text: 'f', base32: 'MY======' },
  { text: 'fo', base32: 'MZXQ====' },
  { text: 'foo', base32: 'MZXW6===' },
  { text: 'foob', base32: 'MZXW6YQ=' },
  { text: 'fooba', base32: 'MZXW6YTB' },
  { text: 'foobar', base32: 'MZXW6YTBOI======' },
];

/** ASCII text as bytes (the RFC seeds are ASCII strings). */
export function asciiBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
