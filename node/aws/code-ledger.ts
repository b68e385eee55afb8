/**
 * The used-code ledger (core/aws/code-reuse.ts): per account, the last 30-second step whose code
 * Authdesk sent to AWS or handed to another program. Shared by the app and every CLI process
 * through the data directory:
 *
 *   <dataDir>/code-ledger/<accountId>.json   {"format":"authdesk-code-ledger","version":1,"lastStep":N,"usedAt":ISO}
 *   <dataDir>/code-ledger/<accountId>.lock   exclusive lock (O_CREAT|O_EXCL), {"pid","host","token"}
 *
 * No secret is in either file: a step number is a time, not a code. One lock per account, so a
 * request that waits ~30 s for a fresh step holds up only requests for the same account (which
 * would have to wait anyway), never the vault or other accounts. The record is written (temp
 * file, fsync, rename, fsync of the folder) before `claim` returns, i.e. before the code leaves.
 * A lock whose holder died (same host, pid gone) or that is older than STALE_MS is broken.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VaultError } from '../../core/errors.js';
import type { CodeLedgerPort } from '../../core/aws/code-reuse.js';

export const LEDGER_DIR = 'code-ledger';

export const LEDGER_LIMITS = {
  /** A holder waits at most ~95 s for a step (CODE_REUSE_TIMING.MAX_WAIT_MS): older locks are stale. */
  STALE_MS: 150_000,
  /** How long a request queues behind other requests for the same account. */
  WAIT_MS: 200_000,
} as const;

interface LockInfo { readonly pid: number; readonly host: string; readonly token: string }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const errno = (e: unknown) => (typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined);

function ledgerError(error: unknown, dir: string, action: string): VaultError {
  return new VaultError('CODE_LEDGER_IO', `Authdesk could not ${action} in ${dir} (${errno(error) ?? 'unknown error'}), so it cannot make sure a code is never used twice. Check the data folder's permissions and free space, then try again.`, { cause: error, details: { path: dir } });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === 'EPERM';
  }
}

/** Account ids are URL-safe random text (core/vault); anything else cannot name a ledger file. */
function fileStem(accountId: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(accountId)) throw new VaultError('CODE_LEDGER_ID', `"${accountId.slice(0, 40)}" is not an account id.`);
  return accountId;
}

export class FileCodeLedger implements CodeLedgerPort {
  readonly dir: string;
  private readonly waitMs: number;
  private readonly staleMs: number;
  /** In-process queue per account: callers in this process (the app) wait here, not on the file. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(dataDir: string, options: { waitMs?: number; staleMs?: number } = {}) {
    this.dir = join(dataDir, LEDGER_DIR);
    this.waitMs = options.waitMs ?? LEDGER_LIMITS.WAIT_MS;
    this.staleMs = options.staleMs ?? LEDGER_LIMITS.STALE_MS;
  }

  /** The last step used for an account (undefined: none recorded). Reads without the lock. */
  async lastUsed(accountId: string): Promise<number | undefined> {
    return this.read(join(this.dir, `${fileStem(accountId)}.json`));
  }

  claim<T>(accountId: string, use: (lastUsedStep: number | undefined) => Promise<{ readonly value: T; readonly usedThrough?: number }>): Promise<T> {
    const stem = fileStem(accountId);
    const previous = this.queues.get(stem) ?? Promise.resolve();
    const run = previous.then(() => this.locked(stem, use));
    const settled = run.catch(() => undefined);
    this.queues.set(stem, settled);
    void settled.then(() => { if (this.queues.get(stem) === settled) this.queues.delete(stem); });
    return run;
  }

