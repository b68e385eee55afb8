/**
 * Exports of a vault: our encrypted backup, a plain otpauth:// list, Google Authenticator
 * migration QR codes, and a single account's QR code (the app shows it behind the lock).
 * Every function returns data; writing files is the caller's (node/backup/files.ts).
 */
import { randomInt } from 'node:crypto';
import { toPortable, type PortableAccount } from '../../core/backup/account.js';
import { formatOtpauthList, googleMigrationUris } from '../../core/backup/export.js';
import { BackupError, KeychainError } from '../../core/errors.js';
import { formatOtpauthUri } from '../../core/otpauth/uri.js';
import type { VaultApi } from '../../core/vault/api.js';
import { keychainAccountName, type Account } from '../../core/vault/model.js';
import type { SecretStore } from '../../core/vault/ports.js';
import { decodeSeedRecord } from '../../core/vault/seed-record.js';
import { checkNewPassphrase, encryptBackup, type EncryptOptions } from './crypto.js';

/**
 * How seeds are read for exports and duplicate checks. `VaultApi.revealSecret` re-reads vault.json
 * on every call (correct for one account; quadratic for a whole vault: 10,000 accounts took 327 s).
 * Preferred, in order: the vault's own bulk read if it has one (`revealSecrets`, requested from the
 * vault engineer); else one `list()` of the SecretStore the vault was opened with (one keychain
 * call, as DESIGN.md section 7 advises for bulk reads); else one revealSecret per account.
 */
export interface SeedSource {
  /** The SecretStore the vault was opened with (the CLI and app pass the keychain store). */
  readonly secrets?: SecretStore;
}

type BulkVault = VaultApi & { revealSecrets?: (ids: readonly string[]) => Promise<ReadonlyMap<string, string>> };

/**
 * One bulk read of the keychain, as an optimisation only: a keychain that keeps changing under the
 * read (another program adding and removing items) or answers slowly is not a reason to fail an
 * export; the per-account reads below then fetch each seed.
 */
async function bulkList(secrets: NonNullable<SeedSource['secrets']>): Promise<Array<{ accountName: string; secret: string }>> {
  try {
    return await secrets.list();
  } catch (error) {
    if (error instanceof KeychainError && (error.code === 'KEYCHAIN_CHANGED' || error.code === 'KEYCHAIN_TIMEOUT')) return [];
    throw error;
  }
}

export async function readSeeds(vault: VaultApi, accounts: readonly Account[], source: SeedSource = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (accounts.length === 0) return out;
  const bulk = (vault as BulkVault).revealSecrets;
  if (typeof bulk === 'function') {
    const found = await bulk.call(vault, accounts.map((a) => a.id));
    for (const a of accounts) {
      const secret = found.get(a.id);
      if (secret !== undefined) out.set(a.id, secret);
    }
  } else if (source.secrets && accounts.length > 8) {
    const byName = new Map((await bulkList(source.secrets)).map((i) => [i.accountName, i.secret]));
    for (const a of accounts) {
      const secret = byName.get(keychainAccountName(vault.vaultId, a.id));
      // Read as the vault reads it: a seed record or a legacy bare base32 secret (a damaged item
      // is left for revealSecret below, which reports it).
      const record = secret === undefined ? null : decodeSeedRecord(secret);
      if (record) out.set(a.id, record.secret);
    }
  }
  for (const a of accounts) if (!out.has(a.id)) out.set(a.id, await vault.revealSecret(a.id));
  return out;
}

/** Every account with its seed, in display order. `ids` limits the export to some accounts. */
export async function collectAccounts(vault: VaultApi, ids?: readonly string[], source: SeedSource = {}): Promise<PortableAccount[]> {
  const wanted = ids ? new Set(ids) : null;
  const accounts = [...(await vault.list())].sort((a, b) => a.order - b.order).filter((a) => !wanted || wanted.has(a.id));
  const seeds = await readSeeds(vault, accounts, source);
  return accounts.map((a) => toPortable(a, seeds.get(a.id) ?? ''));
}

export async function exportEncrypted(vault: VaultApi, passphrase: string, options: EncryptOptions & SeedSource = {}): Promise<{ text: string; count: number }> {
  if (options.key === undefined) checkNewPassphrase(passphrase);
  const accounts = await collectAccounts(vault, undefined, options);
  return { text: await encryptBackup(accounts, passphrase, options), count: accounts.length };
}

export async function exportOtpauthList(vault: VaultApi, ids?: readonly string[], source: SeedSource = {}): Promise<{ text: string; count: number }> {
  const accounts = await collectAccounts(vault, ids, source);
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

export async function exportGoogleQr(vault: VaultApi, ids?: readonly string[], source: SeedSource = {}): Promise<GoogleQrExport> {
  const accounts = await collectAccounts(vault, ids, source);
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
