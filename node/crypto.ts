import { createHmac, randomBytes } from 'node:crypto';
import type { HashAlgorithm, HmacFn } from '../core/otp/types.js';
import type { Random } from '../core/vault/ports.js';

const NODE_NAMES: Record<HashAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** node:crypto HMAC for the core's injected HmacFn (synchronous, OpenSSL underneath). */
export const nodeHmac: HmacFn = (algorithm, key, message) =>
  createHmac(NODE_NAMES[algorithm], key).update(message).digest();

/**
 * 16 base64url characters, never starting with '-': ids are typed as command-line
 * arguments (`authdesk remove <id>`, `authdesk aws finish <id>`), where a leading '-'
 * reads as an option. One draw in 64 starts with '-'; drawing again keeps the ids uniform.
 */
export function newId(): string {
  for (;;) {
    const id = randomBytes(12).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const nodeRandom: Random = { id: newId };
