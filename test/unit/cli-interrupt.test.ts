// cli/interrupt.ts: SIGINT/SIGTERM during a batch abort it (the vault rolls back) and the command
// reports one line with the shell's status for the signal. The signals are emitted to this process's
// listeners (process.emit), so the test runner itself is never signalled; the real SIGINT of the
// built CLI is in test/integration/batch-crash.test.ts.
import { describe, expect, it } from 'vitest';
import { runInterruptible } from '../../cli/interrupt.js';
import type { CliContext } from '../../cli/io.js';
import { openTestVault, randomSecret } from '../helpers/vault-doubles.js';

function context(): CliContext & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: { write: () => true },
    stderr: { write: (t: string) => err.push(t) },
    env: {},
    stdinIsTTY: false,
    readStdin: async () => '',
    confirm: async () => false,
  };
}

describe('runInterruptible', () => {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} mid-batch: rolled back, one line, exit ${status}, handlers removed`, async () => {
      const { vault, secrets, documents } = await openTestVault();
      const before = documents.text;
      const listeners = process.listenerCount(signal);
      const ctx = context();
      const outcome = await runInterruptible(ctx, false, (abort) =>
        vault.addMany(Array.from({ length: 5 }, (_, i) => ({ type: 'totp' as const, issuer: 'X', label: `a${i}`, secret: randomSecret(), algorithm: 'SHA1' as const, digits: 6, period: 30 })), (done) => {
          if (done === 3) process.emit(signal, signal);
        }, { signal: abort }),
      );
      expect(outcome).toEqual({ done: false, status });
      expect(ctx.err.join('')).toBe('authdesk: Interrupted: nothing was added (the 3 secret keys already stored were removed again).\n');
      expect(secrets.items.size).toBe(0);
      expect(documents.text).toBe(before);
      expect(process.listenerCount(signal)).toBe(listeners);
    });
  }

  it('without a signal the batch result passes through, and other errors are not swallowed', async () => {
    const ctx = context();
    expect(await runInterruptible(ctx, false, async () => 42)).toEqual({ done: true, value: 42 });
    await expect(runInterruptible(ctx, false, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(ctx.err).toEqual([]);
  });
});
