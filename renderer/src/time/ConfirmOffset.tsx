import { useState } from 'react';
import { call, messageOf } from '../api.js';
import { Dialog } from '../components/Dialog.js';
import { timeApi } from './time-api.js';
import type { TimeStatus } from './types.js';
import { describeClock, formatDuration, formatOffset } from './wording.js';

/**
 * "Use the server's time…": shown while main holds a measurement beyond ±2 min that nothing
 * vouched for (docs/time.md §3a). The dialog says what will change; confirming sends only the
 * measurement's id — main applies the offset it kept, so a page script cannot choose one.
 */
export function ConfirmOffset({ status, onDone }: { status: TimeStatus; onDone?: (status: TimeStatus) => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const pending = status.pending;
  if (!pending) return null;
  const now = Date.now();
  const confirm = async () => {
    const time = timeApi();
    if (!time) return;
    setBusy(true);
    setError(undefined);
    try {
      const next = await call(time.confirmOffset({ id: pending.id }));
      setOpen(false);
      onDone?.(next);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const clock = describeClock(pending.offsetMs);
  const later = pending.offsetMs > 0 ? 'later' : 'earlier';
  return (
    <>
      <button type="button" className="button button--small" disabled={!pending.confirmable} title={pending.confirmable ? undefined : 'This measurement is over an hour old: check again first.'} onClick={() => setOpen(true)}>
        Use the server’s time…
      </button>
      {open ? (
        <Dialog title="Use the time server’s clock for codes?" onClose={() => setOpen(false)} describedBy="confirm-offset-text" className="dialog--confirm-offset">
          <div id="confirm-offset-text" className="dialog__text">
            <p>
              The time server <b>{pending.source.replace(/^[a-z-]+:/, '')}</b> says {clock} ({formatOffset(pending.offsetMs)}). This could not be verified: anyone on your network can send a wrong time.
            </p>
            <p data-testid="confirm-offset-change">
              If you confirm, every code will be made for <b>{new Date(now + pending.offsetMs).toUTCString()}</b> instead of this computer’s clock ({new Date(now).toUTCString()}) — {formatDuration(pending.offsetMs)} {later}.
            </p>
            <p>Confirm only if you know this computer’s date, time or time zone is wrong. Better: correct the computer’s clock, then choose “Check now”.</p>
          </div>
          {error ? <p className="form__error" role="alert">{error}</p> : null}
          <div className="form__actions">
            <button type="button" className="button" autoFocus onClick={() => setOpen(false)}>Cancel</button>
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void confirm()}>Use the server’s time</button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
