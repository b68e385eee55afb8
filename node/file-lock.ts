/**
 * A lock between processes (the app and any number of CLI processes) through one file: the vault's
 * `vault.lock`, each account's `code-ledger/<id>.lock`, the activity log's `activity.lock`. Each
 * rule below is there because something breaks without it:
 *
 * - **Taken by creating the file with O_CREAT|O_EXCL.** The one file operation that is atomic on
 *   every local filesystem: two processes can never both create it. (flock/lockf would be simpler,
 *   but they are advisory per OS and Node has no portable binding for them.)
 * - **The file holds {pid, host, token}.** The pid and host let a waiter see that the holder is a
 *   dead process on this computer; the token (random per acquisition) is how a holder recognises
 *   *its* lock, since pids are shared by every lock of one process and are reused.
 * - **Stale when its holder is a dead pid on this host, or when the file is older than `staleMs`.**
 *   Without the pid rule, a SIGKILLed or crashed CLI would block everyone until the age rule fires
 *   (30 s for the vault, 150 s for a code ledger). Without the age rule, a hung holder, a lock from
 *   another host (a synced folder) or a pid reused by an unrelated process would block forever. A
 *   lock of our own pid is judged by age only: it may belong to another lock object of this process.
 *   An unreadable (empty, half-written) file is stale after 2 s: its writer died between create and
 *   write, or is still writing, which takes far less.
 * - **Broken by renaming it aside, then checking it is still the one judged stale.** Between a
 *   waiter's judgement and its removal, another waiter may have broken the stale lock and taken a
 *   fresh one; a plain unlink would delete that fresh lock and let two processes in. The renamed
 *   file is compared by token and put back (a hard link, which keeps its content and age, and fails
 *   if a third process took the lock meanwhile) when it is not the one judged.
 * - **Released only when the file still holds our token.** If our lock was judged stale (we hung past
 *   `staleMs`) and taken over, removing it would free someone else's lock.
 * - **Touched every `heartbeatMs` while held, when set.** A holder that legitimately holds longer than
 *   `staleMs` (a 1,000-account import holds the vault ~40 s) would otherwise be judged hung.
 * - **In-process queue.** Callers in one process wait in memory, in order, instead of polling the file
 *   (which, with one pid, they could only judge by age).
 * - **Reentrancy, when asked for.** A run() inside a run() of the same lock object in the same async
 *   call chain runs directly; without it, it would wait for itself (the vault's withLock nests).
 * - **When the wait budget is spent**: the caller's own error (its code and sentence), or, when the
 *   caller chose it, running without the lock (see `whenStillLocked`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
// fs.promises, not node:fs/promises: it loads on first use, which the cached `aws credentials` path
// (runIfFreeSync) never reaches — ~2 ms of its start-up. atomic-write, activity-store and data-dir too.
import { promises as fsp, closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { uniqueSuffix } from './unique-name.js';

/** Who holds a lock: written into the lock file by its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** A lock file as read: its holder (null when the content is not a holder) and its age. */
export interface LockFileState {
  readonly holder: LockHolder | null;
  readonly mtimeMs: number;
}

/** Which step of handling the lock file failed (callers word their own message for each). */
export type LockStep = 'create' | 'read' | 'break';

export interface FileLockOptions {
  /** The lock file. */
  readonly file: string;
  /** Run in this caller's turn, before the lock is taken: creates the lock's folder (each caller its own way). */
  readonly prepare?: () => Promise<void>;
  /** Run once the lock is ours, before `fn` (not for a nested reentrant run, nor when proceeding unlocked). */
  readonly whenAcquired?: () => Promise<void>;
  /** How long run() waits for another holder before `whenStillLocked` applies. */
  readonly waitMs: number;
  /** A lock file not touched for this long is stale (its holder hung, died elsewhere, or its pid was reused). */
  readonly staleMs: number;
  /** Touch the lock file this often while held; needed when a hold can last longer than `staleMs`. */
  readonly heartbeatMs?: number;
  /** A nested run() in the same async call chain runs directly (see the module comment). */
  readonly reentrant?: boolean;
  /**
   * When `waitMs` has passed and the lock is still held by a live holder: a function giving the
   * error to throw (`holder` when its file named one), or 'proceed-unlocked' to run anyway, without
   * the lock, leaving the holder's file alone. Choose the latter only where a lost update is less
   * harmful than not doing the work at all.
   */
  readonly whenStillLocked: ((holder: LockHolder | undefined) => Error) | 'proceed-unlocked';
  /** The caller's error for a filesystem failure at one step (default: the error itself). */
  readonly ioError?: (error: unknown, step: LockStep) => Error;
}

/** The unparseable-content grace (see the module comment). */
const UNREADABLE_STALE_MS = 2_000;
/** Polling backoff of a waiter: short at first (locks are usually held for milliseconds), capped. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (still alive).
    return errnoOf(error) === 'EPERM';
  }
}

/** The lock file's holder and age; null when there is no lock file. Throws other read errors. */
export async function readLockFile(file: string): Promise<LockFileState | null> {
  try {
    const [text, info] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file)]);
    let holder: LockHolder | null = null;
    try {
      const parsed = JSON.parse(text) as Partial<LockHolder>;
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
        holder = { pid: parsed.pid, host: parsed.host, token: parsed.token };
      }
    } catch {
      // Empty or half-written: judged by age alone.
    }
    return { holder, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    throw error;
  }
}

