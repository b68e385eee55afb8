import { useEffect, useState, type FormEvent } from 'react';
import { call, messageOf } from '../api.js';
import { backupApi, onBackupProgress } from './backup-api.js';
import type { ImportStep } from './types.js';

/**
 * One import, from the first step main returned (needs-passphrase or ready) to the accounts added.
 * Shows what will be imported, the duplicates skipped and what Authdesk cannot use, then asks.
 * Nothing secret reaches this view: main keeps the file and the plan (backup.importId).
 */
export function ImportFlow({ initial, onDone }: { initial: ImportStep; onDone(message?: string): void }) {
  const [step, setStep] = useState<ImportStep>(initial);
  const [passphrase, setPassphrase] = useState('');
  const [skipUnsupported, setSkipUnsupported] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  const backup = backupApi();

  useEffect(() => onBackupProgress(setProgress), []);
  if (!backup) return null;

  const cancel = () => {
    void call(backup.importDiscard({ importId: step.importId })).catch(() => undefined);
    onDone();
  };
  const decrypt = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setStep(await call(backup.importDecrypt({ importId: step.importId, passphrase })));
      setPassphrase('');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const added = await call(backup.importApply({ importId: step.importId, skipUnsupported }));
      onDone(added.length === 0 ? 'Nothing new to import.' : `Imported ${added.length} account${added.length === 1 ? '' : 's'}.`);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  if (step.state === 'needs-passphrase') {
    return (
      <form className="form form--inset backup-panel" onSubmit={(e) => void decrypt(e)} aria-label="Passphrase of the file">
        <p className="backup-note">
          {step.olderPassphrase
            ? 'This automatic backup was made before the backup passphrase was last changed: enter the passphrase it had then.'
            : `This ${step.formatName} is protected by a passphrase: the one chosen when it was made.`}
        </p>
        <label className="field"><span className="field__label">Passphrase of the file</span>
          <input className="input" type="password" name="filePassphrase" autoFocus autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} /></label>
        {error ? <p className="form__error" role="alert">{error}</p> : null}
        <div className="form__actions">
          <button type="button" className="button" onClick={cancel}>Cancel</button>
          <button type="submit" className="button button--primary" disabled={busy || passphrase === ''}>{busy ? 'Decrypting…' : 'Open'}</button>
        </div>
      </form>
    );
  }

  const blocked = step.unsupported.length > 0 && !skipUnsupported;
  return (
    <div className="form form--inset backup-panel" role="group" aria-label="Import preview">
      <p className="backup-heading">{step.formatName}: {step.toAdd.length} account{step.toAdd.length === 1 ? '' : 's'} to import.</p>
      {step.toAdd.length > 0 ? (
        <ul className="backup-list" aria-label="Accounts to import">
          {step.toAdd.map((a, i) => <li key={i}><span><span className="backup-list__mark backup-list__mark--add">+</span>{a.issuer ? `${a.issuer}: ` : ''}{a.label}{a.type === 'hotp' ? ' (HOTP)' : ''}</span></li>)}
        </ul>
      ) : null}
      {step.duplicates.length > 0 ? (
        <>
          <p className="backup-note">Skipped as duplicates ({step.duplicates.length}):</p>
          <ul className="backup-list" aria-label="Duplicates">
            {step.duplicates.map((d, i) => <li key={i} className="backup-list__reasoned"><span><span className="backup-list__mark">=</span>{d.name}</span><span className="backup-note backup-list__reason">{d.reason}</span></li>)}
          </ul>
        </>
      ) : null}
      {step.unsupported.length > 0 ? (
        <>
          <p className="backup-note">Authdesk cannot use {step.unsupported.length === 1 ? 'this entry' : `these ${step.unsupported.length} entries`}:</p>
          <ul className="backup-list" aria-label="Unsupported entries">
            {step.unsupported.map((u, i) => <li key={i} className="backup-list__reasoned"><span><span className="backup-list__mark backup-list__mark--warn">!</span>{u.name}</span><span className="backup-note backup-list__reason">{u.reason}</span></li>)}
          </ul>
          <label className="setting setting--switch">
            <span className="setting__text"><span className="setting__label">Import the others and leave these out</span></span>
            <input type="checkbox" className="switch" name="skipUnsupported" checked={skipUnsupported} onChange={(e) => setSkipUnsupported(e.target.checked)} />
          </label>
        </>
      ) : null}
      {step.warnings.map((w, i) => <p key={i} className="backup-warning" role="status">{w}</p>)}
      {blocked ? <p className="backup-note">Nothing is imported while these are in the file: turn on “Import the others and leave these out” to go ahead.</p> : null}
      {progress && busy ? <p className="backup-note" role="status">Storing keys in the keychain: {progress.done} / {progress.total}</p> : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={cancel} disabled={busy}>Cancel</button>
        <button type="button" className="button button--primary" disabled={busy || blocked || step.toAdd.length === 0} onClick={() => void apply()}>
          {busy ? 'Importing…' : `Import ${step.toAdd.length} account${step.toAdd.length === 1 ? '' : 's'}`}
        </button>
      </div>
    </div>
  );
}
