import { SecretError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOOKUP: Record<string, number> = Object.fromEntries([...ALPHABET].map((c, i) => [c, i]));

export const SECRET_LIMITS = {
  /** RFC 4226 section 4 requires at least 128 bits and recommends 160; real services (and Google
   * Authenticator) still issue 80-bit secrets (16 base32 characters), so 80 bits is our floor. */
  MIN_BITS: 80,
  /** RFC 4226 recommends 160 bits, AWS issues 320 (64 characters); 1024 bits is far beyond any real
   * secret, and anything longer is almost surely pasted text, not a key. */
  MAX_BITS: 1024,
} as const;

/** The longest canonical text that fits MAX_BITS (205 characters carry 1025 bits, i.e. 128 whole bytes). */
const MAX_CHARACTERS = Math.ceil(SECRET_LIMITS.MAX_BITS / 5);
/** Raw pasted text beyond this is refused before any per-character work (a document, not a key). */
const MAX_INPUT_LENGTH = 4096;

/**
 * Normalise a secret the way people paste it: upper-case, spaces, dashes and padding removed.
 * Returns the canonical unpadded base32 text, or throws a SecretError that says what is wrong.
 */
export function normalizeBase32Secret(input: string): string {
  if (input.length > MAX_INPUT_LENGTH) {
    throw new SecretError('SECRET_TOO_LONG', `The secret key is too long (${input.length} characters; at most ${MAX_CHARACTERS} are accepted). Check that you pasted only the key.`);
  }
  // Keep, for each kept character, its 1-based position in what the person typed (counted in
  // characters, not UTF-16 units), so an error points where they can see it, spaces included.
  let cleaned = '';
  const positions: number[] = [];
  let position = 0;
  for (const char of input) {
    position++;
    if (char === '-' || /\s/.test(char)) continue;
    // Only a–z are folded: toUpperCase on other letters can change the length ("ß" -> "SS").
    cleaned += char >= 'a' && char <= 'z' ? char.toUpperCase() : char;
    positions.push(position);
  }
  cleaned = cleaned.replace(/=+$/, '');
  if (cleaned.length === 0) {
    throw new SecretError('SECRET_EMPTY', 'The secret key is empty. Paste or type the key the service showed you.');
  }
  if (cleaned.length > MAX_CHARACTERS) {
    throw new SecretError('SECRET_TOO_LONG', `The secret key is too long (${cleaned.length} characters; at most ${MAX_CHARACTERS} are accepted). Check that you pasted only the key.`);
  }
  const badIndex = [...cleaned].findIndex((c) => !(c in LOOKUP));
  if (badIndex >= 0) {
    const bad = [...cleaned][badIndex] ?? '';
    const badPosition = positions[badIndex] ?? badIndex + 1;
    // An invisible or control character is named by its code point, not echoed.
    const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(bad) ? `"${bad}"` : `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const hint = bad === '0' || bad === '1' || bad === '8' || bad === '9'
      ? ` Base32 keys never contain the digits 0, 1, 8 or 9 — check for the letters O, I/L or B instead.`
      : ' A secret key uses only the letters A–Z and the digits 2–7.';
    throw new SecretError('SECRET_INVALID_CHARACTER', `The secret key contains ${shown} at position ${badPosition}, which is not allowed.${hint}`, {
      details: { position: badPosition },
    });
  }
  const bits = Math.floor((cleaned.length * 5) / 8) * 8;
  // A base32 length whose remainder (mod 8) is 1, 3 or 6 cannot come from whole bytes: a character was lost.
  if ([1, 3, 6].includes(cleaned.length % 8)) {
    throw new SecretError('SECRET_INVALID_LENGTH', `The secret key has ${cleaned.length} characters, which cannot be a whole key — a character is probably missing or extra.`);
  }
  if (bits < SECRET_LIMITS.MIN_BITS) {
    throw new SecretError('SECRET_TOO_SHORT', `The secret key is too short (${bits} bits; at least ${SECRET_LIMITS.MIN_BITS} bits, i.e. 16 characters, are needed). Check that you copied all of it.`);
  }
  return cleaned;
}

/** Decode canonical or paste-style base32 into bytes (validates as normalizeBase32Secret does). */
export function decodeBase32Secret(input: string): Uint8Array {
  return base32ToBytes(normalizeBase32Secret(input));
}

/** Raw RFC 4648 base32 decode of already-normalised text (no length policy). */
export function base32ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = LOOKUP[char];
    if (value === undefined) throw new SecretError('SECRET_INVALID_CHARACTER', `"${char}" is not a base32 character.`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/** RFC 4648 base32 without padding (the otpauth:// convention). */
export function bytesToBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Overwrite a byte buffer holding key material once it is no longer needed. */
export function wipe(bytes: Uint8Array | undefined): void {
  bytes?.fill(0);
}
