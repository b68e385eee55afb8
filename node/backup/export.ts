/**
 * Exports of a vault: our encrypted backup, a plain otpauth:// list, Google Authenticator
 * migration QR codes, and a single account's QR code (the app shows it behind the lock).
 * Every function returns data; writing files is the caller's (node/backup/files.ts).
 */
import { randomInt } from 'node:crypto';
import { toPortable, type PortableAccount } from '../../core/backup/account.js';
import { formatOtpauthList, googleMigrationUris } from '../../core/backup/export.js';
import { BackupError } from '../../core/errors.js';
import { formatOtpauthUri } from '../../core/otpauth/uri.js';
import type { VaultApi } from '../../core/vault/api.js';
import { checkNewPassphrase, encryptBackup, type EncryptOptions } from './crypto.js';

/** Every account with its seed, in display order. `ids` limits the export to some accounts. */
export async function collectAccounts(vault: VaultApi, ids?: readonly string[]): Promise<PortableAccount[]> {
  const accounts = [...(await vault.list())].sort((a, b) => a.order - b.order);
  const wanted = ids ? new Set(ids) : null;
  const out: PortableAccount[] = [];
  for (const account of accounts) {
    if (wanted && !wanted.has(account.id)) continue;
    out.push(toPortable(account, await vault.revealSecret(account.id)));
  }
  return out;
}

export async function exportEncrypted(vault: VaultApi, passphrase: string, options: EncryptOptions = {}): Promise<{ text: string; count: number }> {
  if (options.key === undefined) checkNewPassphrase(passphrase);
  const accounts = await collectAccounts(vault);
  return { text: await encryptBackup(accounts, passphrase, options), count: accounts.length };
}

export async function exportOtpauthList(vault: VaultApi, ids?: readonly string[]): Promise<{ text: string; count: number }> {
  const accounts = await collectAccounts(vault, ids);
  if (accounts.length === 0) throw new BackupError('EXPORT_EMPTY', 'There are no accounts to export.');
  return { text: formatOtpauthList(accounts), count: accounts.length };
}

/** QR code options: error correction M survives a screen photo; margin 4 is the standard quiet zone. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4, scale: 6 } as const;

async function qrPng(text: string): Promise<Buffer> {
  const QRCode = (await import('qrcode')).default;
  return QRCode.toBuffer(text, { ...QR_OPTIONS, type: 'png' });
}

export interface GoogleQrExport {
  /** otpauth-migration:// URIs, one per QR (secret material: never log). */
  readonly uris: readonly string[];
  readonly pngs: readonly Buffer[];
  readonly count: number;
}

export async function exportGoogleQr(vault: VaultApi, ids?: readonly string[]): Promise<GoogleQrExport> {
  const accounts = await collectAccounts(vault, ids);
  // batch_id: a random int32 tells the batches of one export apart (a name hash would repeat).
  const uris = googleMigrationUris(accounts, randomInt(1, 2 ** 31 - 1));
  const pngs: Buffer[] = [];
  for (const uri of uris) pngs.push(await qrPng(uri));
  return { uris, pngs, count: accounts.length };
}

/** One account as an otpauth:// QR code (PNG bytes and a data: URL for an <img>). Callers enforce the app lock. */
export async function accountQr(vault: VaultApi, id: string): Promise<{ png: Buffer; dataUrl: string }> {
  const account = await vault.get(id);
  const uri = formatOtpauthUri(toPortable(account, await vault.revealSecret(id)));
  const png = await qrPng(uri);
  return { png, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