  private async locked<T>(stem: string, use: (lastUsedStep: number | undefined) => Promise<{ readonly value: T; readonly usedThrough?: number }>): Promise<T> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw ledgerError(error, this.dir, 'create its code ledger folder');
    }
    const lockFile = join(this.dir, `${stem}.lock`);
    const file = join(this.dir, `${stem}.json`);
    const info = await this.acquire(lockFile);
    try {
      const last = await this.read(file);
      const { value, usedThrough } = await use(last);
      if (usedThrough !== undefined && (last === undefined || usedThrough > last)) await this.write(file, usedThrough);
      return value;
    } finally {
      await this.release(lockFile, info);
    }
  }

  private async read(file: string): Promise<number | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errno(error) === 'ENOENT') return undefined;
      throw ledgerError(error, this.dir, 'read the code ledger');
    }
    try {
      const parsed = JSON.parse(text) as { lastStep?: unknown };
      return typeof parsed.lastStep === 'number' && Number.isSafeInteger(parsed.lastStep) ? parsed.lastStep : undefined;
    } catch {
      // A torn write cannot happen (rename), so this is a foreign file: treat as no record, and the
      // next write replaces it. The worst case is one code AWS refuses, never a secret exposed.
      return undefined;
    }
  }

  private async write(file: string, lastStep: number): Promise<void> {
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        await handle.writeFile(JSON.stringify({ format: 'authdesk-code-ledger', version: 1, lastStep, usedAt: new Date().toISOString() }), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
      if (process.platform !== 'win32') {
        const dir = await open(this.dir, constants.O_RDONLY);
        try { await dir.sync(); } finally { await dir.close(); }
      }
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw ledgerError(error, this.dir, 'record a used code');
    }
  }

  private async acquire(lockFile: string): Promise<LockInfo> {
    const info: LockInfo = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
    const deadline = Date.now() + this.waitMs;
    let delay = 20;
    for (;;) {
      try {
        const handle = await open(lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try { await handle.writeFile(JSON.stringify(info), 'utf8'); } finally { await handle.close(); }
        return info;
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw ledgerError(error, this.dir, 'lock the code ledger');
      }
      const holder = await this.readLock(lockFile);
      if (holder && this.isStale(holder)) {
        await this.breakLock(lockFile, holder.info);
        continue;
      }
      if (Date.now() > deadline) {
        throw new VaultError('CODE_LEDGER_LOCKED', `Another Authdesk process${holder?.info ? ` (pid ${holder.info.pid})` : ''} has been using this account's codes for over ${Math.round(this.waitMs / 1000)} s. Try again; if no Authdesk is running, delete ${lockFile}.`, { details: { lockFile } });
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 250);
    }
  }

  private async readLock(lockFile: string): Promise<{ info: LockInfo | null; mtimeMs: number } | null> {
    try {
      const [text, st] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
      let info: LockInfo | null = null;
      try {
        const p = JSON.parse(text) as Partial<LockInfo>;
        if (typeof p.pid === 'number' && typeof p.host === 'string' && typeof p.token === 'string') info = { pid: p.pid, host: p.host, token: p.token };
      } catch {
        // written by a holder that died between create and write: judged by age
      }
      return { info, mtimeMs: st.mtimeMs };
    } catch (error) {
      if (errno(error) === 'ENOENT') return null;
      throw ledgerError(error, this.dir, 'read the code ledger lock');
    }
  }

  private isStale(lock: { info: LockInfo | null; mtimeMs: number }): boolean {
    const age = Date.now() - lock.mtimeMs;
    if (age > this.staleMs) return true;
    if (lock.info && lock.info.host === hostname() && lock.info.pid !== process.pid) return !pidAlive(lock.info.pid);
    return lock.info === null && age > 2_000;
  }

  /** Move the stale lock aside and remove it only if it is still the one judged stale. */
  private async breakLock(lockFile: string, judged: LockInfo | null): Promise<void> {
    const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await rename(lockFile, aside);
    } catch (error) {
      if (errno(error) === 'ENOENT') return;
      throw ledgerError(error, this.dir, 'break a stale code ledger lock');
    }
    const moved = await this.readLock(aside);
    if (moved?.info?.token !== judged?.token) {
      // Not the one we judged: put it back unless someone took the lock meanwhile.
      try {
        const handle = await open(lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try { await handle.writeFile(JSON.stringify(moved?.info ?? {}), 'utf8'); } finally { await handle.close(); }
      } catch { /* taken meanwhile: that holder's lock stands */ }
    }
    await unlink(aside).catch(() => undefined);
  }

  private async release(lockFile: string, info: LockInfo): Promise<void> {
    const current = await this.readLock(lockFile).catch(() => null);
    if (current?.info?.token === info.token) await unlink(lockFile).catch(() => undefined);
  }
}
