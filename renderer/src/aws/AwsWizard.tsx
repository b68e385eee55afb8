import { useEffect, useId, useState } from 'react';
import { call, messageOf } from '../api.js';
import type { AddMethodProps } from '../slots.js';
import { awsApi } from './aws-api.js';
import { StepList } from './StepList.js';
import type { AwsEnrollView, AwsIdentity, AwsProfileView } from './types.js';
import { useAwsFlow } from './useFlow.js';

const CHOICE_LABELS: Record<string, string> = {
  retry: 'Try again with fresh codes',
  'delete-device': 'Delete the device on AWS',
  keep: 'Keep it pending for later',
  'delete-and-retry': 'Delete the unused device and try again',
  rename: 'Choose another name',
};

/**
 * "Add AWS MFA device": profile, user and device name; then each step as it happens (identify,
 * create, save the key as pending, wait for a fresh code step, enable); on failure the choices the
 * flow offers (docs/aws.md). Codes go to AWS on AWS's own clock; nothing here sees a seed.
 */
export function AwsWizard({ onAdded, onCancel }: AddMethodProps) {
  const ids = { profile: useId(), user: useId(), name: useId(), path: useId() };
  const [profiles, setProfiles] = useState<readonly AwsProfileView[]>([]);
  const [profile, setProfile] = useState('');
  const [userName, setUserName] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const [path, setPath] = useState('/');
  const [identity, setIdentity] = useState<AwsIdentity>();
  const [identityError, setIdentityError] = useState<string>();
  const [phase, setPhase] = useState<'form' | 'flow'>('form');
  const [result, setResult] = useState<AwsEnrollView | { deviceDeleted: boolean }>();
  const [kept, setKept] = useState(false);
  const flow = useAwsFlow<AwsEnrollView | { deviceDeleted: boolean }>();
  const api = awsApi();

  useEffect(() => {
    if (!api) return;
    void call(api.profiles()).then(setProfiles, () => setProfiles([]));
  }, [api]);

  if (!api) return <p className="form__error" role="alert">This version of Authdesk cannot reach AWS.</p>;
  const profileArg = profile ? { profile } : {};

  const check = async () => {
    setIdentity(undefined);
    setIdentityError(undefined);
    try {
      setIdentity(await call(api.whoami(profileArg)));
    } catch (e) {
      setIdentityError(messageOf(e));
    }
  };

  const enroll = async (replaceUnassigned = false) => {
    setPhase('flow');
    setResult(undefined);
    const value = await flow.run((operationId) => api.enroll({
      operationId, deviceName: deviceName.trim(), ...profileArg,
      ...(userName.trim() ? { userName: userName.trim() } : {}),
      ...(path.trim() && path.trim() !== '/' ? { path: path.trim() } : {}),
      ...(replaceUnassigned ? { replaceUnassigned } : {}),
    }));
    if (value) setResult(value);
  };

  const pendingId = flow.failure?.details?.accountId as string | undefined;
  const choose = async (choice: string) => {
    if (choice === 'rename') {
      setPhase('form');
      return;
    }
    if (choice === 'delete-and-retry') return enroll(true);
    if (choice === 'keep') {
      setKept(true);
      return;
    }
    if (!pendingId) return;
    const value = choice === 'retry'
      ? await flow.run((operationId) => api.finish({ operationId, id: pendingId, ...profileArg }))
      : await flow.run((operationId) => api.cleanup({ operationId, id: pendingId, ...profileArg }));
    if (value) setResult(value);
  };

  if (phase === 'form') {
    const valid = /^[\w+=,.@-]{1,226}$/.test(deviceName.trim());
    return (
      <form className="form aws-wizard" aria-label="Add AWS MFA device" onSubmit={(e) => { e.preventDefault(); if (valid) void enroll(); }}>
        <p className="setting__description">
          Authdesk creates a virtual MFA device for an IAM user with your AWS credentials, keeps its key in the keychain and enables it.
          Your AWS credentials stay where they are (the AWS CLI’s files or environment); Authdesk never stores them.
        </p>
        <div className="field">
          <label className="field__label" htmlFor={ids.profile}>AWS profile</label>
          <select id={ids.profile} className="input" value={profile} onChange={(e) => { setProfile(e.target.value); setIdentity(undefined); }}>
            <option value="">Default credentials</option>
            {profiles.map((p) => <option key={p.name} value={p.name}>{p.name} ({p.kind}{p.region ? `, ${p.region}` : ''})</option>)}
          </select>
          <div className="aws-wizard__identity">
            <button type="button" className="button button--small" onClick={() => void check()}>Check credentials</button>
            {identity ? <span className="field__hint" data-testid="aws-identity">{identity.userName} in account {identity.accountId}</span> : null}
            {identityError ? <span className="field__hint field__hint--error" role="alert">{identityError}</span> : null}
          </div>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.user}>IAM user</label>
          <input id={ids.user} className="input" value={userName} onChange={(e) => setUserName(e.target.value)} placeholder="The credentials’ own user" spellCheck={false} autoComplete="off" />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.name}>Device name</label>
          <input id={ids.name} className="input" value={deviceName} onChange={(e) => setDeviceName(e.target.value)} placeholder="e.g. laptop" spellCheck={false} autoComplete="off" autoFocus />
          <span className={`field__hint${deviceName && !valid ? ' field__hint--error' : ''}`}>Letters, digits and + = , . @ _ - (no spaces). AWS shows it as the device’s name.</span>
        </div>
        <details className="aws-wizard__advanced">
          <summary>Advanced</summary>
          <div className="field">
            <label className="field__label" htmlFor={ids.path}>IAM path</label>
            <input id={ids.path} className="input input--mono" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
          </div>
        </details>
        <div className="form__actions">
          <button type="button" className="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button button--primary" disabled={!valid}>Create and enable</button>
        </div>
      </form>
    );
  }

  const failure = flow.busy ? undefined : flow.failure;
  const choices = ((failure?.details?.choices as string[] | undefined) ?? []).filter((c) => c in CHOICE_LABELS);
  const devices = failure?.details?.devices as string[] | undefined;
  const enrolled = result && 'account' in result ? result : undefined;
  const cleaned = result && 'deviceDeleted' in result ? result : undefined;
  return (
    <div className="form aws-wizard" aria-label="Add AWS MFA device">
      <StepList events={flow.events} />
      {enrolled ? (
        <div className="aws-wizard__done" role="status" data-testid="aws-done">
          <p><strong>{enrolled.alreadyEnabled ? 'AWS had already enabled' : 'Enabled'}</strong> {enrolled.serialNumber} for IAM user {enrolled.userName}.</p>
          <p className="field__hint">Use this serial number wherever a tool asks for your MFA device (for example aws-vault’s mfa_serial).</p>
          <div className="form__actions"><button type="button" className="button button--primary" onClick={() => onAdded([enrolled.account])}>Done</button></div>
        </div>
      ) : null}
      {cleaned ? (
        <div role="status" data-testid="aws-cleaned">
          <p>{cleaned.deviceDeleted ? 'The device was deleted on AWS and the pending account removed.' : 'The device was already gone on AWS; the pending account was removed.'}</p>
          <div className="form__actions"><button type="button" className="button button--primary" onClick={onCancel}>Close</button></div>
        </div>
      ) : null}
      {failure && !kept ? (
        <div className="aws-wizard__failure" data-testid="aws-failure" data-code={failure.code}>
          <p className="form__error" role="alert">{failure.message}</p>
          {devices?.length ? <ul className="aws-wizard__devices">{devices.map((d) => <li key={d} className="input--mono">{d}</li>)}</ul> : null}
          <div className="form__actions">
            {choices.map((c) => (
              <button key={c} type="button" className={`button${c === choices[0] ? ' button--primary' : ''}`} onClick={() => void choose(c)}>{CHOICE_LABELS[c]}</button>
            ))}
            {!choices.length ? <button type="button" className="button" onClick={() => setPhase('form')}>Back</button> : null}
            <button type="button" className="button" onClick={onCancel}>Close</button>
          </div>
        </div>
      ) : null}
      {kept ? (
        <div role="status" data-testid="aws-kept">
          <p>The account stays pending in your list, with its key. Finish it later from the account’s menu.</p>
          <div className="form__actions"><button type="button" className="button button--primary" onClick={onCancel}>Close</button></div>
        </div>
      ) : null}
    </div>
  );
}
