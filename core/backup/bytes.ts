import { BackupError } from '../errors.js';

/**
 * Strict base64 / hex codecs for backup files. The core has no Buffer, and lenient decoders (which
 * skip junk characters) would let a damaged file decode to the wrong bytes and fail later with a
 * confusing message; here a bad field is named at once.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function base64ToBytes(text: string, field: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw new BackupError('BACKUP_BAD_ENCODING', `The backup file is damaged: its "${field}" field is not valid base64.`, { details: { field } });
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) overflows the call stack on megabyte inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function hexToBytes(text: string, field: string): Uint8Array {
  if (typeof text !== 'string' || !HEX.test(text)) {
    throw new BackupError('BACKUP_BAD_ENCODING', `The file is damaged: its "${field}" field is not valid hexadecimal.`, { details: { field } });
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function utf8Encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Fatal UTF-8 decoding: a file that is not UTF-8 is refused instead of decoded into U+FFFD soup. */
export function utf8Decode(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new BackupError('BACKUP_NOT_TEXT', `${what} is not UTF-8 text.`, { cause });
  }
}
