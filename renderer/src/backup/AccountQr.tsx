import { useEffect, useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../api.js';
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
  // Like "Show secret key…": without an app lock, say what to do instead of failing on submit.
  const [lockSet, setLockSet] = useState<boolean>();
  useEffect(() => {
    void call(api().settings.get()).then((s) => setLockSet(s.lockEnabled), () => setLockSet(true));
  }, []);
  const backup = backupApi();
  const name = account.issuer ? `${account.issuer} (${account.label})` : account.label;
  if (!backup || lockSet === undefined) return null;
  if (!lockSet) {
    return (
      <div className="form">
        <p className="backup-note">Showing a QR code needs the app lock: set a passphrase in <b>Settings → App lock</b> first, so nobody passing by your computer can copy your keys.</p>
        <div className="form__actions"><button type="button" className="button button--primary" autoFocus onClick={close}>OK</button></div>
      </div>
    );
  }

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
        <p className="backup-heading">{name}</p>
        <img src={dataUrl} alt={`QR code of ${account.issuer ? `${account.issuer}: ` : ''}${account.label}`} />
        <p className="backup-warning">This QR code is the account’s secret key. Scan it with your other authenticator, then close this window.</p>
        <div className="form__actions"><button type="button" className="button button--primary" onClick={close}>Done</button></div>
      </div>
    );
  }
  return (
    <form className="form" onSubmit={(e) => void show(e)} aria-label="Show QR code">
      <p className="backup-note">Show a QR code of <b>{name}</b>, to add it to another authenticator app.</p>
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
