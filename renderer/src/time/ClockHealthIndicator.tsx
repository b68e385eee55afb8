import { useEffect, useRef, useState } from 'react';
import { call, messageOf } from '../api.js';
import { timeApi } from './time-api.js';
import { useTimeStatus } from './useTimeStatus.js';
import { shortLabel } from './wording.js';
import { ConfirmOffset } from './ConfirmOffset.js';

/**
 * The header's clock-health pill: a coloured dot and a short label; the full sentence as its
 * accessible name and in a small popover with "Check now".
 */
export function ClockHealthIndicator() {
  const { status, available } = useTimeStatus();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return undefined;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  if (!available || !status) return null;
  const { health } = status;
  const measuring = status.measuring || busy;
  const check = async () => {
    const time = timeApi();
    if (!time) return;
    setBusy(true);
    setError(undefined);
    try {
      await call(time.sync({}));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="clock-health" ref={ref}>
      <button
        type="button"
        className={`clock-health__pill clock-health__pill--${health.severity}`}
        aria-label={`Clock: ${health.headline}`}
        aria-expanded={open}
        title={health.headline}
        data-state={health.state}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="clock-health__dot" aria-hidden="true" />
        <span className="clock-health__label">{shortLabel(health.state, measuring)}</span>
      </button>
      {open ? (
        <div className="clock-health__popover" role="dialog" aria-label="Clock">
          <p className="clock-health__headline">{health.headline}</p>
          <p className="clock-health__detail">{health.detail}</p>
          {status.lastError ? <p className="clock-health__error" role="alert">Last check failed: {status.lastError.message}</p> : null}
          {error ? <p className="clock-health__error" role="alert">{error}</p> : null}
          <div className="clock-health__actions">
            <button type="button" className="button button--small" disabled={measuring} onClick={() => void check()}>
              {measuring ? 'Checking…' : 'Check now'}
            </button>
            {status.pending ? <ConfirmOffset status={status} /> : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
