import { useEffect, useId, useState } from 'react';
import { api, call, messageOf } from '../api.js';
import { awsApi, onAwsNote } from './aws-api.js';
import { AwsSessions } from './AwsSessions.js';
import type { AwsProfileView, DeviceRow } from './types.js';

/**
 * Settings › AWS: the profile Authdesk uses for AWS calls (stored as settings.awsProfile; the AWS
 * credentials themselves stay in the AWS CLI's files), and the Devices view: a user's MFA devices
 * or the account's unassigned virtual devices, with deactivate/delete after confirmation.
 */
export function AwsSettings() {
  const ids = { profile: useId(), user: useId() };
  const [profiles, setProfiles] = useState<readonly AwsProfileView[]>([]);
  const [profile, setProfile] = useState('');
  const [userName, setUserName] = useState('');
  const [unassigned, setUnassigned] = useState(false);
  const [devices, setDevices] = useState<readonly DeviceRow[]>();
  const [confirming, setConfirming] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  /** What the last action did, in order: main's notes (an automatic MFA session) and its outcome. */
  const [notes, setNotes] = useState<readonly string[]>([]);
  const aws = awsApi();

  useEffect(() => onAwsNote(({ message }) => setNotes((list) => [...list, message])), []);

  useEffect(() => {
    if (!aws) return;
    void call(aws.profiles()).then(setProfiles, () => setProfiles([]));
    void call(api().settings.get()).then((s) => setProfile(s.awsProfile ?? ''), () => undefined);
  }, [aws]);
  if (!aws) return null;

  const saveProfile = async (value: string) => {
    setProfile(value);
    try {
      await call(api().settings.update({ awsProfile: value }));
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const load = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setDevices(await call(aws.devices({ ...(userName.trim() && !unassigned ? { userName: userName.trim() } : {}), unassigned })));
    } catch (e) {
      setError(messageOf(e));
      setDevices(undefined);
    } finally {
      setBusy(false);
    }
  };
  const act = async (row: DeviceRow) => {
    if (confirming !== row.serialNumber) {
      setConfirming(row.serialNumber);
      return;
    }
    setConfirming(undefined);
    setBusy(true);
    setError(undefined);
    setNotes([]);
    try {
      if (row.assigned) await call(aws.deactivate({ serial: row.serialNumber, ...(row.userName ? { userName: row.userName } : {}) }));
      else await call(aws.deleteDevice({ serial: row.serialNumber }));
      setNotes((list) => [...list, row.assigned ? `Deactivated ${row.serialNumber}.` : `Deleted ${row.serialNumber}.`]);
      setBusy(false);
      await load();
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <div className="form aws-settings">
      <div className="field">
        <label className="field__label" htmlFor={ids.profile}>AWS profile</label>
        <select id={ids.profile} className="input" value={profile} onChange={(e) => void saveProfile(e.target.value)}>
          <option value="">Default credentials</option>
          {profiles.map((p) => <option key={p.name} value={p.name}>{p.name} ({p.kind})</option>)}
        </select>
        <span className="field__hint">Authdesk uses the AWS CLI’s profiles and never stores AWS credentials.</span>
      </div>
      <fieldset className="aws-settings__devices">
        <legend className="field__label">MFA devices</legend>
        <div className="field">
          <label className="field__label" htmlFor={ids.user}>IAM user</label>
          <input id={ids.user} className="input" value={userName} disabled={unassigned} onChange={(e) => setUserName(e.target.value)} placeholder="The credentials’ own user" spellCheck={false} />
        </div>
        <label className="setting__toggle"><input type="checkbox" checked={unassigned} onChange={(e) => setUnassigned(e.target.checked)} /> Unassigned virtual devices instead</label>
        <div className="form__actions"><button type="button" className="button" disabled={busy} onClick={() => { setNotes([]); void load(); }}>Show devices</button></div>
        {devices ? (
          devices.length ? (
            <ul className="aws-devices" aria-label="AWS MFA devices">
              {devices.map((d) => (
                <li key={d.serialNumber} className="aws-devices__row">
                  <span className="input--mono aws-devices__serial">{d.serialNumber}</span>
                  <span className="field__hint">
                    {d.assigned ? `${d.userName ?? ''}${d.enableDate ? ` · enabled ${d.enableDate.slice(0, 10)}` : ''}` : 'not assigned'}
                    {d.accountId ? ` · in Authdesk: ${d.label ?? ''}${d.accountStatus !== 'active' ? ` (${d.accountStatus ?? ''})` : ''}` : ''}
                  </span>
                  <button type="button" className="button button--small" disabled={busy} onClick={() => void act(d)}>
                    {confirming === d.serialNumber ? (d.assigned ? 'Confirm deactivate' : 'Confirm delete') : d.assigned ? 'Deactivate' : 'Delete'}
                  </button>
                </li>
              ))}
            </ul>
          ) : <p className="field__hint" role="status">{unassigned ? 'No unassigned virtual MFA devices.' : 'No MFA devices.'}</p>
        ) : null}
      </fieldset>
      <AwsSessions />
      {notes.length ? <div role="status" data-testid="aws-notes">{notes.map((n, i) => <p key={i} className="field__hint">{n}</p>)}</div> : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
    </div>
  );
}
