/**
 * The activity log on disk: <dataDir>/activity.log, one JSON entry per line, mode 0600, bounded
 * (core/release/activity.ts ACTIVITY_LIMITS). Written by the app (decisions it made) and by the CLI
 * (releases under "Always", and refusals because the app was absent), so every write holds a small
 * lock file: an append racing a compaction would otherwise be lost.
 *
 * No secret is ever written: entries have no field for one (core/release/activity.ts).
 */
import { appendFile, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTIVITY_LIMITS, boundLines, parseActivityLine, serializeEntry, type ActivityEntry } from '../../core/release/activity.js';

export const ACTIVITY_FILE = 'activity.log';
const LOCK_FILE = 'activity.lock';
/** A lock file older than this is left over by a process that died while holding it. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

export interface ActivityStore {
  append(entry: ActivityEntry): Promise<void>;
  /** Oldest first, at most ACTIVITY_LIMITS.MAX_ENTRIES (malformed lines are skipped). */
  read(): Promise<ActivityEntry[]>;
  clear(): Promise<void>;
  readonly path: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(lockPath).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        // Better a log entry written without the lock than a release blocked by a stuck lock file:
        // the worst case is one entry lost to a concurrent compaction.
        const now = new Date();
        await utimes(lockPath, now, now).catch(() => undefined);
        return fn();
      }
      await sleep(10 + Math.random() * 20);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

export function createActivityStore(dataDir: string): ActivityStore {
  const path = join(dataDir, ACTIVITY_FILE);
  const lockPath = join(dataDir, LOCK_FILE);

  async function readLines(): Promise<string[]> {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return text.split('\n').filter((line) => line.length > 0);
  }

  return {
    path,
    append: (entry) =>
      withFileLock(lockPath, async () => {
        await appendFile(path, `${serializeEntry(entry)}\n`, { mode: 0o600, flag: 'a' });
        const { size } = await stat(path);
        if (size <= ACTIVITY_LIMITS.MAX_BYTES) return;
        // Over the bound: keep the newest entries within half the budget (so this is rare), atomically.
        const kept = boundLines(await readLines(), ACTIVITY_LIMITS.MAX_ENTRIES, ACTIVITY_LIMITS.COMPACT_TO_BYTES);
        const temp = `${path}.${process.pid}.tmp`;
        await writeFile(temp, kept.length ? `${kept.join('\n')}\n` : '', { mode: 0o600 });
        await rename(temp, path);
      }),
    async read() {
      const lines = boundLines(await readLines(), ACTIVITY_LIMITS.MAX_ENTRIES, ACTIVITY_LIMITS.MAX_BYTES);
      return lines.map(parseActivityLine).filter((e): e is ActivityEntry => e !== undefined);
    },
    clear: () => withFileLock(lockPath, () => unlink(path).catch(() => undefined)),
  };
}
