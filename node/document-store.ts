/**
 * The vault document on disk: `<dataDir>/vault.json`, replaced atomically, mode 0600, in a data
 * directory created 0700; plus the cross-process lock `<dataDir>/vault.lock` shared by the app and
 * the CLI. See docs/storage.md for the argument.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, open, readFile, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, tightenExistingDir } from './data-dir.js';
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

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function errno(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else (still alive).
    return errno(error) === 'EPERM';
  }
}

export class FileDocumentStore implements DocumentStore {
  readonly dir: string;
  readonly file: string;
  readonly lockFile: string;
  private readonly lockWaitMs: number;
  private readonly staleMs: number;
  private readonly heartbeatMs: number;
  /** In-process queue: callers in this process wait here rather than polling the lock file. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Reentrancy: a withLock inside a withLock of this store runs directly instead of deadlocking. */
  private readonly holding = new AsyncLocalStorage<boolean>();

  constructor(dataDir: string, options: FileDocumentStoreOptions = {}) {
    this.dir = dataDir;
    this.file = join(dataDir, VAULT_FILE);
    this.lockFile = join(dataDir, LOCK_FILE);
    this.lockWaitMs = options.lockWaitMs ?? 20_000;
    this.staleMs = options.staleMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
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

  /** Atomic replace: temp file in the same folder, write, fsync, rename over, fsync the folder. */
  async save(document: VaultDocument): Promise<void> {
    await this.ensureDir();
    const temp = join(this.dir, `.${VAULT_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        await handle.writeFile(serializeVaultDocument(document), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      // A umask cannot widen 0600, but a filesystem that ignores modes at create might: enforce it.
      if (process.platform !== 'win32') await chmod(temp, 0o600);
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw fsError(error, this.dir, 'save the vault file');
    }
    await this.syncDir();
  }

  /** Make the rename itself durable (POSIX: the directory entry lives in the directory). */
  private async syncDir(): Promise<void> {
    if (process.platform === 'win32') return; // directories cannot be opened for fsync there; NTFS journals renames
    const handle = await open(this.dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holding.getStore()) return fn();
    const run = this.queue.then(() => this.holding.run(true, () => this.locked(fn)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensureDir();
    const info = await this.acquire();
    const heartbeat = setInterval(() => {
      const now = new Date();
      utimes(this.lockFile, now, now).catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    try {
      await this.removeStaleTemps();
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await this.release(info);
    }
  }

  private async readLock(path: string): Promise<{ info: LockInfo | null; mtimeMs: number } | null> {
    try {
      const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      let info: LockInfo | null = null;
      try {
        const parsed = JSON.parse(text) as Partial<LockInfo>;
        if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
          info = { pid: parsed.pid, host: parsed.host, token: parsed.token };
        }
      } catch {
        // Written by a holder that died between create and write: judged by age alone.
      }
      return { info, mtimeMs: st.mtimeMs };
    } catch (error) {
      if (errno(error) === 'ENOENT') return null;
      throw fsError(error, this.dir, 'read the vault lock');
    }
  }

  private isStale(lock: { info: LockInfo | null; mtimeMs: number }): boolean {
    const age = Date.now() - lock.mtimeMs;
    if (age > this.staleMs) return true; // no heartbeat: hung, dead, or its pid was reused
    // A lock of a dead process on this host is stale at once (SIGKILL, crash, power-off of a CLI).
    if (lock.info && lock.info.host === hostname() && lock.info.pid !== process.pid) return !pidAlive(lock.info.pid);
    // Unparseable content: give its writer a moment to finish writing it.
    return lock.info === null && age > 2_000;
  }

  private async acquire(): Promise<LockInfo> {
    const info: LockInfo = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
    const deadline = Date.now() + this.lockWaitMs;
    let delay = 10;
    for (;;) {
      try {
        const handle = await open(this.lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          await handle.writeFile(JSON.stringify({ ...info, acquiredAt: new Date().toISOString() }), 'utf8');
        } finally {
          await handle.close();
        }
        return info;
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw fsError(error, this.dir, 'create the vault lock');
      }
      const current = await this.readLock(this.lockFile);
      if (current === null) continue; // released meanwhile
      const holder = current.info;
      if (this.isStale(current)) {
        await this.breakLock(current.info);
        continue;
      }
      if (Date.now() > deadline) {
        throw new VaultError(
          'VAULT_LOCKED',
          `Another Authdesk process${holder ? ` (pid ${holder.pid})` : ''} is changing the vault and did not finish within ${Math.round(this.lockWaitMs / 1000)} s. Try again when it is done (an import of many accounts can take a minute). If no Authdesk is running, delete ${this.lockFile}.`,
          { details: { lockFile: this.lockFile, ...(holder ? { pid: holder.pid } : {}) } },
        );
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 200);
    }
  }

  /**
   * Break a stale lock without breaking a fresh one taken meanwhile by a third process: move it
   * aside, check it is still the one judged stale, and put it back if not.
   */
  private async breakLock(judged: LockInfo | null): Promise<void> {
    const aside = `${this.lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await rename(this.lockFile, aside);
    } catch (error) {
      if (errno(error) === 'ENOENT') return; // someone else broke or released it
      throw fsError(error, this.dir, 'break a stale vault lock');
    }
    const moved = await this.readLock(aside);
    const same = moved?.info?.token === judged?.token;
    if (!same) await link(aside, this.lockFile).catch(() => undefined); // not ours to break: restore it
    await unlink(aside).catch(() => undefined);
  }

  private async release(info: LockInfo): Promise<void> {
    const current = await this.readLock(this.lockFile).catch(() => null);
    // Only remove our own lock: if it was judged stale and taken over, the file is someone else's.
    if (current?.info?.token === info.token) await unlink(this.lockFile).catch(() => undefined);
  }

  /** Temp files of saves interrupted by a crash (they hold metadata only). Safe: we hold the lock. */
  private async removeStaleTemps(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith(`.${VAULT_FILE}.`) && n.endsWith('.tmp'))
        .map((n) => unlink(join(this.dir, n)).catch(() => undefined)),
    );
  }
}
