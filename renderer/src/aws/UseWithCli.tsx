import { useEffect, useId, useState } from 'react';
import { call, messageOf } from '../api.js';
import type { AccountActionProps } from '../slots.js';
import { awsApi } from './aws-api.js';
import type { AwsProfileView, CliInstallView, SetupProfileView } from './types.js';

/**
 * Account › "Use with the AWS CLI…": the form of `authdesk aws setup-profile` (profile name, source
 * profile with the long-term keys, optional role and region) with a preview of the exact lines it
 * adds to the AWS config file; main writes them (electron/main/handlers/aws-profile.ts).
 */
export function UseWithCli({ account, close }: AccountActionProps) {
  const ids = { name: useId(), source: useId(), role: useId(), region: useId(), force: useId() };
  const aws = awsApi();
  const [profiles, setProfiles] = useState<readonly AwsProfileView[]>([]);
  const [name, setName] = useState('work');
  const [source, setSource] = useState('');
  const [roleArn, setRoleArn] = useState('');
  const [region, setRegion] = useState('');
  const [force, setForce] = useState(false);
  const [preview, setPreview] = useState<SetupProfileView>();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<SetupProfileView>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!aws) return;
    void call(aws.profiles()).then((list) => {
      // Sources hold long-term keys; a profile that already runs a process (Authdesk's own) cannot be one.
      const usable = list.filter((p) => p.kind !== 'process');
      setProfiles(usable);
      setSource((current) => current || (usable.find((p) => p.name === 'default') ?? usable[0])?.name || '');
    }, () => setProfiles([]));
  }, [aws]);

  const request = (write: boolean) => ({
    id: account.id, name: name.trim(), sourceProfile: source, write, force,
    ...(roleArn.trim() ? { roleArn: roleArn.trim() } : {}), ...(region.trim() ? { region: region.trim() } : {}),
  });

  // The preview follows the form (a short pause after typing, so each keystroke is not a file read).
  useEffect(() => {
    if (!aws || !source || !name.trim() || done) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      call(aws.setupProfile(request(false))).then(
        (view) => { if (!cancelled) { setPreview(view); setProblem(undefined); } },
        (error: unknown) => { if (!cancelled) { setPreview(undefined); setProblem(messageOf(error)); } },
      );
    }, 250);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [aws, name, source, roleArn, region, force, done]);

  if (!aws) return null;
  const write = async () => {
    setBusy(true);
    try {
      setDone(await call(aws.setupProfile(request(true))));
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div className="form" aria-label="Use with the AWS CLI">
        <p role="status" data-testid="aws-cli-done">
          {done.action === 'added' ? 'Added' : 'Replaced'} the profile “{name.trim()}” in {done.configFile}.
          {done.backup ? ` The previous file is kept as ${done.backup}.` : ''}
        </p>
        <p className="setting__description">Every AWS CLI or SDK command with this profile now gets an MFA session for {done.serial} from Authdesk, without a code:</p>
        <pre className="aws-cli__preview">aws sts get-caller-identity --profile {name.trim()}</pre>
        <div className="form__actions"><button type="button" className="button button--primary" onClick={close}>Done</button></div>
      </div>
    );
  }
  return (
    <form className="form" aria-label="Use with the AWS CLI" onSubmit={(e) => { e.preventDefault(); if (preview) void write(); }}>
      <p className="setting__description">
        Adds a profile to your AWS config file whose credentials come from Authdesk: an MFA session for {account.awsSerial}, made from
        the source profile’s access keys with a fresh code, renewed when it runs out. Nothing else in the file changes.
      </p>
      <div className="field">
        <label className="field__label" htmlFor={ids.name}>Profile name</label>
        <input id={ids.name} className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={ids.source}>Source profile (your access keys)</label>
        <select id={ids.source} className="input" value={source} onChange={(e) => setSource(e.target.value)}>
          {profiles.length === 0 ? <option value="">No profiles found: run “aws configure” first</option> : null}
          {profiles.map((p) => <option key={p.name} value={p.name}>{p.name} ({p.kind}{p.region ? `, ${p.region}` : ''})</option>)}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={ids.role}>Role to assume (optional)</label>
        <input id={ids.role} className="input" value={roleArn} placeholder="arn:aws:iam::123456789012:role/NAME" onChange={(e) => setRoleArn(e.target.value)} spellCheck={false} />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={ids.region}>Region (optional)</label>
        <input id={ids.region} className="input" value={region} placeholder="the source profile’s" onChange={(e) => setRegion(e.target.value)} spellCheck={false} />
      </div>
      <div className="field field--inline">
        <input id={ids.force} type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
        <label htmlFor={ids.force}>Replace a profile of that name</label>
      </div>
      {preview ? (
        <div className="field">
          <span className="field__label">{preview.action === 'added' ? 'Lines to add' : 'Lines that replace the profile'} ({preview.configFile}, line {preview.line})</span>
          <pre className="aws-cli__preview" data-testid="aws-cli-preview">{preview.lines}</pre>
        </div>
      ) : null}
      {problem ? <p className="form__error" role="alert">{problem}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={close}>Cancel</button>
        <button type="submit" className="button button--primary" disabled={!preview || busy}>{preview?.action === 'replaced' ? 'Replace profile' : 'Add profile'}</button>
      </div>
    </form>
  );
}

/** Settings › Command line: "Install the command-line tool" (as VS Code's "Install 'code' command in PATH"). */
export function CliToolSettings() {
  const aws = awsApi();
  const [result, setResult] = useState<CliInstallView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!aws) return null;
  const install = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await call(aws.installCli()));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="setting">
      <p className="setting__description">
        The <code>authdesk</code> command gives codes and AWS sessions to other programs (the AWS CLI’s credential_process, aws-vault’s mfa_process, scripts).
        It ships with the app; installing puts it on your PATH.
      </p>
      <button type="button" className="button" disabled={busy} onClick={() => void install()}>Install the command-line tool</button>
      {result ? <p role="status" data-testid="cli-install-done">{result.message}</p> : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
    </div>
  );
}