/** The staleness rule of the module comment. */
export function isStaleLock(lock: LockFileState, staleMs: number, now: number = Date.now()): boolean {
  const age = now - lock.mtimeMs;
  if (age > staleMs) return true;
  const { holder } = lock;
  if (holder && holder.host === hostname() && holder.pid !== process.pid) return !pidAlive(holder.pid);
  return holder === null && age > UNREADABLE_STALE_MS;
}

/**
 * Remove the lock file if it is still the one judged stale (`judged`: the holder read then, null
 * for an unreadable file); a lock that replaced it meanwhile is left in place.
 */
export async function breakStaleLock(file: string, judged: LockHolder | null): Promise<void> {
  const aside = `${file}.stale-${uniqueSuffix()}`;
  try {
    await fsp.rename(file, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return; // someone else broke or released it
    throw error;
  }
  const moved = await readLockFile(aside).catch(() => null);
  if (moved?.holder?.token !== judged?.token) await fsp.link(aside, file).catch(() => undefined); // not the one judged: restore it
  await fsp.unlink(aside).catch(() => undefined);
}

export class FileLock {
  readonly file: string;
  private readonly options: FileLockOptions;
  private queue: Promise<unknown> = Promise.resolve();
  /** run() calls of this process waiting or running (runIfFreeSync must not jump their queue). */
  private queued = 0;
  private readonly holding = new AsyncLocalStorage<boolean>();

  constructor(options: FileLockOptions) {
    this.file = options.file;
    this.options = options;
  }

  /** Run `fn` holding the lock (after this process's earlier callers), then release it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.options.reentrant && this.holding.getStore()) return fn();
    this.queued++;
    const turn = this.queue.then(() => this.holding.run(true, () => this.locked(fn))).finally(() => this.queued--);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Run a synchronous `fn` holding the lock, only if the lock is free at this instant: true when it
   * ran, false (nothing done) when another process holds it, this process has run() calls queued on
   * it, or the options need async steps (prepare, whenAcquired) — then the caller uses run(), which
   * waits, breaks stale locks and applies whenStillLocked. For work of microseconds on a path that
   * cannot afford the thread pool's round trips: the activity-log line of the cached
   * `aws credentials` (run before every AWS CLI command) went from ~7 ms to ~2.
   */
  runIfFreeSync(fn: () => void): boolean {
    if (this.queued > 0 || this.options.prepare || this.options.whenAcquired) return false;
    const mine: LockHolder = { pid: process.pid, host: hostname(), token: uniqueSuffix() };
    let fd: number;
    try {
      fd = openSync(this.file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return false;
      throw this.fail(error, 'create');
    }
    try {
      writeSync(fd, JSON.stringify({ ...mine, acquiredAt: new Date().toISOString() }));
    } finally {
      closeSync(fd);
    }
    try {
      fn();
    } finally {
      // As release(): remove it only while it is still ours.
      try {
        if ((JSON.parse(readFileSync(this.file, 'utf8')) as Partial<LockHolder>).token === mine.token) unlinkSync(this.file);
      } catch {
        // gone or replaced: not ours to remove
      }
    }
    return true;
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await this.options.prepare?.();
    const mine = await this.acquire();
    if (!mine) return fn(); // 'proceed-unlocked': the holder's file is not ours to touch or remove
    const heartbeat = this.options.heartbeatMs === undefined ? undefined : setInterval(() => {
      const now = new Date();
      fsp.utimes(this.file, now, now).catch(() => undefined);
    }, this.options.heartbeatMs);
    heartbeat?.unref();
    try {
      await this.options.whenAcquired?.();
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await this.release(mine);
    }
  }

  private fail(error: unknown, step: LockStep): Error {
    return this.options.ioError ? this.options.ioError(error, step) : (error as Error);
  }

  /** Our holder once the lock is ours; undefined when the wait ran out and the caller proceeds unlocked. */
  private async acquire(): Promise<LockHolder | undefined> {
    const mine: LockHolder = { pid: process.pid, host: hostname(), token: uniqueSuffix() };
    const deadline = Date.now() + this.options.waitMs;
    let delay = FIRST_POLL_MS;
    for (;;) {
      try {
        const handle = await fsp.open(this.file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          await handle.writeFile(JSON.stringify({ ...mine, acquiredAt: new Date().toISOString() }), 'utf8');
        } finally {
          await handle.close();
        }
        return mine;
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw this.fail(error, 'create');
      }
      let current: LockFileState | null;
      try {
        current = await readLockFile(this.file);
      } catch (error) {
        throw this.fail(error, 'read');
      }
      if (current === null) continue; // released meanwhile
      if (isStaleLock(current, this.options.staleMs)) {
        try {
          await breakStaleLock(this.file, current.holder);
        } catch (error) {
          throw this.fail(error, 'break');
        }
        continue;
      }
      if (Date.now() > deadline) {
        const { whenStillLocked } = this.options;
        if (whenStillLocked === 'proceed-unlocked') return undefined;
        throw whenStillLocked(current.holder ?? undefined);
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  }

  private async release(mine: LockHolder): Promise<void> {
    const current = await readLockFile(this.file).catch(() => null);
    if (current?.holder?.token === mine.token) await fsp.unlink(this.file).catch(() => undefined);
  }
}
