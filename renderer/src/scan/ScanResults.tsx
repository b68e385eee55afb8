import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { call, messageOf } from '../api.js';
import type { Account } from '../types.js';
import { scanApi, type FoundAccount, type ScanOutcome } from './api.js';

function describe(a: FoundAccount): string {
  const kind = a.type === 'totp' ? `Time-based · every ${a.period} s` : `Counter-based · starts at ${a.counter ?? 0}`;
  return `${kind} · ${a.digits} digits · ${a.algorithm} · ${a.secretBits}-bit key`;
}

/**
 * The scan results picker: every account found (several codes on a screen, a Google export's
 * batch), ticked unless already in Authdesk, plus what was left out and why. Nothing here holds a
 * secret: adding names the scan and the indexes, and main adds from its own copy.
 */
export function ScanResults({ outcome, onAdded, onCancel, onScanAgain }: {
  outcome: ScanOutcome;
  onAdded(accounts: readonly Account[]): void;
  onCancel(): void;
  onScanAgain?: () => void;
}) {
  const [selected, setSelected] = useState(() => new Set(outcome.accounts.filter((a) => !a.duplicate).map((a) => a.index)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const titleId = useId();
  // The view that started the scan (and held focus) is gone: move focus to the results' title, so a
  // screen reader says what was found and Tab continues from here, not from the top of the page.
  const titleRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => titleRef.current?.focus(), []);
  // Main holds the found secrets until added or discarded: however this view goes away (Cancel, the
  // sheet's ✕, Esc, "Scan again"), drop them. Deferred a tick so StrictMode's mount-unmount-mount in
  // development does not discard a scan that is still on screen.
  const settled = useRef(false);
  const dropTimer = useRef<number>(undefined);
  useEffect(() => {
    window.clearTimeout(dropTimer.current);
    return () => {
      if (settled.current) return;
      dropTimer.current = window.setTimeout(() => void scanApi()?.discard({ scanId: outcome.scanId }), 0);
    };
  }, [outcome.scanId]);
  const fromExport = outcome.accounts.some((a) => a.source === 'google-export');
  // Codes from different displays: say which ("Display 1", "Display 2", in capture order), so two
  // look-alike accounts (the same IAM user in two consoles) can be told apart.
  const displayNumbers = useMemo(() => {
    const numbers = new Map<string, number>();
    for (const a of outcome.accounts) if (a.display !== undefined && !numbers.has(a.display)) numbers.set(a.display, numbers.size + 1);
    return numbers.size > 1 ? numbers : undefined;
  }, [outcome.accounts]);
  const toggle = (index: number) => setSelected((prev) => {
    const next = new Set(prev);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    return next;
  });
  const add = async () => {
    const api = scanApi();
    if (!api || selected.size === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const added = await call(api.add({ scanId: outcome.scanId, indexes: [...selected].sort((a, b) => a - b) }));
      settled.current = true;
      onAdded(added);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };
  const cancel = () => {
    settled.current = true;
    void scanApi()?.discard({ scanId: outcome.scanId });
    onCancel();
  };
  const count = outcome.accounts.length;
  return (
    <section className="scan-results" aria-labelledby={titleId}>
      <h3 id={titleId} ref={titleRef} tabIndex={-1} className="scan-results__title">
        {count === 0 ? 'No account can be added' : fromExport ? `Google Authenticator export: ${count} account${count === 1 ? '' : 's'}` : `Found ${count} account${count === 1 ? '' : 's'}`}
      </h3>
      {count > 0 ? (
        <ul className="scan-results__list">
          {outcome.accounts.map((a) => (
            <li key={a.index} className="scan-results__item">
              <label className="scan-results__choice">
                <input type="checkbox" checked={selected.has(a.index)} onChange={() => toggle(a.index)} />
                <span className="scan-results__names">
                  <span className="scan-results__issuer">{a.issuer || a.label}</span>
                  {a.issuer ? <span className="scan-results__label">{a.label}</span> : null}
                  <span className="scan-results__meta">{describe(a)}</span>
                  {displayNumbers && a.display !== undefined ? <span className="scan-results__display">Display {displayNumbers.get(a.display)}</span> : null}
                  {a.batch && a.batch.size > 1 ? <span className="scan-results__tag">QR code {a.batch.index + 1} of {a.batch.size}</span> : null}
                  {a.duplicate ? <span className="scan-results__tag scan-results__tag--warn">Already in Authdesk</span> : null}
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {outcome.skipped.length > 0 ? (
        <div className="scan-results__notes" aria-label="Accounts that cannot be imported">
          {outcome.skipped.map((s, i) => <p key={i} className="scan-results__note">Not imported: {s.issuer ? `${s.issuer}: ` : ''}{s.label || '(no name)'} — {s.reason}</p>)}
        </div>
      ) : null}
      {outcome.invalid.map((e, i) => <p key={`i${i}`} className="scan-results__note scan-results__note--error" role="alert">{e.message}</p>)}
      {outcome.others.map((text, i) => <p key={`o${i}`} className="scan-results__note">Not an authenticator code: “<span className="scan-results__text">{text}</span>”</p>)}
      {outcome.warnings.map((w, i) => <p key={`w${i}`} className="scan-results__note scan-results__note--warn">{w}</p>)}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        {onScanAgain ? <button type="button" className="button" onClick={onScanAgain}>Scan again</button> : null}
        <button type="button" className="button" onClick={cancel}>Cancel</button>
        {count > 0 ? (
          <button type="button" className="button button--primary" disabled={busy || selected.size === 0} onClick={() => void add()}>
            {busy ? 'Adding…' : `Add ${selected.size} account${selected.size === 1 ? '' : 's'}`}
          </button>
        ) : null}
      </div>
    </section>
  );
}
