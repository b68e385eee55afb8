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
 * would have to wait anyway), never the vault or other accounts. The record is written
 * (node/atomic-write.ts: temp file, fsync, rename, fsync of the folder) before `claim` returns,
 * i.e. before the code leaves. The lock is node/file-lock.ts: a lock whose holder died (same host,
 * pid gone) or that is older than STALE_MS is broken. It is not reentrant on purpose: a claim
 * inside a claim of the same account would read the same last step and could use it twice.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { errnoOf as errno, FileLock } from '../file-lock.js';
import { VaultError } from '../../core/errors.js';
import type { CodeLedgerPort } from '../../core/aws/code-reuse.js';

export const LEDGER_DIR = 'code-ledger';

export const LEDGER_LIMITS = {
  /** A holder waits at most ~95 s for a step (CODE_REUSE_TIMING.MAX_WAIT_MS): older locks are stale. */
  STALE_MS: 150_000,
  /** How long a request queues behind other requests for the same account. */
  WAIT_MS: 200_000,
} as const;

function ledgerError(error: unknown, dir: string, action: string): VaultError {
  return new VaultError('CODE_LEDGER_IO', `Authdesk could not ${action} in ${dir} (${errno(error) ?? 'unknown error'}), so it cannot make sure a code is never used twice. Check the data folder's permissions and free space, then try again.`, { cause: error, details: { path: dir } });
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
  /** One lock per account used in this process; each queues this process's callers (the app) in memory. */
  private readonly locks = new Map<string, FileLock>();

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
    const file = join(this.dir, `${stem}.json`);
    return this.lockOf(stem).run(async () => {
      const last = await this.read(file);
      const { value, usedThrough } = await use(last);
      if (usedThrough !== undefined && (last === undefined || usedThrough > last)) await this.write(file, usedThrough);
      return value;
    });
  }

  private lockOf(stem: string): FileLock {
    let lock = this.locks.get(stem);
    if (!lock) {
      const lockFile = join(this.dir, `${stem}.lock`);
      lock = new FileLock({
        file: lockFile,
        prepare: () => this.ensureDir(),
        waitMs: this.waitMs,
        staleMs: this.staleMs,
        whenStillLocked: (holder) =>
          new VaultError('CODE_LEDGER_LOCKED', `Another Authdesk process${holder ? ` (pid ${holder.pid})` : ''} has been using this account's codes for over ${Math.round(this.waitMs / 1000)} s. Try again; if no Authdesk is running, delete ${lockFile}.`, { details: { lockFile } }),
        ioError: (error, step) => ledgerError(error, this.dir, { create: 'lock the code ledger', read: 'read the code ledger lock', break: 'break a stale code ledger lock' }[step]),
      });
      this.locks.set(stem, lock);
    }
    return lock;
  }

  private async ensureDir(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw ledgerError(error, this.dir, 'create its code ledger folder');
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

  /** Durable before it returns (folder fsync required): the code leaves only once its step is on disk. */
  private async write(file: string, lastStep: number): Promise<void> {
    try {
      await writeFileAtomic(file, JSON.stringify({ format: 'authdesk-code-ledger', version: 1, lastStep, usedAt: new Date().toISOString() }));
    } catch (error) {
      throw ledgerError(error, this.dir, 'record a used code');
    }
  }
}
