/**
 * The activity log on disk: <dataDir>/activity.log, one JSON entry per line, mode 0600, bounded
 * (core/release/activity.ts ACTIVITY_LIMITS). Written by the app (decisions it made) and by the CLI
 * (releases under "Always", and refusals because the app was absent), so every write holds a small
 * lock file: an append racing a compaction would otherwise be lost.
 *
 * No secret is ever written: entries have no field for one (core/release/activity.ts).
 */
import { promises as fsp, appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { FileLock } from '../file-lock.js';
import { ACTIVITY_LIMITS, boundLines, parseActivityLine, serializeEntry, type ActivityEntry } from '../../core/release/activity.js';

export const ACTIVITY_FILE = 'activity.log';
const LOCK_FILE = 'activity.lock';
/** Appends hold the lock for milliseconds: a lock file this old was left by a holder that hung. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

export interface ActivityStore {
  append(entry: ActivityEntry): Promise<void>;
  /** Oldest first, at most ACTIVITY_LIMITS.MAX_ENTRIES (malformed lines are skipped). */
  read(): Promise<ActivityEntry[]>;
  clear(): Promise<void>;
  readonly path: string;
}

export interface ActivityStoreOptions {
  /**
   * Append with blocking file calls when the lock is free (FileLock.runIfFreeSync), else as usual.
   * For the CLI's cached `aws credentials` path only, where the thread pool's round trips were a
   * fifth of its run time; the app keeps its main thread free of file calls.
   */
  readonly blocking?: boolean;
}

export function createActivityStore(dataDir: string, options: ActivityStoreOptions = {}): ActivityStore {
  const path = join(dataDir, ACTIVITY_FILE);
  const lock = new FileLock({
    file: join(dataDir, LOCK_FILE),
    waitMs: LOCK_WAIT_MS,
    staleMs: STALE_LOCK_MS,
    // Better a log entry written without the lock than a release (a code or session handed to a
    // program the person approved) blocked by a stuck lock: the worst case is one entry lost to a
    // concurrent compaction. A dead holder's lock is broken at once, so this is for a hung one.
    whenStillLocked: 'proceed-unlocked',
  });

  async function readLines(): Promise<string[]> {
    const text = await fsp.readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return text.split('\n').filter((line) => line.length > 0);
  }

  /** Over the bound: keep the newest entries within half the budget (so this is rare), atomically. Under the lock. */
  async function compactIfOver(): Promise<void> {
    if ((await fsp.stat(path)).size <= ACTIVITY_LIMITS.MAX_BYTES) return;
    const kept = boundLines(await readLines(), ACTIVITY_LIMITS.MAX_ENTRIES, ACTIVITY_LIMITS.COMPACT_TO_BYTES);
    await writeFileAtomic(path, kept.length ? `${kept.join('\n')}\n` : '', { mode: 0o600, folderSync: 'best-effort' });
  }

  return {
    path,
    async append(entry) {
      const line = `${serializeEntry(entry)}\n`;
      let size = 0;
      if (options.blocking && lock.runIfFreeSync(() => {
        appendFileSync(path, line, { mode: 0o600, flag: 'a' });
        size = statSync(path).size;
      })) {
        if (size > ACTIVITY_LIMITS.MAX_BYTES) await lock.run(compactIfOver);
        return;
      }
      await lock.run(async () => {
        await fsp.appendFile(path, line, { mode: 0o600, flag: 'a' });
        await compactIfOver();
      });
    },
    async read() {
      const lines = boundLines(await readLines(), ACTIVITY_LIMITS.MAX_ENTRIES, ACTIVITY_LIMITS.MAX_BYTES);
      return lines.map(parseActivityLine).filter((e): e is ActivityEntry => e !== undefined);
    },
    clear: () => lock.run(() => fsp.unlink(path).catch(() => undefined)),
  };
}
