import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { timedUpdate } from './perf.js';
import { attention, useAttention, usePresent } from './usePresence.js';
import { nextTickDelay } from '../clock-schedule.js';

/**
 * One shared clock for the list: main's corrected time (ms), ticking on each whole corrected
 * second. Rows read it two ways:
 *  - `useClockWriter()`: what changes EVERY second (the ring, the seconds) is written straight to
 *    the DOM by the tick, with no React render at all (bench/power.ts: rendering 20 rows a second
 *    cost more script time than the restyle and relayout it caused);
 *  - `useNowSelector()`: a value derived from now that changes a few times a period (has the code
 *    expired? is it urgent?), which re-renders only when it changes.
 */
let current = Date.now();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish(value: number): void {
  current = value;
  for (const listener of [...listeners]) listener();
}

/** A value derived from now; the component re-renders only when it changes. */
export function useNowSelector<T extends string | number | boolean>(select: (now: number) => T): T {
  return useSyncExternalStore(subscribe, () => select(current));
}

/**
 * Calls `write(now)` after every render of the calling component (before paint, so a fresh render
 * is never a second behind) and on every tick in between, outside React. `write` must touch only
 * DOM that React does not own (an attribute or a text child React never sets), or the next render
 * would fight it.
 */
export function useClockWriter(write: (now: number) => void): void {
  const latest = useRef(write);
  latest.current = write;
  useLayoutEffect(() => {
    latest.current(current);
  });
  useLayoutEffect(() => subscribe(() => latest.current(current)), []);
}

/**
 * Drives the clock while mounted, `enabled` and the window can be seen (`skewMs`: main's corrected
 * clock minus ours, so ticks land on the corrected second). While the window is hidden, minimised
 * or the screen is locked no timer is left running at all (not one that fires and does nothing):
 * each wake-up costs power. While it is only glanced at (another window focused), the clock is calm:
 * every few seconds, and every second near the end of a code (`nextDeadline(now)`: the earliest
 * moment after `now` at which a shown code ends; clock-schedule.ts). On show and on each change of
 * attention, `now` is published at once, then the ticks resume.
 */
export function useClockTicker(enabled: boolean, skewMs: number, nextDeadline: (now: number) => number | undefined): void {
  const skew = useRef(skewMs);
  skew.current = skewMs;
  const seenAs = useAttention();
  useEffect(() => {
    publish(Date.now() + skew.current);
  }, [skewMs]);
  useEffect(() => {
    if (!enabled || seenAs === 'unseen') return;
    const calm = seenAs === 'glance';
    let timer: number | undefined;
    const schedule = () => {
      const now = Date.now() + skew.current;
      timer = window.setTimeout(() => {
        timedUpdate('tick', () => publish(Date.now() + skew.current));
        schedule();
      }, nextTickDelay(now, calm, nextDeadline(now)));
    };
    publish(Date.now() + skew.current);
    schedule();
    return () => window.clearTimeout(timer);
  }, [enabled, seenAs, nextDeadline]);
}

/** Whether the list's clock is calm now (the window glanced at, not used): rows hide their seconds
 * until the last few (clock-schedule.ts showsSeconds). Read at write time, outside React. */
export const clockIsCalm = (): boolean => attention() === 'glance';

/**
 * A self-contained once-a-second clock for views outside the list (e.g. the AWS console assist):
 * the local time (ms) plus nothing; `offsetMs` only aligns the ticks to the corrected second.
 */
export function useNowSeconds(enabled = true, offsetMs = 0): number {
  const [now, setNow] = useState(() => Date.now());
  const present = usePresent();
  useEffect(() => {
    if (!enabled || !present) return;
    let timer: number | undefined;
    const schedule = () => {
      const delay = 1000 - ((((Date.now() + offsetMs) % 1000) + 1000) % 1000) + 5;
      timer = window.setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, delay);
    };
    setNow(Date.now());
    schedule();
    return () => window.clearTimeout(timer);
  }, [enabled, present, offsetMs]);
  return now;
}
