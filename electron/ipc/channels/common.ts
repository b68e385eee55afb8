/** Schemas shared by several areas. Limits are generous for real use and small for abuse. */
import { URI_LIMITS } from '../../../core/otpauth/uri.js';
import { s } from '../schema.js';

/** Account ids are random URL-safe tokens (core/vault/ports.ts Random.id), recovered ones included. */
export const accountId = s.string({ min: 1, max: 128, pattern: /^[A-Za-z0-9_.:-]+$/, patternHint: 'an account id' });
export const accountName = s.string({ max: URI_LIMITS.MAX_NAME_LENGTH });
/** The longest base32 secret we accept is 1024 bits (~205 chars); pasted text may carry spaces/dashes. */
export const secretText = s.string({ max: 512 });
export const passphrase = s.string({ min: 1, max: 1024 });
/** The renderer never shows more rows than this at once; more would be a bug or abuse. */
export const MAX_IDS_PER_CALL = 2000;
/** reorder takes every id of the vault. */
export const MAX_ACCOUNTS = 10_000;
