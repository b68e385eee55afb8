import { BackupError } from '../errors.js';
import { encodeMigrationUris } from '../otpauth/migration.js';
import { formatOtpauthUri } from '../otpauth/uri.js';
import type { PortableAccount } from './account.js';

/** Printed (CLI) and shown (app) before and after a plain export. */
export const PLAIN_EXPORT_WARNING =
  'WARNING: this file holds your secret keys in plain text. Anyone who reads it can generate your codes. ' +
  'Import it where you need it, then delete it securely; never store it in cloud folders, e-mail or chat.';

/** A plain list of otpauth:// links, one per line (Ente, Aegis, 2FAS... import it). */
export function formatOtpauthList(accounts: readonly PortableAccount[]): string {
  return accounts.map((a) => `${formatOtpauthUri(a)}\n`).join('');
}

/**
 * Google Authenticator migration batches (encoded by core/otpauth/migration.ts). A phone must scan
 * each QR code off a screen, so each code must stay small:
 * - at most 10 accounts per code (what Google Authenticator's own exports hold), and
 * - at most 700 bytes of protobuf per code: with error correction M that is QR version 25 or
 *   lower (117 modules), measured with the qrcode package on 10 AWS-style accounts (40-byte seeds,
 *   long names): 700 B -> v25, 1,000 B -> v31. Phones read v25 from a laptop screen at arm's
 *   length; v30+ needs a steady hand. AWS seeds are 40 bytes (most services 10-20), so for
 *   AWS-heavy vaults the byte budget binds first (~7 accounts per code).
 */
export const GOOGLE_QR_LIMITS = {
  MAX_ACCOUNTS: 10,
  MAX_PROTOBUF_BYTES: 700,
} as const;

/** otpauth-migration:// URIs, one per QR code. Throws (naming the account) when an account cannot travel in Google's format. */
export function googleMigrationUris(accounts: readonly PortableAccount[], batchId?: number): string[] {
  if (accounts.length === 0) throw new BackupError('EXPORT_EMPTY', 'There are no accounts to export.');
  return encodeMigrationUris(accounts, {
    maxAccountsPerBatch: GOOGLE_QR_LIMITS.MAX_ACCOUNTS,
    maxBytesPerBatch: GOOGLE_QR_LIMITS.MAX_PROTOBUF_BYTES,
    ...(batchId === undefined ? {} : { batchId }),
  });
}
