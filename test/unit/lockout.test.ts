import { describe, expect, it } from 'vitest';
import { FREE_ATTEMPTS, LOCKOUT_SCHEDULE_MS, lockoutDelayMs, lockoutRemainingMs, lockoutSentence, wrongPassphraseSentence } from '../../core/lock/lockout.js';

describe('app lock lockout policy (core/lock/lockout.ts)', () => {
  it.each([
    [0, 0], [1, 0], [4, 0],
    [5, 30_000], [6, 60_000], [7, 300_000], [8, 900_000], [9, 3_600_000], [10, 3_600_000], [1000, 3_600_000],
  ])('after %i wrong passphrases in a row the wait is %i ms', (count, wait) => {
    expect(lockoutDelayMs(count)).toBe(wait);
  });

  it('the schedule grows and never reaches zero again', () => {
    expect(FREE_ATTEMPTS).toBe(4);
    for (let i = 1; i < LOCKOUT_SCHEDULE_MS.length; i++) expect(LOCKOUT_SCHEDULE_MS[i]!).toBeGreaterThan(LOCKOUT_SCHEDULE_MS[i - 1]!);
  });

  it('remaining wait: counts down from the last failure; a clock set back never stretches it beyond one delay', () => {
    const lastAt = 1_000_000;
    expect(lockoutRemainingMs(undefined, lastAt)).toBe(0);
    expect(lockoutRemainingMs({ count: 3, lastAt }, lastAt)).toBe(0);
    expect(lockoutRemainingMs({ count: 5, lastAt }, lastAt)).toBe(30_000);
    expect(lockoutRemainingMs({ count: 5, lastAt }, lastAt + 29_999)).toBe(1);
    expect(lockoutRemainingMs({ count: 5, lastAt }, lastAt + 30_000)).toBe(0);
    expect(lockoutRemainingMs({ count: 9, lastAt }, lastAt - 86_400_000)).toBe(3_600_000);
  });

  it('sentences say how long, in seconds or minutes', () => {
    expect(lockoutSentence(30_000)).toBe('Too many wrong passphrases. Wait 30 seconds, then try again.');
    expect(lockoutSentence(1)).toBe('Too many wrong passphrases. Wait 1 second, then try again.');
    expect(lockoutSentence(15 * 60_000)).toBe('Too many wrong passphrases. Wait 15 minutes, then try again.');
    expect(wrongPassphraseSentence(0)).toBe('That passphrase is not right. Check Caps Lock and try again.');
    expect(wrongPassphraseSentence(60_000)).toBe('That passphrase is not right, and that was too many wrong ones: wait 60 seconds, then try again.');
  });
});
