import { useState, type FormEvent } from 'react';
import { call, messageOf } from '../api.js';
import type { AccountActionProps } from '../slots.js';
import { backupApi } from './backup-api.js';

/**
 * An account's otpauth:// QR code, to move it to a phone. Behind the app lock: the code IS the
 * secret, so the lock passphrase is asked every time, and the image is dropped when the dialog closes.
 */
export function AccountQr({ account, close }: AccountActionProps) {
  const [lockPassphrase, setLockPassphrase] = useState('');
  const [dataUrl, setDataUrl] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const backup = backupApi();
  if (!backup) return null;

  const show = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setDataUrl((await call(backup.accountQr({ id: account.id, lockPassphrase }))).dataUrl);
      setLockPassphrase('');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (dataUrl) {
    return (
      <div className="backup-qr">
        <img src={dataUrl} alt={`QR code of ${account.issuer ? `${account.issuer}: ` : ''}${account.label}`} />
        <p className="backup-warning">This QR code is the account’s secret key. Scan it with your other authenticator, then close this window.</p>
        <div className="form__actions"><button type="button" className="button button--primary" onClick={close}>Done</button></div>
      </div>
    );
  }
  return (
    <form className="form" onSubmit={(e) => void show(e)} aria-label="Show QR code">
      <p className="backup-note">Show a QR code of this account, to add it to another authenticator app.</p>
      <label className="field"><span className="field__label">App lock passphrase</span>
        <input className="input" type="password" name="lockPassphrase" autoFocus autoComplete="current-password" value={lockPassphrase} onChange={(e) => setLockPassphrase(e.target.value)} /></label>
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={close}>Cancel</button>
        <button type="submit" className="button button--primary" disabled={busy || lockPassphrase === ''}>Show QR code</button>
      </div>
    </form>
  );
}
