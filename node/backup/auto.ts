/**
 * Automatic local backups: after each vault change, an encrypted backup in <dataDir>/backups/,
 * keeping the newest `settings.autoBackupKeep`, when the person has set a backup passphrase.
 *
 * The passphrase lives in the OS keychain (service `authdesk`, account `<vaultId>/backup-passphrase`),
 * next to the seeds it protects: the automatic backups guard against a lost or corrupted vault.json
 * and against the keychain items being lost (e.g. a new OS account or machine) — for the latter the
 * person must ALSO remember the passphrase (the app says so when it is set).
 *
 * Cost: scrypt (~0.7 s, 128 MiB) runs once per process and passphrase; later backups reuse the
 * derived key with the same salt and a fresh random nonce (safe for AES-GCM far below 2^32 files).
 *
 * Hooks (call after a successful mutation; never throws, returns what happened):
 *   CLI:  after add / remove / import / rename... `await maybeAutoBackup(vault)`
 *   app:  in the accounts handlers after each mutation (or on `accounts.changed`), debounced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { toUserFacing, BackupError, type UserFacingError } from '../../core/errors.js';
import type { PortableAccount } from '../../core/backup/account.js';
import { KEYCHAIN_SERVICE } from '../../core/vault/model.js';
import type { VaultApi } from '../../core/vault/api.js';
import type { SecretStore } from '../../core/vault/ports.js';
import { defaultDataDir, ensurePrivateDir } from '../data-dir.js';
import { checkNewPassphrase, encryptBackup, newBackupKey, type BackupKey } from './crypto.js';
import { collectAccounts } from './export.js';
import { syncDir, writeSecretFile } from './files.js';

export const BACKUP_PASSPHRASE_ITEM = 'backup-passphrase';
export const BACKUPS_FOLDER = 'backups';
const FILE_PATTERN = /^authdesk-backup-(\d{8}T\d{9}Z)-[0-9a-f]{6}\.json$/;

/** Keychain account name of a vault's backup passphrase. The vault's reconciliation must skip it. */
export function backupPassphraseName(vaultId: string): string {
  return `${vaultId}/${BACKUP_PASSPHRASE_ITEM}`;
}

export interface AutoBackupOptions {
  readonly dataDir?: string;
  /** Default: the OS keychain (node/keychain.ts), loaded lazily. */
  readonly secrets?: SecretStore;
  readonly now?: () => Date;
}

let defaultStore: SecretStore | undefined;
async function storeOf(options: AutoBackupOptions): Promise<SecretStore> {
  if (options.secrets) return options.secrets;
  if (!defaultStore) {
    const { KeyringSecretStore } = await import('../keychain.js');
    defaultStore = new KeyringSecretStore({ service: KEYCHAIN_SERVICE });
  }
  return defaultStore;
}

/**
 * The keychain item holds JSON, never the bare passphrase: the vault's reconciliation treats every
 * `<vaultId>/...` item whose value is valid base32 as a lost account's seed, and a passphrase such
 * as "abcdefghijklmnop" is valid base32 (it was "recovered" as an account in a probe). "{" is never
 * base32, so this item can only ever be skipped or reported as unusable.
 */
function encodeItem(passphrase: string): string {
  return JSON.stringify({ kind: 'authdesk-backup-passphrase', version: 1, passphrase });
}

function decodeItem(value: string | null): string | null {
  if (value === null || value === '') return null;
  try {
    const parsed = JSON.parse(value) as { kind?: unknown; passphrase?: unknown };
    if (parsed.kind === 'authdesk-backup-passphrase' && typeof parsed.passphrase === 'string') return parsed.passphrase;
  } catch {
    /* a bare passphrase (set by hand with secret-tool): accepted as is */
  }
  return value;
}

export async function setBackupPassphrase(vault: VaultApi, passphrase: string, options: AutoBackupOptions = {}): Promise<void> {
  checkNewPassphrase(passphrase);
  await (await storeOf(options)).set(backupPassphraseName(vault.vaultId), encodeItem(passphrase));
  keys.delete(vault.vaultId);
}

/** The backup passphrase, or null when none is set. */
export async function getBackupPassphrase(vault: VaultApi, options: AutoBackupOptions = {}): Promise<string | null> {
  return decodeItem(await (await storeOf(options)).get(backupPassphraseName(vault.vaultId)));
}

export async function clearBackupPassphrase(vault: VaultApi, options: AutoBackupOptions = {}): Promise<boolean> {
  keys.delete(vault.vaultId);
  return (await storeOf(options)).delete(backupPassphraseName(vault.vaultId));
}

export async function hasBackupPassphrase(vault: VaultApi, options: AutoBackupOptions = {}): Promise<boolean> {
  return (await getBackupPassphrase(vault, options)) !== null;
}

