/**
 * A process that takes a node/file-lock.ts lock, for test/integration/file-lock.test.ts (bundled by
 * vault-build.ts, run with plain `node`). One JSON line on stdout per event.
 *   <lockFile> hold <staleMs> <heartbeatMs|0>   take the lock, print {"held":true}, hold it until stdin
 *                                                closes, release, print {"released":true}
 *   <lockFile> count <counterFile> <n> <logFile> n times under the lock: read the number in counterFile,
 *                                                pause, write it + 1 (a lost update shows without the
 *                                                lock), with "+pid" / "-pid" lines appended to logFile
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { FileLock } from '../../node/file-lock.js';

const out = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Generous budgets: these processes must never give up because the machine is slow. */
const WAIT_MS = 600_000;

async function main(): Promise<void> {
  const [lockFile = '', command, ...args] = process.argv.slice(2);
  const stillLocked = () => new Error('still locked');
  if (command === 'hold') {
    const [staleMs = '600000', heartbeatMs = '0'] = args;
    const lock = new FileLock({ file: lockFile, waitMs: WAIT_MS, staleMs: Number(staleMs), whenStillLocked: stillLocked, ...(Number(heartbeatMs) > 0 ? { heartbeatMs: Number(heartbeatMs) } : {}) });
    await lock.run(async () => {
      out({ held: true });
      process.stdin.resume();
      await new Promise((resolve) => process.stdin.once('end', resolve));
    });
    out({ released: true });
    return;
  }
  if (command === 'count') {
    const [counterFile = '', n = '0', logFile = ''] = args;
    const lock = new FileLock({ file: lockFile, waitMs: WAIT_MS, staleMs: 600_000, whenStillLocked: stillLocked });
    for (let i = 0; i < Number(n); i++) {
      await lock.run(async () => {
        appendFileSync(logFile, `+${process.pid}\n`);
        const value = Number(readFileSync(counterFile, 'utf8'));
        await sleep(2 + Math.random() * 5);
        writeFileSync(counterFile, String(value + 1));
        appendFileSync(logFile, `-${process.pid}\n`);
      });
    }
    out({ done: true });
    return;
  }
  throw new Error(`unknown command ${command}`);
}

main().catch((error: unknown) => {
  out({ error: String(error) });
  process.exit(1);
});
