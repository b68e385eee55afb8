/**
 * The app lock under a burst of concurrent guesses (issue 10 §2), through the real dispatcher and the
 * real handlers over a real vault (data folder on disk) and the real keychain (run under
 * scripts/with-keyring.sh). scrypt is node:crypto's own, only wrapped to COUNT the verifications
 * (the lock's hash has N = 2^15; nothing else in these tests uses that cost).
 * Time is the test's (manualTimers), so no assertion depends on how fast the machine is.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Crypto from 'node:crypto';

const counter = vi.hoisted(() => ({ lockScrypts: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  const scrypt = ((...args: Parameters<typeof actual.scrypt>) => {
    const options = args[3] as { N?: number } | undefined;
    if (typeof options === 'object' && options?.N === 2 ** 15) counter.lockScrypts++;
    return (actual.scrypt as (...a: unknown[]) => void)(...args);
  }) as typeof actual.scrypt;
  return { ...actual, default: { ...actual, scrypt }, scrypt };
});

import { openVault } from '../../node/open-vault.js';
import { FREE_ATTEMPTS, lockoutDelayMs } from '../../core/lock/lockout.js';
import { appOriginCheck } from '../../electron/main/handlers/dispatch.js';
import { createAppServices, type AppServices } from '../../electron/main/handlers/index.js';
import type { VaultApi } from '../../core/vault/api.js';
import { manualTimers, recordingClipboard, recordingEvents } from '../unit/ipc-fixtures.js';
import { tempDir } from '../helpers/cli.js';

const top = { url: 'app://authdesk/index.html', isMainFrame: true };
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RIGHT = 'correct horse battery';
const data = tempDir('authdesk-lock-burst-');
const timers = manualTimers(1_800_000_000_000);
const opened: VaultApi[] = [];

/** A fresh "app start": a new vault object and new services over the same data folder and keychain. */
async function start(): Promise<{ app: AppServices; vault: VaultApi; call: (channel: string, payload?: unknown) => Promise<{ ok: boolean; error?: { code: string; message: string }; value?: unknown }> }> {
  const vault = await openVault({ dataDir: data.path });
  opened.push(vault);
  const app = await createAppServices({ vault, clipboard: recordingClipboard(), events: recordingEvents(), appInfo: { version: '0.0.0-test', platform: 'linux' }, timers, dataDir: data.path });
  const dispatch = app.dispatch(appOriginCheck('app://authdesk/'));
  return { app, vault, call: (channel, payload) => dispatch(`authdesk:${channel}`, top, payload) as never };
}

let accountId = '';
beforeAll(async () => {
  const { app, call } = await start();
  const added = await call('accounts.add', { type: 'totp', issuer: 'Burst', label: 'me', secret: SECRET });
  expect(added.ok).toBe(true);
  accountId = (added.value as { id: string }).id;
  expect(await call('lock.setPassphrase', { next: RIGHT })).toMatchObject({ ok: true });
  app.dispose();
});

afterAll(async () => {
  for (const vault of opened.slice(0, 1)) for (const a of await vault.list()) await vault.remove(a.id);
  data.cleanup();
});

describe('app lock: concurrent guesses', () => {
  it('60 concurrent wrong unlocks then the right one: at most the free attempts + 1 are verified, the lockout holds, and holds after a restart', async () => {
    const { app, call } = await start();
    expect(app.lock.isLocked()).toBe(true);
    const before = counter.lockScrypts;
    const wrong = Array.from({ length: 60 }, (_, i) => call('lock.unlock', { passphrase: `guess ${i}` }));
    const right = call('lock.unlock', { passphrase: RIGHT });
    const results = await Promise.all([...wrong, right]);
    const verified = counter.lockScrypts - before;
    // Free attempts, then the one that starts the first wait: nothing more reaches scrypt.
    expect(verified).toBe(FREE_ATTEMPTS + 1);
    const codes = results.map((r) => r.error?.code);
    expect(codes.filter((c) => c === 'LOCK_WRONG_PASSPHRASE')).toHaveLength(FREE_ATTEMPTS + 1);
    expect(codes.filter((c) => c === 'LOCK_TOO_MANY_ATTEMPTS')).toHaveLength(61 - (FREE_ATTEMPTS + 1));
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    expect(app.lock.isLocked()).toBe(true);
    // Codes stay out of reach.
    expect(await call('codes.current', { id: accountId })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    app.dispose();

    // Restart: new services over the same folder. The count and the wait survived.
    const second = await start();
    expect(second.app.lock.isLocked()).toBe(true);
    const beforeRestart = counter.lockScrypts;
    expect(await second.call('lock.unlock', { passphrase: RIGHT })).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    expect(counter.lockScrypts).toBe(beforeRestart);

    // After the wait, one guess is verified; a wrong one starts the next, longer wait.
    timers.advance(lockoutDelayMs(FREE_ATTEMPTS + 1));
    expect(await second.call('lock.unlock', { passphrase: 'still wrong' })).toMatchObject({ ok: false, error: { code: 'LOCK_WRONG_PASSPHRASE' } });
    expect(counter.lockScrypts).toBe(beforeRestart + 1);
    timers.advance(lockoutDelayMs(FREE_ATTEMPTS + 1));
    expect(await second.call('lock.unlock', { passphrase: RIGHT })).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    timers.advance(lockoutDelayMs(FREE_ATTEMPTS + 2));
    expect(await second.call('lock.unlock', { passphrase: RIGHT })).toMatchObject({ ok: true, value: { locked: false } });
    // The right passphrase clears the record on disk.
    expect((await second.vault.settings()).lockFailures).toBeUndefined();
    second.app.dispose();
  });

  it('concurrent accounts.reveal with wrong passphrases never return the seed and meet the same gate', async () => {
    const { app, call, vault } = await start();
    expect(await call('lock.unlock', { passphrase: RIGHT })).toMatchObject({ ok: true });
    const before = counter.lockScrypts;
    const results = await Promise.all(Array.from({ length: 41 }, (_, i) => call('accounts.reveal', { id: accountId, passphrase: i === 40 ? RIGHT : `nope ${i}` })));
    expect(counter.lockScrypts - before).toBe(FREE_ATTEMPTS + 1);
    expect(JSON.stringify(results)).not.toContain(SECRET);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    // The count is on disk already (it was written before each hash).
    expect((await vault.settings()).lockFailures?.count).toBe(FREE_ATTEMPTS + 1);
    // Unlock, export and the lock's own settings meet the same wait.
    app.lock.lock('user');
    expect(await call('lock.unlock', { passphrase: RIGHT })).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    timers.advance(lockoutDelayMs(FREE_ATTEMPTS + 1));
    expect(await call('lock.unlock', { passphrase: RIGHT })).toMatchObject({ ok: true });
    expect(await call('accounts.reveal', { id: accountId, passphrase: RIGHT })).toMatchObject({ ok: true, value: { secret: SECRET } });
    app.dispose();
  });
});
