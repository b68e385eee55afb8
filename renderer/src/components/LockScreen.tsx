import { useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../api.js';
import type { LockStatus } from '../types.js';
import { LockIcon } from './Icons.js';
import { useSystemAuthStatus } from './SystemAuthSetting.js';

const REASONS: Record<string, string> = {
  idle: 'Locked after a while without use.',
  'screen-lock': 'Locked because the screen was locked.',
  suspend: 'Locked when the computer went to sleep.',
  startup: 'Enter your passphrase to see your codes.',
  user: 'You locked Authdesk. Enter your passphrase to see your codes.',
};

export function LockScreen({ status }: { status: LockStatus }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // "Unlock with Touch ID" only when main says it can unlock now (available, turned on, passphrase set).
  const systemAuth = useSystemAuthStatus();
  const [prompting, setPrompting] = useState(false);
  const unlockWithSystem = async () => {
    setPrompting(true);
    setError(undefined);
    try {
      await call(api().lock.unlockWithSystem());
    } catch (e) {
      // Cancelled or not recognised: main's sentence; the passphrase field stays the way in.
      setError(messageOf(e));
    } finally {
      setPrompting(false);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (passphrase === '') return;
    setBusy(true);
    setError(undefined);
    try {
      await call(api().lock.unlock({ passphrase }));
      setPassphrase('');
    } catch (e) {
      setError(messageOf(e));
      setPassphrase('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="lock" aria-labelledby="lock-title">
      <form className="lock__card" onSubmit={submit}>
        <span className="lock__badge"><LockIcon /></span>
        <h1 id="lock-title" className="lock__title">Authdesk is locked</h1>
        <p className="lock__reason">{REASONS[status.reason ?? 'user'] ?? REASONS.user}</p>
        <label className="field">
          <span className="visually-hidden">Passphrase</span>
          <input className="input lock__input" type="password" name="passphrase" autoFocus autoComplete="current-password" placeholder="Passphrase" value={passphrase} aria-invalid={error !== undefined} aria-describedby={error ? 'lock-error' : undefined} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
        {error ? <p id="lock-error" className="form__error" role="alert">{error}</p> : null}
        <button type="submit" className="button button--primary button--wide" disabled={busy || passphrase === ''}>{busy ? 'Checking…' : 'Unlock'}</button>
        {systemAuth?.usable ? (
          <button type="button" className="button button--wide" disabled={prompting || busy} onClick={() => void unlockWithSystem()}>
            {prompting ? `Waiting for ${systemAuth.name ?? 'the system'}…` : `Unlock with ${systemAuth.name ?? 'system authentication'}`}
          </button>
        ) : null}
      </form>
    </main>
  );
}
