import { useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../api.js';
import type { LockStatus } from '../types.js';
import { LockIcon } from './Icons.js';

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
      </form>
    </main>
  );
}
