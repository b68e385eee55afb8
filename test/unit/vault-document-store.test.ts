// The file store and its cross-process lock on the real filesystem (no keychain involved).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, utimesSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { newVaultDocument } from '../../core/vault/document.js';
import { FileDocumentStore } from '../../node/document-store.js';

const dirs: string[] = [];
function freshDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'authdesk-docstore-'));
  dirs.push(base);
  return join(base, 'data', 'nested');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FileDocumentStore', () => {
  it('creates the data dir 0700 and the file 0600, atomically, leaving no temp files', async () => {
    const dir = freshDir();
    const store = new FileDocumentStore(dir);
    expect(await store.load()).toBeNull();
    const doc = newVaultDocument('vault0000001');
    await store.withLock(() => store.save(doc));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual(doc);
    expect(readdirSync(dir).sort()).toEqual(['vault.json']);
  });

  it('replaces a file that had looser permissions with a 0600 one', async () => {
    const dir = freshDir();
    const store = new FileDocumentStore(dir);
    await store.save(newVaultDocument('vault0000001'));
    spawnSync('chmod', ['644', store.file]);
    await store.save(newVaultDocument('vault0000002'));
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it('cleans temp files left by an interrupted save when it next takes the lock', async () => {
    const dir = freshDir();
    const store = new FileDocumentStore(dir);
    await store.save(newVaultDocument('vault0000001'));
    writeFileSync(join(dir, '.vault.json.999.abc.tmp'), '{"partial');
    await store.withLock(async () => undefined);
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('serialises lock holders in one process and across two store instances', async () => {
    const dir = freshDir();
    const a = new FileDocumentStore(dir);
    const b = new FileDocumentStore(dir);
    const log: string[] = [];
    const hold = (store: FileDocumentStore, name: string) =>
      store.withLock(async () => {
        log.push(`${name}+`);
        await sleep(40);
        log.push(`${name}-`);
      });
    await Promise.all([hold(a, 'a1'), hold(b, 'b1'), hold(a, 'a2'), hold(b, 'b2')]);
    for (let i = 0; i < log.length; i += 2) expect(log[i]?.replace('+', '')).toBe(log[i + 1]?.replace('-', ''));
    expect(existsSync(a.lockFile)).toBe(false);
  });

  it('is reentrant within one holder instead of deadlocking', async () => {
    const store = new FileDocumentStore(freshDir());
    await expect(store.withLock(() => store.withLock(async () => 42))).resolves.toBe(42);
  });

  it('excludes a lock held by another live process, and fails with VAULT_LOCKED after the wait', async () => {
    const dir = freshDir();
    const store = new FileDocumentStore(dir, { lockWaitMs: 300 });
    await store.save(newVaultDocument('vault0000001'));
    // A real other process holding the lock (its pid is alive, its file fresh).
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(store.lockFile, JSON.stringify({ pid: child.pid, host: (await import('node:os')).hostname(), token: 'other' }));
      const error = await store.withLock(async () => 'got it').catch((e: unknown) => e);
      expect(isAuthdeskError(error, 'VAULT_LOCKED')).toBe(true);
      expect((error as Error).message).toContain(`pid ${child.pid}`);
      expect(JSON.parse(readFileSync(store.lockFile, 'utf8')).token).toBe('other');
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    // Now its holder is dead: the lock is stale and broken at once.
    await expect(store.withLock(async () => 'got it')).resolves.toBe('got it');
    expect(existsSync(store.lockFile)).toBe(false);
  });

  it('breaks a lock whose heartbeat stopped (hung holder or reused pid)', async () => {
    const dir = freshDir();
    const store = new FileDocumentStore(dir, { lockWaitMs: 2000, staleMs: 1000 });
    await store.save(newVaultDocument('vault0000001'));
    writeFileSync(store.lockFile, JSON.stringify({ pid: process.ppid, host: 'another-host', token: 'hung' }));
    const old = new Date(Date.now() - 5000);
    utimesSync(store.lockFile, old, old);
    await expect(store.withLock(async () => 'ok')).resolves.toBe('ok');
  });

  it('keeps a long legitimate hold alive with its heartbeat', async () => {
    const dir = freshDir();
    const holder = new FileDocumentStore(dir, { staleMs: 300, heartbeatMs: 50 });
    const waiter = new FileDocumentStore(dir, { staleMs: 300, lockWaitMs: 5000 });
    await holder.save(newVaultDocument('vault0000001'));
    const log: string[] = [];
    // Same pid for both, so only the heartbeat keeps the waiter from judging the lock stale.
    const long = holder.withLock(async () => {
      log.push('holder+');
      await sleep(900);
      log.push('holder-');
    });
    await sleep(20);
    const second = waiter.withLock(async () => {
      log.push('waiter');
    });
    await Promise.all([long, second]);
    expect(log).toEqual(['holder+', 'holder-', 'waiter']);
  });

  it('reports a data dir it cannot create with VAULT_NOT_WRITABLE', async () => {
    // A path under a regular file (ENOTDIR) fails for every user, root included (root ignores modes).
    const base = mkdtempSync(join(tmpdir(), 'authdesk-docstore-'));
    dirs.push(base);
    writeFileSync(join(base, 'file'), '');
    const store = new FileDocumentStore(join(base, 'file', 'data'));
    const error = await store.save(newVaultDocument('vault0000001')).catch((e: unknown) => e);
    expect(isAuthdeskError(error, 'VAULT_NOT_WRITABLE')).toBe(true);
    expect((error as Error).message).toContain('AUTHDESK_DATA_DIR');
  });
});
