// node/file-lock.ts with real files and real processes: contention between two processes, a
// SIGKILLed holder, a hung one, the heartbeat, breaking a stale lock without breaking a fresh one that
// replaced it, releasing only our own lock, and the wait budget's two outcomes. Then the three users
// of the lock through their own APIs (the vault's own tests are test/unit/vault-document-store.test.ts).
// No test depends on speed: budgets that must not run out are minutes long, waits poll for a
// condition, and "broken at once" is proven with a wait budget of zero.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { FileCodeLedger } from '../../node/aws/code-ledger.js';
import { breakStaleLock, FileLock, isStaleLock, readLockFile, type LockHolder } from '../../node/file-lock.js';
import { createActivityStore } from '../../node/release/activity-store.js';
import { tempDir } from '../helpers/cli.js';
import { buildTestScript } from '../helpers/vault-build.js';

let script: { file: string; cleanup(): void };
beforeAll(async () => {
  script = await buildTestScript('test/helpers/file-lock-child.ts');
});
afterAll(() => script.cleanup());

const dirs: Array<{ path: string; cleanup(): void }> = [];
const children: ChildProcess[] = [];
function freshDir(): string {
  return dirs[dirs.push(tempDir('authdesk-file-lock-')) - 1]!.path;
}
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) dir.cleanup();
});

const LONG = 600_000; // a budget or an age that must never run out during a test
const stillLocked = (holder: LockHolder | undefined) => Object.assign(new Error(`still locked by ${holder?.pid ?? 'nobody known'}`), { holder });

