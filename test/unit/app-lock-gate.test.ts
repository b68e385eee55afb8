// The app lock's gate (node/app-lock.ts) over the real core Vault (in-memory ports): attempts are
// counted in the vault document before hashing, fail closed when the count cannot be written, and run
// one at a time. The burst through the real dispatcher, vault file and keychain is
// test/integration/app-lock-concurrency.test.ts.
import { describe, expect, it } from 'vitest';
import { createAppLock, hashPassphrase } from '../../node/app-lock.js';
import type { Settings } from '../../core/vault/model.js';
import { manualTimers, memoryVault } from './ipc-fixtures.js';

const RIGHT = 'open sesame';

async function setup(options: { failCountWrites?: boolean } = {}) {
  const timers = manualTimers();
  const vault = await memoryVault(() => timers.now());
  await vault.updateSettings({ lockPassphraseHash: await hashPassphrase(RIGHT) });
  const writes: Array<Settings['lockFailures'] | 'cleared'> = [];
  const port = {
    settings: () => vault.settings(),
    forgetSecrets: () => vault.forgetSecrets(),
    async updateSettings(patch: Partial<Settings>) {
      if ('lockFailures' in patch) {
        if (options.failCountWrites) throw new Error('disk full');
        writes.push(patch.lockFailures ?? 'cleared');
      }
      return vault.updateSettings(patch);
    },
  };
  const lock = await createAppLock({ vault: port, timers });
  return { lock, vault, timers, writes };
}

describe('app lock gate', () => {
  it('counts each attempt in the vault document before verifying it, and clears the count on the right passphrase', async () => {
    const { lock, vault, writes, timers } = await setup();
    await expect(lock.unlock('nope')).rejects.toMatchObject({ code: 'LOCK_WRONG_PASSPHRASE' });
    expect((await vault.settings()).lockFailures).toEqual({ count: 1, lastAt: timers.now() });
    await lock.unlock(RIGHT);
    // The right attempt was counted too (a kill during its hash leaves it counted), then cleared.
    expect(writes).toEqual([{ count: 1, lastAt: timers.now() }, { count: 2, lastAt: timers.now() }, 'cleared']);
    expect((await vault.settings()).lockFailures).toBeUndefined();
  });

  it('fails closed: when the count cannot be written, nothing is verified, not even the right passphrase', async () => {
    const { lock } = await setup({ failCountWrites: true });
    await expect(lock.unlock(RIGHT)).rejects.toThrow('disk full');
    expect(lock.isLocked()).toBe(true);
  });

  it('a new lock over the same vault starts with the persisted count and wait', async () => {
    const first = await setup();
    for (let i = 0; i < 5; i++) await expect(first.lock.verify(`bad ${i}`)).rejects.toMatchObject({ code: 'LOCK_WRONG_PASSPHRASE' });
    const again = await createAppLock({ vault: first.vault, timers: first.timers });
    await expect(again.unlock(RIGHT)).rejects.toMatchObject({ code: 'LOCK_TOO_MANY_ATTEMPTS', details: { seconds: 30 } });
    first.timers.advance(30_000);
    await expect(again.unlock(RIGHT)).resolves.toMatchObject({ locked: false });
  });

  it('concurrent attempts are judged one after another: those past the free ones meet the wait', async () => {
    const { lock } = await setup();
    const results = await Promise.allSettled(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => lock.verify(x)));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    expect(codes).toEqual([...Array(5).fill('LOCK_WRONG_PASSPHRASE'), 'LOCK_TOO_MANY_ATTEMPTS', 'LOCK_TOO_MANY_ATTEMPTS']);
  });
});
