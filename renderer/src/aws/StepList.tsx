import type { FlowEvent } from './types.js';

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
            <span>{e.message}</span>
          </li>
        );
      })}
    </ol>
  );
}
