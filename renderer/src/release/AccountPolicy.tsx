import { useEffect, useState } from 'react';
import { call, messageOf } from '../api.js';
import type { AccountActionProps } from '../slots.js';
import { api } from '../api.js';
import { PolicyPicker } from './PolicyPicker.js';
import { releaseApi } from './release-api.js';
import type { ReleasePolicy } from './types.js';
import { policyLabel } from './wording.js';

/** Account › "Release to other programs…": this account's release policy. */
export function AccountPolicy({ account, close }: AccountActionProps) {
  const [policy, setPolicy] = useState<ReleasePolicy | undefined>(account.releasePolicy);
  const [defaultPolicy, setDefaultPolicy] = useState<ReleasePolicy | undefined>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void call(api().settings.get()).then((s) => setDefaultPolicy(s.defaultReleasePolicy), () => undefined);
  }, []);
  const save = async () => {
    const release = releaseApi();
    if (!release) return;
    setBusy(true);
    setError(undefined);
    try {
      await call(release.setAccountPolicy(policy ? { id: account.id, policy } : { id: account.id }));
      close();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="form" data-testid="account-release-policy">
      <p className="setting__description">
        When another program (aws-vault, a script) runs <code>authdesk code</code>, should it get this account’s code at once, or should Authdesk ask you first?
      </p>
      <PolicyPicker value={policy} onChange={setPolicy} allowDefault defaultLabel={policyLabel(defaultPolicy)} />
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={close}>Cancel</button>
        <button type="button" className="button button--primary" disabled={busy} onClick={() => void save()}>Save</button>
      </div>
    </div>
  );
}
