import { flushSync } from 'react-dom';

/**
 * Update timing for bench/ui.ts: when the page defines `globalThis.__AUTHDESK_UPDATE_TIMES__` (the
 * bench does, before load), each per-second tick and each code refresh is rendered synchronously
 * (flushSync) and its render+commit time is pushed there. Otherwise: a plain state update, no cost.
 */
type Times = Array<{ kind: string; ms: number }>;

export function timedUpdate(kind: string, update: () => void): void {
  const sink = (globalThis as { __AUTHDESK_UPDATE_TIMES__?: Times }).__AUTHDESK_UPDATE_TIMES__;
  if (!Array.isArray(sink)) {
    update();
    return;
  }
  const start = performance.now();
  flushSync(update);
  sink.push({ kind, ms: performance.now() - start });
}
