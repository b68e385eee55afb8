/**
 * The app lock's escalating lockout, as pure policy (table-tested in test/unit/lockout.test.ts).
 *
 * The record is persisted in the vault document (settings.lockFailures, see node/app-lock.ts), so a
 * restart does not forgive anything. An attempt is counted *before* its passphrase is hashed: a crash
 * or a kill during the hash leaves it counted, as a wrong guess.
 *
 * The numbers follow the phones (iOS: 5 free, then 1 min, 5 min, 15 min, 15 min, 1 h; Android's
 * Gatekeeper: 30 s after 5, growing after 10) but never erase anything: a wipe after N guesses would
 * let anyone at the keyboard destroy the person's seeds. With this schedule, 24 hours buy at most
 * about 4 + 5 + 24 = 33 guesses at the passphrase.
 */

/** Wrong passphrases in a row that cost nothing (typos, Caps Lock). */
export const FREE_ATTEMPTS = 4;

/**
 * The wait after the n-th wrong passphrase in a row (index n - FREE_ATTEMPTS - 1); the last entry
 * repeats for every further one.
 */
export const LOCKOUT_SCHEDULE_MS: readonly number[] = [30_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

export interface LockFailures {
  /** Wrong (or unfinished) attempts in a row since the last right passphrase. */
  readonly count: number;
  /** Wall-clock time (ms since epoch) when the last of them was counted. */
  readonly lastAt: number;
}

/** The wait imposed after `count` failures in a row (0 = none). */
export function lockoutDelayMs(count: number): number {
  if (!Number.isFinite(count) || count <= FREE_ATTEMPTS) return 0;
  const index = Math.min(Math.floor(count) - FREE_ATTEMPTS - 1, LOCKOUT_SCHEDULE_MS.length - 1);
  return LOCKOUT_SCHEDULE_MS[index] ?? 0;
}

/**
 * Milliseconds before the next attempt may be verified (0 = now). A clock set *back* after the last
 * failure (now < lastAt) can never stretch the wait beyond one full delay from now; a clock set
 * forward skips it, which needs the rights to change the system clock (docs/SECURITY.md).
 */
export function lockoutRemainingMs(failures: LockFailures | undefined, now: number): number {
  if (!failures) return 0;
  const delay = lockoutDelayMs(failures.count);
  if (delay === 0) return 0;
  const remaining = failures.lastAt + delay - now;
  return Math.max(0, Math.min(remaining, delay));
}

/** The sentence for a refused attempt: a whole number of seconds or minutes. */
export function lockoutSentence(remainingMs: number): string {
  const seconds = Math.ceil(remainingMs / 1000);
  if (seconds <= 90) return `Too many wrong passphrases. Wait ${seconds} second${seconds === 1 ? '' : 's'}, then try again.`;
  const minutes = Math.ceil(seconds / 60);
  return `Too many wrong passphrases. Wait ${minutes} minutes, then try again.`;
}

/** The sentence for a wrong passphrase, saying when the next try is possible if a wait starts now. */
export function wrongPassphraseSentence(waitMs: number): string {
  if (waitMs <= 0) return 'That passphrase is not right. Check Caps Lock and try again.';
  const wait = lockoutSentence(waitMs).replace('Too many wrong passphrases. Wait', 'wait');
  return `That passphrase is not right, and that was too many wrong ones: ${wait}`;
}
