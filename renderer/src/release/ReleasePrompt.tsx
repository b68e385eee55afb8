/**
 * The approval prompt (docs/approvals.md): rendered in main's small always-on-top window
 * (app://authdesk/index.html#release-prompt), shown without taking the keyboard (showInactive).
 * It lists the requests main issued and answers them by id: Allow once / Allow for N minutes / Deny.
 * No code ever reaches this page; main tells the waiting CLI, which reads the seed itself.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, messageOf } from '../api.js';
import { useAuthdeskEvent } from '../hooks/useEvent.js';
import { releaseApi } from './release-api.js';
import type { ReleaseRequest } from './types.js';
import { secondsLeft, visible, whatLabel } from './wording.js';

function useNowEverySecond(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function ReleaseRequestCard({ request, now, onAnswered }: { request: ReleaseRequest; now: number; onAnswered?: () => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const answer = async (choice: 'once' | 'grant' | 'deny') => {
    const release = releaseApi();
    if (!release) return;
    setBusy(true);
    setError(undefined);
    try {
      await call(release.answer(choice === 'grant' ? { id: request.id, choice, minutes: request.grantMinutes ?? 15 } : { id: request.id, choice }));
      onAnswered?.();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const { caller } = request;
  return (
    <section className="release-card" aria-label={`Request from ${visible(caller.exe || 'a program')}`} data-testid="release-request">
      <h2 className="release-card__title">Release {whatLabel(request.what, request.role)} for <strong>{request.account.name}</strong>?</h2>
      <dl className="release-card__facts">
        <dt>Program</dt>
        <dd data-testid="release-program">{visible(caller.exe || 'unknown')} <span className="release-card__pid">pid {caller.pid}</span>{caller.verified ? null : <span className="release-card__warn"> (as it describes itself; not verified on this system)</span>}</dd>
        {caller.commandLine ? (<><dt>Command</dt><dd className="release-card__mono">{visible(caller.commandLine)}</dd></>) : null}
        {caller.parentCommandLine ? (<><dt>Started by</dt><dd className="release-card__mono" data-testid="release-parent">{visible(caller.parentCommandLine)}</dd></>) : null}
        {request.account.awsSerial ? (<><dt>MFA device</dt><dd className="release-card__mono">{request.account.awsSerial}</dd></>) : null}
        {request.role ? (<><dt>Role</dt><dd className="release-card__mono">{visible(request.role)}</dd></>) : null}
      </dl>
      <p className="setting__description">Denied automatically in {secondsLeft(request, now)} s.</p>
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="release-card__actions">
        <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => void answer('deny')}>Deny</button>
        <button type="button" className="button button--small" disabled={busy} onClick={() => void answer('once')}>Allow once</button>
        {request.grantMinutes !== undefined ? (
          <button type="button" className="button button--small button--primary" disabled={busy} onClick={() => void answer('grant')}>Allow for {request.grantMinutes} min</button>
        ) : null}
      </div>
    </section>
  );
}

/** The whole page of the prompt window. */
export function ReleasePromptApp() {
  const [pending, setPending] = useState<readonly ReleaseRequest[]>([]);
  const [error, setError] = useState<string>();
  const refresh = useCallback(async () => {
    const release = releaseApi();
    if (!release) return;
    try {
      setPending(await call(release.pending()));
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useAuthdeskEvent('release.pending', (list) => setPending(list));
  const now = useNowEverySecond(pending.length > 0);
  return (
    <main className="release-prompt" aria-live="polite">
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      {pending.length === 0 ? <p className="setting__description">No program is waiting for approval.</p> : null}
      {pending.map((request) => <ReleaseRequestCard key={request.id} request={request} now={now} onAnswered={() => void refresh()} />)}
    </main>
  );
}