/** A child running test/helpers/file-lock-child.ts, with its JSON lines. */
function child(args: string[]): { process: ChildProcess; next(): Promise<Record<string, unknown>>; exited: Promise<unknown> } {
  const proc = spawn(process.execPath, [script.file, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(proc);
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return {
    process: proc,
    async next() {
      const line = await lines.next();
      if (line.done) throw new Error('the child exited without saying more');
      return JSON.parse(line.value) as Record<string, unknown>;
    },
    exited,
  };
}

/** A fresh folder whose `x.lock` a child process holds (touching it every `heartbeatMs` when > 0). */
async function heldByChild(heartbeatMs = 0): Promise<{ dir: string; lockFile: string; holder: ReturnType<typeof child>; release(): Promise<void> }> {
  const dir = freshDir();
  const lockFile = path.join(dir, 'x.lock');
  const holder = child([lockFile, 'hold', String(LONG), String(heartbeatMs)]);
  expect(await holder.next()).toEqual({ held: true });
  return {
    dir, lockFile, holder,
    async release() {
      holder.process.stdin!.end();
      expect(await holder.next()).toEqual({ released: true });
    },
  };
}

/** A live process that does nothing (a holder that is alive but never releases). */
function liveProcess(): ChildProcess {
  const proc = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
  children.push(proc);
  return proc;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => proc.once('exit', resolve));
  return proc.pid!;
}

const lockText = (holder: LockHolder) => JSON.stringify(holder);

describe('FileLock between processes', () => {
  it('two processes contending never hold it at once: no update of a shared counter is lost', async () => {
    const dir = freshDir();
    const lockFile = path.join(dir, 'x.lock');
    const counter = path.join(dir, 'counter');
    const log = path.join(dir, 'log');
    writeFileSync(counter, '0');
    writeFileSync(log, '');
    const n = 25;
    const a = child([lockFile, 'count', counter, String(n), log]);
    const b = child([lockFile, 'count', counter, String(n), log]);
    expect(await a.next()).toEqual({ done: true });
    expect(await b.next()).toEqual({ done: true });
    expect(Number(readFileSync(counter, 'utf8'))).toBe(2 * n);
    // Every entry is followed by the same process's exit: the holds never overlapped.
    const events = readFileSync(log, 'utf8').trim().split('\n');
    expect(events).toHaveLength(4 * n);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]?.replace('+', '-'));
    expect(new Set(events.map((e) => e.slice(1))).size).toBe(2);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a live holder excludes us: when the budget is spent, the caller\'s error names its pid and its lock stays', async () => {
    const { lockFile, holder, release } = await heldByChild();
    const before = readFileSync(lockFile, 'utf8');
    const lock = new FileLock({ file: lockFile, waitMs: 300, staleMs: LONG, whenStillLocked: stillLocked });
    let ran = false;
    const error = await lock.run(async () => { ran = true; }).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect((error as Error).message).toBe(`still locked by ${holder.process.pid}`);
    expect(readFileSync(lockFile, 'utf8')).toBe(before);
    // The holder still owns it: it releases it normally.
    await release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('"proceed-unlocked" runs the work after the budget and leaves the live holder\'s lock alone', async () => {
    const { lockFile, release } = await heldByChild();
    const before = readFileSync(lockFile, 'utf8');
    const lock = new FileLock({ file: lockFile, waitMs: 300, staleMs: LONG, whenStillLocked: 'proceed-unlocked' });
    await expect(lock.run(async () => 'done anyway')).resolves.toBe('done anyway');
    expect(readFileSync(lockFile, 'utf8')).toBe(before);
    await release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a SIGKILLed holder\'s lock is broken at once (a wait budget of zero), however young the file', async () => {
    const { dir, lockFile, holder } = await heldByChild();
    holder.process.kill('SIGKILL');
    await holder.exited;
    expect((await readLockFile(lockFile))?.holder?.pid).toBe(holder.process.pid);
    const lock = new FileLock({ file: lockFile, waitMs: 0, staleMs: LONG, whenStillLocked: stillLocked });
    await expect(lock.run(async () => 'ours')).resolves.toBe('ours');
    expect(existsSync(lockFile)).toBe(false);
    expect(readdirSync(dir)).toEqual([]); // nothing set aside is left behind
  });

  it('a hung holder (alive, no heartbeat) is stale once its file is older than staleMs', async () => {
    const { lockFile, release } = await heldByChild();
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(lockFile, old, old);
    const lock = new FileLock({ file: lockFile, waitMs: 0, staleMs: 60_000, whenStillLocked: stillLocked });
    let inside: LockHolder | null | undefined;
    await lock.run(async () => { inside = (await readLockFile(lockFile))?.holder; });
    expect(inside?.pid).toBe(process.pid);
    // The hung holder, when it wakes up, does not remove a lock that is no longer its own.
    const taken = new FileLock({ file: lockFile, waitMs: LONG, staleMs: LONG, whenStillLocked: stillLocked });
    await taken.run(async () => {
      await release();
      expect((await readLockFile(lockFile))?.holder?.pid).toBe(process.pid);
    });
  });

  it('a holder\'s heartbeat keeps its lock fresh, so a long hold is not judged hung', async () => {
    const { lockFile, holder, release } = await heldByChild(100);
    const old = Date.now() - 3_600_000;
    utimesSync(lockFile, new Date(old), new Date(old));
    // The heartbeat touches it again (polled: no assumption about how soon).
    await expect.poll(() => statSync(lockFile).mtimeMs).toBeGreaterThan(old + 3_000_000);
    const lock = new FileLock({ file: lockFile, waitMs: 0, staleMs: 60_000, whenStillLocked: stillLocked });
    await expect(lock.run(async () => 'ours')).rejects.toThrow(`still locked by ${holder.process.pid}`);
    await release();
  });
});

describe('breaking a stale lock', () => {
  it('a lock judged stale but replaced meanwhile by a fresh one is left in place, unchanged', async () => {
    const dir = freshDir();
    const lockFile = path.join(dir, 'x.lock');
    writeFileSync(lockFile, lockText({ pid: await deadPid(), host: hostname(), token: 'dead' }));
    const judged = await readLockFile(lockFile);
    expect(judged && isStaleLock(judged, LONG)).toBe(true);
    // Meanwhile another waiter broke it and a live process took the lock.
    const fresh = lockText({ pid: liveProcess().pid!, host: hostname(), token: 'fresh' });
    writeFileSync(lockFile, fresh);
    const freshMtime = statSync(lockFile).mtimeMs;
    await breakStaleLock(lockFile, judged!.holder);
    expect(readFileSync(lockFile, 'utf8')).toBe(fresh);
    expect(statSync(lockFile).mtimeMs).toBe(freshMtime); // restored as it was, age included
    expect(readdirSync(dir)).toEqual(['x.lock']);
    // The one judged, still in place, is removed.
    writeFileSync(lockFile, lockText({ pid: await deadPid(), host: hostname(), token: 'dead2' }));
    const again = await readLockFile(lockFile);
    await breakStaleLock(lockFile, again!.holder);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unreadable lock (its writer died before writing) is judged by age, and a readable one replacing it stays', async () => {
    const dir = freshDir();
    const lockFile = path.join(dir, 'x.lock');
    writeFileSync(lockFile, '');
    const young = await readLockFile(lockFile);
    expect(young?.holder).toBeNull();
    expect(isStaleLock(young!, LONG, young!.mtimeMs + 1_000)).toBe(false); // its writer may still be writing
    expect(isStaleLock(young!, LONG, young!.mtimeMs + 3_000)).toBe(true);
    const fresh = lockText({ pid: process.pid, host: hostname(), token: 'fresh' });
    writeFileSync(lockFile, fresh);
    await breakStaleLock(lockFile, null);
    expect(readFileSync(lockFile, 'utf8')).toBe(fresh);
  });

  it('a lock of another host is judged by age only (its pid means nothing here)', () => {
    const now = Date.now();
    const elsewhere = { holder: { pid: 999_999_999, host: `not-${hostname()}`, token: 't' }, mtimeMs: now - 1_000 };
    expect(isStaleLock(elsewhere, 60_000, now)).toBe(false);
    expect(isStaleLock({ ...elsewhere, mtimeMs: now - 61_000 }, 60_000, now)).toBe(true);
  });
});

describe('FileLock in one process', () => {
  it('releases only its own lock: a lock that replaced it (after it was judged stale) stays', async () => {
    const dir = freshDir();
    const lockFile = path.join(dir, 'x.lock');
    const other = lockText({ pid: process.pid, host: hostname(), token: 'someone-else' });
    const lock = new FileLock({ file: lockFile, waitMs: LONG, staleMs: LONG, whenStillLocked: stillLocked });
    await lock.run(async () => {
      writeFileSync(lockFile, other);
    });
    expect(readFileSync(lockFile, 'utf8')).toBe(other);
  });

  it('runs a nested run() directly only when reentrant', async () => {
    const dir = freshDir();
    const reentrant = new FileLock({ file: path.join(dir, 'a.lock'), waitMs: LONG, staleMs: LONG, reentrant: true, whenStillLocked: stillLocked });
    await expect(reentrant.run(() => reentrant.run(async () => 42))).resolves.toBe(42);
    // Not reentrant: the nested call waits its turn (after the outer one), as the code ledger needs.
    const plain = new FileLock({ file: path.join(dir, 'b.lock'), waitMs: LONG, staleMs: LONG, whenStillLocked: stillLocked });
    const order: string[] = [];
    let nested: Promise<void> | undefined;
    await plain.run(async () => {
      nested = plain.run(async () => { order.push('nested'); });
      order.push('outer');
    });
    await nested;
    expect(order).toEqual(['outer', 'nested']);
  });

  it('runIfFreeSync runs only when the lock is free this instant, and releases it', async () => {
    const dir = freshDir();
    const lockFile = path.join(dir, 'x.lock');
    const lock = new FileLock({ file: lockFile, waitMs: LONG, staleMs: LONG, whenStillLocked: stillLocked });
    let seen: string | undefined;
    expect(lock.runIfFreeSync(() => { seen = readFileSync(lockFile, 'utf8'); })).toBe(true);
    expect(JSON.parse(seen!)).toMatchObject({ pid: process.pid, host: hostname() }); // held while fn ran
    expect(existsSync(lockFile)).toBe(false);
    // A run() of this process queued or running: not jumped.
    let ran = false;
    const running = lock.run(async () => {
      expect(lock.runIfFreeSync(() => { ran = true; })).toBe(false);
    });
    expect(lock.runIfFreeSync(() => { ran = true; })).toBe(false);
    await running;
    expect(ran).toBe(false);
    expect(lock.runIfFreeSync(() => { ran = true; })).toBe(true);
    // fn throws: the error comes out and the lock is released.
    expect(() => lock.runIfFreeSync(() => { throw new Error('boom'); })).toThrow('boom');
    expect(existsSync(lockFile)).toBe(false);
  });

  it('runIfFreeSync does nothing while another process holds the lock (the caller then waits with run())', async () => {
    const { lockFile, release } = await heldByChild();
    const lock = new FileLock({ file: lockFile, waitMs: LONG, staleMs: LONG, whenStillLocked: stillLocked });
    let ran = false;
    expect(lock.runIfFreeSync(() => { ran = true; })).toBe(false);
    expect(ran).toBe(false);
    expect(existsSync(lockFile)).toBe(true);
    await release();
  });

  it('turns a filesystem failure into the caller\'s error for that step', async () => {
    const dir = freshDir();
    const lock = new FileLock({
      file: path.join(dir, 'missing-folder', 'x.lock'),
      waitMs: LONG, staleMs: LONG, whenStillLocked: stillLocked,
      ioError: (error, step) => new Error(`${step}: ${(error as NodeJS.ErrnoException).code}`),
    });
    await expect(lock.run(async () => 'no')).rejects.toThrow('create: ENOENT');
  });
});

describe('the users of the lock keep their own rules', () => {
  it('code ledger: a live holder gives CODE_LEDGER_LOCKED naming its pid; a SIGKILLed one is broken at once', async () => {
    const data = freshDir();
    const ledger = new FileCodeLedger(data, { waitMs: 0 });
    await ledger.claim('acct1', async () => ({ value: 1, usedThrough: 100 })); // creates the folder
    const lockFile = path.join(data, 'code-ledger', 'acct1.lock');
    const holder = child([lockFile, 'hold', String(LONG), '0']);
    expect(await holder.next()).toEqual({ held: true });
    const error = await ledger.claim('acct1', async () => ({ value: 2 })).catch((e: unknown) => e);
    expect(isAuthdeskError(error, 'CODE_LEDGER_LOCKED')).toBe(true);
    expect((error as Error).message).toBe(`Another Authdesk process (pid ${holder.process.pid}) has been using this account's codes for over 0 s. Try again; if no Authdesk is running, delete ${lockFile}.`);
    // Other accounts are not held up by it.
    await expect(ledger.claim('acct2', async () => ({ value: 'other' }))).resolves.toBe('other');
    holder.process.kill('SIGKILL');
    await holder.exited;
    await expect(ledger.claim('acct1', async (last) => ({ value: last, usedThrough: 101 }))).resolves.toBe(100);
    expect(await ledger.lastUsed('acct1')).toBe(101);
    expect(readdirSync(path.join(data, 'code-ledger'))).toEqual(['acct1.json']); // no lock, nothing set aside
  });

  it('activity log: a dead writer\'s lock is broken and the append takes the lock (it used to wait 5 s and write unlocked)', async () => {
    const data = freshDir();
    const store = createActivityStore(data);
    const lockFile = path.join(data, 'activity.lock');
    writeFileSync(lockFile, lockText({ pid: await deadPid(), host: hostname(), token: 'dead' }));
    await store.append({
      at: new Date().toISOString(), decision: 'allowed', reason: 'once', what: 'code',
      account: { id: 'a', name: 'n' }, program: { exe: '/bin/x', pid: 1, commandLine: 'x', parentCommandLine: 'y', verified: true },
    });
    // Taken and released: before, an unlocked write left the dead writer's lock (touched) in place.
    expect(existsSync(lockFile)).toBe(false);
    expect((await store.read()).map((e) => e.program.pid)).toEqual([1]);
  });

  it('activity log, blocking (the cached aws credentials path): appends under the lock when free, waits like the others when held', async () => {
    const data = freshDir();
    const lockFile = path.join(data, 'activity.lock');
    const holder = child([lockFile, 'hold', String(LONG), '0']);
    expect(await holder.next()).toEqual({ held: true });
    const release = async () => {
      holder.process.stdin!.end();
      expect(await holder.next()).toEqual({ released: true });
    };
    const store = createActivityStore(data, { blocking: true });
    const entry = (pid: number) => ({
      at: new Date().toISOString(), decision: 'allowed' as const, reason: 'policy-always' as const, what: 'session' as const,
      account: { id: 'a', name: 'n' }, program: { exe: '/bin/x', pid, commandLine: 'x', verified: false },
    });
    // Held by another process: the append waits for it (run()), it does not write around the lock.
    const waiting = store.append(entry(1));
    const early = await Promise.race([waiting.then(() => 'appended'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    expect(early).toBe('waiting');
    expect(existsSync(path.join(data, 'activity.log'))).toBe(false);
    await release();
    await waiting;
    // Free: written at once, lock released.
    await store.append(entry(2));
    expect((await store.read()).map((e) => e.program.pid)).toEqual([1, 2]);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('activity log: a hung live writer does not block a release: the entry is written after the budget, its lock left alone', async () => {
    const data = freshDir();
    const store = createActivityStore(data);
    const lockFile = path.join(data, 'activity.lock');
    const hung = lockText({ pid: liveProcess().pid!, host: hostname(), token: 'hung' });
    writeFileSync(lockFile, hung);
    await store.append({
      at: new Date().toISOString(), decision: 'denied', reason: 'denied', what: 'code',
      account: { id: 'a', name: 'n' }, program: { exe: '/bin/x', pid: 7, commandLine: 'x', parentCommandLine: 'y', verified: true },
    });
    expect((await store.read()).map((e) => e.program.pid)).toEqual([7]);
    expect(readFileSync(lockFile, 'utf8')).toBe(hung);
  });
});
