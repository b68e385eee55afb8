import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { call, messageOf } from '../api.js';
import { useSettings } from '../settings-context.js';
import { backupApi, onBackupChanged, when } from './backup-api.js';
import { ImportFlow } from './ImportFlow.js';
import type { BackupStatus, ExportFormatId, ImportStep } from './types.js';

const EXPORT_FORMATS: ReadonlyArray<{ id: ExportFormatId; label: string; hint: string }> = [
  { id: 'authdesk', label: 'Encrypted Authdesk backup', hint: 'Restore it here or on another computer with its passphrase; without Authdesk, scripts/decrypt-backup.mjs reads it.' },
  { id: 'otpauth', label: 'Plain otpauth:// list', hint: 'Other authenticator apps import it. It holds your keys in plain text: delete it after use.' },
  { id: 'google-qr', label: 'Google Authenticator QR codes', hint: 'PNG images to scan with Google Authenticator (Transfer accounts › Import). Delete them after.' },
];

/**
 * Settings › Backup: the backup passphrase and automatic backups, "Back up now", restoring an
 * automatic backup, importing another app's file, and exports (behind the app lock).
 */
export function BackupSettings() {
  const { settings, update, notify } = useSettings();
  const backup = backupApi();
  const [status, setStatus] = useState<BackupStatus>();
  const [mode, setMode] = useState<'idle' | 'passphrase' | 'export'>('idle');
  const [importing, setImporting] = useState<ImportStep>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [lockPassphrase, setLockPassphrase] = useState('');
  const [format, setFormat] = useState<ExportFormatId>('authdesk');
  const [exportWarning, setExportWarning] = useState<string>();

  const refresh = useCallback(() => {
    if (backup) void call(backup.status()).then(setStatus, (e: unknown) => setError(messageOf(e)));
  }, [backup]);
  useEffect(() => {
    refresh();
    return onBackupChanged(setStatus);
  }, [refresh]);
  if (!backup) return null;

  const reset = () => {
    setMode('idle');
    setNext('');
    setConfirm('');
    setLockPassphrase('');
    setError(undefined);
  };
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const savePassphrase = (event: FormEvent) => {
    event.preventDefault();
    if (next !== confirm) return setError('The two passphrases are different. Type the same passphrase twice.');
    void run(async () => {
      setStatus(await call(backup.setPassphrase({ passphrase: next, lockPassphrase })));
      reset();
      notify('Backup passphrase saved; a first backup was written. Remember it: you need it to restore on another computer.');
    });
  };
  const doExport = (event: FormEvent) => {
    event.preventDefault();
    if (format === 'authdesk' && next !== confirm) return setError('The two passphrases are different. Type the same passphrase twice.');
    void run(async () => {
      const result = await call(backup.exportFile({ format, lockPassphrase, ...(format === 'authdesk' ? { passphrase: next } : {}) }));
      if (!result) return;
      reset();
      setExportWarning(result.warning);
      notify(`Exported ${result.accounts} account${result.accounts === 1 ? '' : 's'} to ${result.files.length === 1 ? result.files[0] : `${result.files.length} files`}.`);
    });
  };

  const lockSet = settings.lockEnabled;
  /** The re-entered app lock passphrase; without an app lock, what to do instead (as "Show secret key…" says). */
  const lockField = (why: string) => (lockSet ? (
    <label className="field"><span className="field__label">App lock passphrase</span>
      <input className="input" type="password" name="lockPassphrase" autoComplete="current-password" value={lockPassphrase} onChange={(e) => setLockPassphrase(e.target.value)} />
      <span className="field__hint">{why}</span></label>
  ) : (
    <p className="backup-warning" role="note">Set an app lock passphrase first (Settings › App lock): backups and exports hold your keys, so they are kept behind the lock.</p>
  ));

  const keepOptions = [0, 3, 5, 10, 20, 50];
  return (
    <>
      <div className="setting backup-stacked" data-testid="backup-status">
        <span className="setting__text">
          <span className="setting__label">Automatic backups</span>
          <span className="setting__description">
            {!status ? 'Loading…' : !status.passphraseSet ? 'Off: set a backup passphrase to keep encrypted backups of your accounts in the app’s folder after every change.'
              : settings.autoBackupKeep === 0 ? 'Passphrase set, but automatic backups are turned off below.'
                : `On: the last ${settings.autoBackupKeep} backups are kept (${status.backups.length} now${status.backups[0] ? `, newest ${when(status.backups[0].createdAt)}` : ''}).`}
          </span>
          {status?.last?.status === 'failed' ? <span className="setting__description form__error" role="alert">The last automatic backup failed: {status.last.error?.message}</span> : null}
        </span>
        <span className="setting__buttons">
          {status?.passphraseSet ? <button type="button" className="button button--small" disabled={busy} onClick={() => void run(async () => { setStatus(await call(backup.backupNow())); notify('Backup written.'); })}>Back up now</button> : null}
          <button type="button" className={`button button--small${status?.passphraseSet ? '' : ' button--primary'}`} onClick={() => { reset(); setMode('passphrase'); }}>{status?.passphraseSet ? 'Change passphrase…' : 'Set passphrase…'}</button>
          {status?.passphraseSet ? <button type="button" className="button button--small" disabled={busy} onClick={() => void run(async () => { setStatus(await call(backup.clearPassphrase())); notify('Automatic backups stopped. Existing backup files were kept.'); })}>Turn off</button> : null}
        </span>
      </div>
      {mode === 'passphrase' ? (
        <form className="form form--inset backup-panel" onSubmit={savePassphrase} aria-label="Backup passphrase">
          <label className="field"><span className="field__label">Backup passphrase (8 or more characters)</span>
            <input className="input" type="password" name="backupPassphrase" autoFocus autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} /></label>
          <label className="field"><span className="field__label">Repeat it</span>
            <input className="input" type="password" name="backupPassphraseConfirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} /></label>
          {lockField('Backups hold your keys, so changing their passphrase needs the app lock’s passphrase.')}
          <p className="backup-note">The passphrase is kept in your system keychain for automatic backups. To restore on another computer you must know it: write it down somewhere safe.</p>
          {error ? <p className="form__error" role="alert">{error}</p> : null}
          <div className="form__actions">
            <button type="button" className="button" onClick={reset}>Cancel</button>
            <button type="submit" className="button button--primary" disabled={busy || !lockSet || next.length < 8}>Save passphrase</button>
          </div>
        </form>
      ) : null}
      <label className="setting">
        <span className="setting__text"><span className="setting__label">Backups to keep</span><span className="setting__description">In {status?.folder ?? 'the app’s folder'}.</span></span>
        <select className="input input--compact" name="autoBackupKeep" value={settings.autoBackupKeep} onChange={(e) => void update({ autoBackupKeep: Number(e.target.value) })}>
          {(keepOptions.includes(settings.autoBackupKeep) ? keepOptions : [...keepOptions, settings.autoBackupKeep].sort((a, b) => a - b)).map((n) => <option key={n} value={n}>{n === 0 ? 'None (off)' : n}</option>)}
        </select>
      </label>

      <div className="setting">
        <span className="setting__text">
          <span className="setting__label">Import or restore</span>
          <span className="setting__description">Authdesk backups, Google Authenticator exports (text or QR images), Aegis, 2FAS, Ente Auth, Bitwarden JSON, otpauth:// lists. Duplicates are skipped; an import is all or nothing.</span>
        </span>
        <button type="button" className="button button--small" disabled={busy || importing !== undefined} onClick={() => void run(async () => { const step = await call(backup.importChoose()); if (step) setImporting(step); })}>Import a file…</button>
      </div>
      {status && status.backups.length > 0 && !importing ? (
        <div className="setting backup-stacked">
          <span className="setting__text">
            <span className="setting__label" id="backup-list-label">Restore an automatic backup</span>
            <span className="setting__description">Adds back the accounts that backup holds and this vault lacks; nothing here is changed or removed.</span>
          </span>
          <ul className="backup-list" aria-labelledby="backup-list-label">
            {status.backups.map((b) => (
              <li key={b.name}>
                <span>{when(b.createdAt, true)} <span className="backup-note">({Math.ceil(b.bytes / 1024)} KB)</span></span>
                <button type="button" className="button button--small" disabled={busy} aria-label={`Restore the backup of ${when(b.createdAt, true)}…`} onClick={() => void run(async () => setImporting(await call(backup.restoreOpen({ name: b.name }))))}>Restore…</button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {importing ? <ImportFlow initial={importing} onDone={(message) => { setImporting(undefined); refresh(); if (message) notify(message); }} /> : null}

      <div className="setting">
        <span className="setting__text">
          <span className="setting__label">Export</span>
          <span className="setting__description">Move your accounts to another computer or app.</span>
        </span>
        <button type="button" className="button button--small" onClick={() => { reset(); setExportWarning(undefined); setMode('export'); }}>Export…</button>
      </div>
      {exportWarning ? <p className="backup-warning" role="status">{exportWarning}</p> : null}
      {mode === 'export' ? (
        <form className="form form--inset backup-panel" onSubmit={doExport} aria-label="Export">
          <label className="field"><span className="field__label">Format</span>
            <select className="input" name="exportFormat" value={format} onChange={(e) => setFormat(e.target.value as ExportFormatId)}>
              {EXPORT_FORMATS.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
            </select>
            <span className="field__hint">{EXPORT_FORMATS.find((f) => f.id === format)?.hint}</span></label>
          {format === 'authdesk' ? (
            <>
              <label className="field"><span className="field__label">Passphrase for this backup (8 or more characters)</span>
                <input className="input" type="password" name="exportPassphrase" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} /></label>
              <label className="field"><span className="field__label">Repeat it</span>
                <input className="input" type="password" name="exportPassphraseConfirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} /></label>
            </>
          ) : <p className="backup-warning">This file will hold your secret keys in plain form. Anyone who gets it can make your codes.</p>}
          {lockField('Exports hold your keys, so they need the app lock’s passphrase.')}
          {error ? <p className="form__error" role="alert">{error}</p> : null}
          <div className="form__actions">
            <button type="button" className="button" onClick={reset}>Cancel</button>
            <button type="submit" className="button button--primary" disabled={busy || !lockSet || lockPassphrase === '' || (format === 'authdesk' && next.length < 8)}>Choose where to save…</button>
          </div>
        </form>
      ) : null}
      {error && mode === 'idle' ? <p className="form__error" role="alert">{error}</p> : null}
    </>
  );
}
