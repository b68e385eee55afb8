import { performance } from 'node:perf_hooks';

/**
 * The local wall clock with sub-millisecond resolution for the length of one measurement.
 * `Date.now()` truncates to whole milliseconds, which alone would bias every offset by ~0.5 ms
 * and widen each round trip by up to 1 ms. We watch `Date.now()` tick over (spinning, ~1 ms per
 * tick): at a tick the wall clock is an exact millisecond, and the monotonic `performance.now()`
 * readings just before and after it bracket that instant. The tightest bracket of a few ticks
 * anchors the clock (a tick seen late, because the process was descheduled, has a wide bracket
 * and loses). Good for seconds; make a new one per measurement (the wall clock may be stepped
 * between measurements).
 */
export function preciseLocalClock(ticks = 3): () => number {
  let bestWall = Date.now();
  let bestMono = performance.now();
  let bestGap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ticks; i++) {
    const start = Date.now();
    const limit = performance.now() + 3;
    let before = performance.now();
    let wall = start;
    let after = before;
    while (wall === start && after < limit) {
      before = after;
      wall = Date.now();
      after = performance.now();
    }
    if (wall !== start && after - before < bestGap) {
      bestGap = after - before;
      bestWall = wall;
      bestMono = (before + after) / 2;
    }
  }
  return () => bestWall + (performance.now() - bestMono);
}

/** Resolution of the clock above, as an error term (ms). */
export const LOCAL_CLOCK_RESOLUTION_MS = 0.05;
