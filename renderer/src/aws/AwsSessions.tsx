import { useCallback, useEffect, useState } from 'react';
import { call, messageOf } from '../api.js';
import { awsApi, onAwsNote } from './aws-api.js';
import { usePresent } from '../hooks/usePresence.js';
import type { AwsSessionView } from './types.js';

/** "11 h 58 min", "4 min", "expired": the time left of a session, as the CLI's `aws sessions` says it. */
export function timeLeft(seconds: number): string {
  if (seconds <= 0) return 'expired';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min` : `${seconds} s`;
}

/**
 * Settings › AWS › MFA sessions: the sessions `authdesk aws credentials` (and the automatic MFA
 * session) cached in the keychain — profile, device, role, time left — with Revoke, which removes
 * the cached session (the next AWS command gets a new one with a fresh code). Main sends only the
 * sessions' facts, never their credentials.
 */
export function AwsSessions() {
  const aws = awsApi();
  const [sessions, setSessions] = useState<readonly AwsSessionView[]>();
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    if (!aws) return;
    try {
      setSessions(await call(aws.sessions()));
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [aws]);
  useEffect(() => { void load(); }, [load]);
  // An automatic MFA session (Force_MFA) was just made and cached: show it.
  useEffect(() => onAwsNote(() => void load()), [load]);
  // Time left counts down while the list is open and can be seen (each minute is enough for
  // "h min"); no timer while the window is hidden (docs/power.md), and the time is fresh on show.
  const present = usePresent();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!present) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [present]);
  if (!aws) return null;
  const left = (s: AwsSessionView) => Math.max(0, Math.floor((Date.parse(s.expiration) - now) / 1000));

  const revoke = async (session: AwsSessionView) => {
    setBusy(true);
    setNote(undefined);
    try {
      const { removed } = await call(aws.revokeSession({ id: session.id }));
      setNote(removed ? `Revoked the session of ${session.profile}${session.roleArn ? ` (${session.roleArn})` : ''}.` : 'That session was already gone.');
      await load();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="aws-settings__sessions">
      <legend className="field__label">MFA sessions</legend>
      <span className="field__hint">Cached in the keychain by <code>authdesk aws credentials</code>; renewed with a fresh code near expiry.</span>
      {sessions === undefined ? null : sessions.length ? (
        <ul className="aws-sessions" aria-label="Cached MFA sessions">
          {sessions.map((s) => (
            <li key={s.id} className="aws-devices__row" data-testid="aws-session">
              <span className="aws-sessions__profile">{s.profile}</span>
              <span className="field__hint">
                {s.roleArn ? `role ${s.roleArn}` : 'MFA session'}{s.serial ? ` · ${s.serial}` : ''}
              </span>
              <span className="field__hint" data-testid="aws-session-left">
                {left(s) > 0 ? `${timeLeft(left(s))} left` : 'expired'}{left(s) > 0 && !s.reusable ? ' · renewed on next use' : ''}
              </span>
              <button type="button" className="button button--small" disabled={busy} onClick={() => void revoke(s)}>Revoke</button>
            </li>
          ))}
        </ul>
      ) : <p className="field__hint" role="status">No cached MFA sessions.</p>}
      <div className="form__actions"><button type="button" className="button" disabled={busy} onClick={() => void load()}>Refresh</button></div>
      {note ? <p className="field__hint" role="status">{note}</p> : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
    </fieldset>
  );
}
