import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { timedUpdate } from './perf.js';

/**
 * One shared clock for the list: main's corrected time (ms), ticking on each whole corrected
 * second. Rows subscribe with `useNow()` (the live part: code, ring, seconds) or with
 * `useNowSelector()` (a derived value that changes rarely, e.g. "has this code's period ended?"),
 * so a tick re-renders only what shows the time, not whole rows.
 */
let current = Date.now();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const snapshot = () => current;

function publish(value: number): void {
  current = value;
  for (const listener of [...listeners]) listener();
}

/** Corrected now, re-rendering every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}

/** A value derived from now; the component re-renders only when it changes. */
export function useNowSelector<T extends string | number | boolean>(select: (now: number) => T): T {
  return useSyncExternalStore(subscribe, () => select(current));
}

/**
 * Drives the clock while mounted and `enabled` (`skewMs`: main's corrected clock minus ours, so ticks
 * land on the corrected second). Paused while the window is hidden.
 */
export function useClockTicker(enabled: boolean, skewMs: number): void {
  const skew = useRef(skewMs);
  skew.current = skewMs;
  useEffect(() => {
    publish(Date.now() + skew.current);
  }, [skewMs]);
  useEffect(() => {
    if (!enabled) return;
    let timer: number | undefined;
    const schedule = () => {
      const delay = 1000 - ((((Date.now() + skew.current) % 1000) + 1000) % 1000) + 5;
      timer = window.setTimeout(() => {
        if (document.visibilityState !== 'hidden') timedUpdate('tick', () => publish(Date.now() + skew.current));
        schedule();
      }, delay);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') publish(Date.now() + skew.current);
    };
    schedule();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled]);
}

/**
 * A self-contained once-a-second clock for views outside the list (e.g. the AWS console assist):
 * the local time (ms) plus nothing; `offsetMs` only aligns the ticks to the corrected second.
 */
export function useNowSeconds(enabled = true, offsetMs = 0): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    let timer: number | undefined;
    const schedule = () => {
      const delay = 1000 - ((((Date.now() + offsetMs) % 1000) + 1000) % 1000) + 5;
      timer = window.setTimeout(() => {
        if (document.visibilityState !== 'hidden') setNow(Date.now());
        schedule();
      }, delay);
    };
    schedule();
    return () => window.clearTimeout(timer);
  }, [enabled, offsetMs]);
  return now;
}