/** Per vault: the derived key for the current passphrase, and a digest of the last backed-up contents. */
const keys = new Map<string, { passphraseDigest: string; key: BackupKey }>();
const lastContent = new Map<string, string>();
const queues = new Map<string, Promise<unknown>>();

/** Drop cached key material (call on app lock, with vault.forgetSecrets()). */
export function forgetBackupKeys(): void {
  for (const entry of keys.values()) entry.key.key.fill(0);
  keys.clear();
  lastContent.clear();
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function backupsDir(dataDir: string): string {
  return join(dataDir, BACKUPS_FOLDER);
}

export interface AutoBackupFile {
  readonly path: string;
  readonly name: string;
  readonly createdAt: string;
  readonly bytes: number;
}

/** The automatic backups, newest first. */
export async function listAutoBackups(dataDir: string = defaultDataDir()): Promise<AutoBackupFile[]> {
  const dir = backupsDir(dataDir);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: AutoBackupFile[] = [];
  for (const name of names) {
    const m = FILE_PATTERN.exec(name);
    if (!m?.[1]) continue;
    const t = m[1];
    const createdAt = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}.${t.slice(15, 18)}Z`;
    const stat = await fs.stat(join(dir, name)).catch(() => null);
    if (stat) files.push({ path: join(dir, name), name, createdAt, bytes: stat.size });
  }
  return files.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

export type AutoBackupResult =
  | { readonly status: 'written'; readonly path: string; readonly accounts: number; readonly pruned: number }
  | { readonly status: 'off' | 'no-passphrase' | 'unchanged' }
  | { readonly status: 'failed'; readonly error: UserFacingError };

/**
 * Write a backup now if automatic backups are on (autoBackupKeep > 0) and a passphrase is set.
 * Calls for the same vault run one after another (a burst of changes makes a burst of small
 * writes, each with the latest contents; identical contents are not written twice).
 */
export function maybeAutoBackup(vault: VaultApi, options: AutoBackupOptions = {}): Promise<AutoBackupResult> {
  const previous = queues.get(vault.vaultId) ?? Promise.resolve();
  const run = previous.then(() => runAutoBackup(vault, options, false));
  queues.set(vault.vaultId, run.catch(() => undefined));
  return run;
}

/**
 * "Back up now" in Settings: same as maybeAutoBackup but written even if unchanged or keep = 0.
 * With keep = 0 (automatic backups off) nothing is pruned: "off" promises the existing files stay.
 */
export function backupNow(vault: VaultApi, options: AutoBackupOptions = {}): Promise<AutoBackupResult> {
  const previous = queues.get(vault.vaultId) ?? Promise.resolve();
  const run = previous.then(() => runAutoBackup(vault, options, true));
  queues.set(vault.vaultId, run.catch(() => undefined));
  return run;
}

async function runAutoBackup(vault: VaultApi, options: AutoBackupOptions, forced: boolean): Promise<AutoBackupResult> {
  try {
    const settings = await vault.settings();
    const keep = settings.autoBackupKeep;
    if (keep <= 0 && !forced) return { status: 'off' };
    const passphrase = await getBackupPassphrase(vault, options);
    if (passphrase === null) {
      if (forced) throw new BackupError('BACKUP_NO_PASSPHRASE', 'Set a backup passphrase first (Settings -> Backup).');
      return { status: 'no-passphrase' };
    }
    const accounts: PortableAccount[] = await collectAccounts(vault, undefined, { secrets: await storeOf(options) });
    const contentDigest = digest(JSON.stringify(accounts));
    if (!forced && lastContent.get(vault.vaultId) === contentDigest) return { status: 'unchanged' };
    const passphraseDigest = digest(passphrase);
    let cached = keys.get(vault.vaultId);
    if (!cached || cached.passphraseDigest !== passphraseDigest) {
      cached?.key.key.fill(0);
      cached = { passphraseDigest, key: await newBackupKey(passphrase) };
      keys.set(vault.vaultId, cached);
    }
    const now = (options.now ?? (() => new Date()))();
    const text = await encryptBackup(accounts, passphrase, { key: cached.key, now });
    const dataDir = options.dataDir ?? defaultDataDir();
    const dir = backupsDir(dataDir);
    await ensurePrivateDir(dir); // an existing looser backups folder is tightened to 0700
    const stamp = now.toISOString().replace(/[-:.]/g, '');
    const path = join(dir, `authdesk-backup-${stamp}-${randomBytes(3).toString('hex')}.json`);
    await writeSecretFile(path, text);
    await syncDir(dir);
    lastContent.set(vault.vaultId, contentDigest);
    let pruned = 0;
    for (const old of keep > 0 ? (await listAutoBackups(dataDir)).slice(keep) : []) {
      await fs.rm(old.path, { force: true });
      pruned++;
    }
    return { status: 'written', path, accounts: accounts.length, pruned };
  } catch (error) {
    return { status: 'failed', error: toUserFacing(error) };
  }
}
