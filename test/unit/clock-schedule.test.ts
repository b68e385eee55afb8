// When the list's clock ticks (renderer/src/clock-schedule.ts): every second while the window is
// used; while it is only glanced at, every 5 s and every second through the last 5 s of a code.
// The schedule is simulated tick by tick over whole periods, and the ticks are checked against
// what a person must see: the ring lands on each 5 s step, the seconds of each code's end.
import { describe, expect, it } from 'vitest';
import { nextTickDelay, ringSeconds, showsSeconds } from '../../renderer/src/clock-schedule.js';

/** The tick moments from `start` until `end`, with codes of `periods` (seconds) aligned to the epoch as TOTP is. */
function ticks(start: number, end: number, calm: boolean, periods: number[]): number[] {
  const deadline = (now: number) => (periods.length === 0 ? undefined : Math.min(...periods.map((p) => (Math.floor(now / (p * 1000)) + 1) * p * 1000)));
  const out: number[] = [];
  for (let now = start; ;) {
    now += nextTickDelay(now, calm, deadline(now));
    if (now > end) return out;
    out.push(now);
  }
}

const T0 = 1_800_000_000_000; // a multiple of 30 s and 60 s: a period boundary
const leftOf = (tick: number, period: number) => Math.ceil(((Math.floor(tick / (period * 1000)) + 1) * period * 1000 - tick) / 1000);

describe('clock schedule', () => {
  it('used: ticks just after every whole second, nothing in between', () => {
    const all = ticks(T0 + 5, T0 + 60_005, false, [30]);
    expect(all).toHaveLength(60);
    for (const t of all) expect(t % 1000).toBe(5);
  });

  it('glanced at, 30 s codes: 10 ticks a period, on the 5 s steps and each of the last 5 s', () => {
    const all = ticks(T0 + 5, T0 + 90_005, true, [30]);
    expect(all).toHaveLength(30); // 3 periods, 10 ticks each (vs 30 when used)
    const lefts = all.slice(0, 10).map((t) => leftOf(t, 30));
    // 30 is the new code's first tick (its whole period left).
    expect(lefts).toEqual([25, 20, 15, 10, 5, 4, 3, 2, 1, 30]);
    for (const t of all) expect(t % 1000).toBe(5);
  });

  it('glanced at, 30 s and 60 s codes: each code still gets every one of its last 5 seconds', () => {
    const all = ticks(T0 + 5, T0 + 120_005, true, [30, 60]);
    for (const period of [30, 60]) {
      for (let end = T0 + period * 1000; end <= T0 + 120_000; end += period * 1000) {
        for (let s = 1; s <= 5; s++) expect(all).toContain(end - s * 1000 + 5);
      }
    }
    expect(all).toHaveLength(40); // the ends coincide: still 10 a 30 s period
  });

  it('glanced at, a code whose end is off the 5 s grid (e.g. after a clock correction): precise from exactly 5 s before it', () => {
    const deadline = T0 + 12_300;
    const all: number[] = [];
    for (let now = T0 + 5; now < deadline;) {
      now += nextTickDelay(now, true, deadline);
      all.push(now);
    }
    expect(all).toEqual([T0 + 5_005, T0 + 7_305, T0 + 8_005, T0 + 9_005, T0 + 10_005, T0 + 11_005, T0 + 12_005, T0 + 13_005]);
  });

  it('glanced at with no code shown: every 5 s', () => {
    const all = ticks(T0 + 5, T0 + 30_005, true, []);
    expect(all.map((t) => t - T0)).toEqual([5_005, 10_005, 15_005, 20_005, 25_005, 30_005]);
  });

  it('a tick that fires late (a busy machine) resumes on the grid', () => {
    const late = T0 + 6_700; // the 5 s tick ran 1.7 s late
    expect(late + nextTickDelay(late, true, T0 + 30_000)).toBe(T0 + 10_005);
    const lateNearEnd = T0 + 26_400;
    expect(lateNearEnd + nextTickDelay(lateNearEnd, true, T0 + 30_000)).toBe(T0 + 27_005);
  });

  it('shows the seconds always when used; when glanced at, only in the last 5', () => {
    expect([30, 6, 5, 1, 0].map((left) => showsSeconds(left, false))).toEqual([true, true, true, true, false]);
    expect([30, 6, 5, 1, 0].map((left) => showsSeconds(left, true))).toEqual([false, false, true, true, false]);
  });

  it('the ring stands on a 5 s step while calm (a late tick, or a glance away mid-step, still shows a step); exact otherwise', () => {
    expect([30, 29, 26, 25, 24, 21, 20, 11, 10, 6, 5, 4, 1].map((left) => ringSeconds(left, 30, true))).toEqual([30, 30, 30, 25, 25, 25, 20, 15, 10, 10, 5, 4, 1]);
    expect([30, 29, 24, 6, 5].map((left) => ringSeconds(left, 30, false))).toEqual([30, 29, 24, 6, 5]);
    // Never more than the whole period (a 7 s code with 6 s left).
    expect(ringSeconds(6, 7, true)).toBe(7);
    expect(ringSeconds(58, 60, true)).toBe(60);
  });
});
