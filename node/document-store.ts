/**
 * The vault document on disk: `<dataDir>/vault.json`, replaced atomically (node/atomic-write.ts),
 * mode 0600, in a data directory created 0700; plus the cross-process lock `<dataDir>/vault.lock`
 * (node/file-lock.ts) shared by the app and the CLI. See docs/storage.md for the argument.
 */
import { readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempOf, writeFileAtomic } from './atomic-write.js';
import { ensurePrivateDir, tightenExistingDir } from './data-dir.js';
import { errnoOf as errno, FileLock } from './file-lock.js';
import { VaultError } from '../core/errors.js';
import { parseVaultDocument, serializeVaultDocument } from '../core/vault/document.js';
import type { VaultDocument } from '../core/vault/model.js';
import type { DocumentStore } from '../core/vault/ports.js';

export const VAULT_FILE = 'vault.json';
export const LOCK_FILE = 'vault.lock';

export interface FileDocumentStoreOptions {
  /** How long withLock waits for another process before failing. A 1,000-account import holds the
   * lock ~40 s on Linux (keychain writes), so a CLI call during it fails with a clear message. */
  readonly lockWaitMs?: number;
  /** A lock whose file was not touched for this long is stale (its holder hung or died). */
  readonly staleMs?: number;
  /** The holder touches its lock file this often, so a long legitimate hold never looks stale. */
  readonly heartbeatMs?: number;
}

function fsError(error: unknown, dir: string, action: string): VaultError {
  const code = errno(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new VaultError('VAULT_DISK_FULL', `The disk holding ${dir} is full, so Authdesk could not ${action}. Free some space and try again; nothing was changed.`, { cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR') {
    return new VaultError('VAULT_NOT_WRITABLE', `Authdesk cannot ${action} in its data folder ${dir} (${code}). Check the folder's permissions, or set AUTHDESK_DATA_DIR to a folder you own.`, { cause: error, details: { path: dir } });
  }
  return new VaultError('VAULT_IO', `Authdesk could not ${action} in ${dir} (${code ?? 'unknown error'}). Nothing was changed; try again.`, { cause: error, details: { path: dir } });
}

export class FileDocumentStore implements DocumentStore {
  readonly dir: string;
  readonly file: string;
  readonly lockFile: string;
  /** Reentrant: a withLock inside a withLock of this store (in one call chain) runs directly. */
  private readonly lock: FileLock;

  constructor(dataDir: string, options: FileDocumentStoreOptions = {}) {
    this.dir = dataDir;
    this.file = join(dataDir, VAULT_FILE);
    this.lockFile = join(dataDir, LOCK_FILE);
    const lockWaitMs = options.lockWaitMs ?? 20_000;
    this.lock = new FileLock({
      file: this.lockFile,
      prepare: () => this.ensureDir(),
      waitMs: lockWaitMs,
      staleMs: options.staleMs ?? 30_000,
      heartbeatMs: options.heartbeatMs ?? 5_000,
      reentrant: true,
      // Safe only under the lock: no save of another process is running.
      whenAcquired: () => this.removeStaleTemps(),
      whenStillLocked: (holder) =>
        new VaultError(
          'VAULT_LOCKED',
          `Another Authdesk process${holder ? ` (pid ${holder.pid})` : ''} is changing the vault and did not finish within ${Math.round(lockWaitMs / 1000)} s. Try again when it is done (an import of many accounts can take a minute). If no Authdesk is running, delete ${this.lockFile}.`,
          { details: { lockFile: this.lockFile, ...(holder ? { pid: holder.pid } : {}) } },
        ),
      ioError: (error, step) => fsError(error, this.dir, { create: 'create the vault lock', read: 'read the vault lock', break: 'break a stale vault lock' }[step]),
    });
  }

  async load(): Promise<VaultDocument | null> {
    // Read-only commands (`authdesk code`) tighten a loose folder too; a failure here is left to save().
    await tightenExistingDir(this.dir).catch(() => undefined);
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (errno(error) === 'ENOENT') return null;
      throw fsError(error, this.dir, 'read the vault file');
    }
    return parseVaultDocument(text, this.file);
  }

  private async ensureDir(): Promise<void> {
    try {
      await ensurePrivateDir(this.dir); // also tightens an existing 0755/0777 folder to 0700
    } catch (error) {
      throw fsError(error, this.dir, 'create its data folder');
    }
  }

  /** Atomic, durable replace, mode 0600 (node/atomic-write.ts). */
  async save(document: VaultDocument): Promise<void> {
    await this.ensureDir();
    try {
      await writeFileAtomic(this.file, serializeVaultDocument(document), { mode: 0o600 });
    } catch (error) {
      throw fsError(error, this.dir, 'save the vault file');
    }
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  /** Temp files of saves interrupted by a crash (they hold metadata only). */
  private async removeStaleTemps(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => isTempOf(n, VAULT_FILE)).map((n) => unlink(join(this.dir, n)).catch(() => undefined)));
  }
}
