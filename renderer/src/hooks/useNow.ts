import { useEffect, useState } from 'react';
import { timedUpdate } from './perf.js';

/**
 * The current time (ms), re-rendering on each whole second. Aligned to the second boundary so the
 * countdown and the period change agree (`offsetMs`: main's corrected clock minus ours, so ticks land
 * on the corrected second). Paused while the window is hidden.
 */
export function useNowSeconds(enabled = true, offsetMs = 0): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    let timer: number | undefined;
    const schedule = () => {
      const delay = 1000 - (((Date.now() + offsetMs) % 1000) + 1000) % 1000 + 5;
      timer = window.setTimeout(() => {
        if (document.visibilityState !== 'hidden') timedUpdate('tick', () => setNow(Date.now()));
        schedule();
      }, delay);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') setNow(Date.now());
    };
    schedule();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, offsetMs]);
  return now;
}
