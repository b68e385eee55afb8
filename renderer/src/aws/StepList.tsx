import { useEffect, useState } from 'react';
import type { FlowEvent } from './types.js';
import { usePresent } from '../hooks/usePresence.js';

/**
 * A wait for a fresh code (or the next 30-second step) as a countdown, not a spinner: the seconds
 * in the step's sentence count down from the event's waitMs, with a bar that empties.
 */
function WaitCountdown({ event }: { event: FlowEvent }) {
  const total = event.waitMs ?? 0;
  const [started] = useState(() => Date.now());
  const [now, setNow] = useState(started);
  const present = usePresent();
  const leftMs = Math.max(0, total - (now - started));
  const running = leftMs > 0;
  // Ticks only while there is time left and the window can be seen (docs/power.md); fresh on show.
  useEffect(() => {
    if (!present || !running) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [present, running]);
  const seconds = Math.ceil(leftMs / 1000);
  return (
    <span className="aws-steps__wait" role="timer" aria-live="off" data-testid="aws-wait-countdown" data-seconds={seconds}>
      {event.message.replace(/\d+ s\b/, `${seconds} s`)}
      <progress className="aws-steps__progress" max={total} value={leftMs} aria-label={`${seconds} seconds left`} />
    </span>
  );
}

/** The steps of a running AWS flow as they happen: one line per step, its latest state. */
export function StepList({ events }: { events: readonly FlowEvent[] }) {
  if (!events.length) return null;
  // Keep each step's latest line, in the order steps first appeared; repeated attempts show again.
  const rows: FlowEvent[] = [];
  for (const e of events) {
    const last = rows[rows.length - 1];
    if (last && last.step === e.step && last.state === 'running') rows[rows.length - 1] = e;
    else rows.push(e);
  }
  return (
    <ol className="aws-steps" aria-label="Progress" aria-live="polite" data-testid="aws-steps">
      {rows.map((e, i) => {
        // A step still "running" when a later one started (a wait, say) has finished.
        const state = e.state === 'running' && i < rows.length - 1 ? 'done' : e.state;
        return (
          <li key={i} className={`aws-steps__item aws-steps__item--${state}`} data-step={e.step} data-state={state}>
            <span className="aws-steps__mark" aria-hidden="true">{state === 'done' ? '✓' : state === 'failed' ? '✗' : '…'}</span>
            {e.step === 'wait' && state === 'running' && e.waitMs ? <WaitCountdown key={`${e.waitMs}-${e.message}`} event={e} /> : <span>{e.message}</span>}
          </li>
        );
      })}
    </ol>
  );
}
