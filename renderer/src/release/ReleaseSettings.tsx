import { useCallback, useEffect, useState } from 'react';
import { api, call, messageOf } from '../api.js';
import { useAuthdeskEvent } from '../hooks/useEvent.js';
import { PolicyPicker } from './PolicyPicker.js';
import { releaseApi } from './release-api.js';
import type { Grant, ReleasePolicy } from './types.js';
import { visible, whatLabel } from './wording.js';

/** Settings › Release to other programs: the default policy for accounts without their own, and live grants. */
export function ReleaseSettings() {
  const [policy, setPolicy] = useState<ReleasePolicy | undefined>();
  const [grants, setGrants] = useState<readonly Grant[]>([]);
  const [error, setError] = useState<string>();
  const load = useCallback(async () => {
    const release = releaseApi();
    if (!release) return;
    try {
      setPolicy((await call(api().settings.get())).defaultReleasePolicy);
      setGrants(await call(release.grants()));
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useAuthdeskEvent('release.logged', () => void load());
  const change = async (next: ReleasePolicy | undefined) => {
    const release = releaseApi();
    if (!release) return;
    setError(undefined);
    try {
      await call(release.setDefaultPolicy(next ? { policy: next } : {}));
      setPolicy(next);
      setGrants([]);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const revoke = async () => {
    const release = releaseApi();
    if (!release) return;
    await call(release.revokeGrants()).catch((e: unknown) => setError(messageOf(e)));
    setGrants([]);
  };
  return (
    <div data-testid="release-settings">
      <div className="setting">
        <span className="setting__text">
          <span className="setting__label">Default for accounts without their own policy</span>
          <span className="setting__description">What happens when another program asks for a code (stdout not a terminal) or an AWS session. Each account can override it.</span>
          <PolicyPicker value={policy} onChange={(p) => void change(p)} />
        </span>
      </div>
      <div className="setting">
        <span className="setting__text">
          <span className="setting__label">Timed grants</span>
          {grants.length === 0 ? <span className="setting__description">None right now.</span> : (
            <ul className="release-grants">
              {grants.map((g) => (
                <li key={`${g.accountId}|${g.program}|${g.what}|${g.role ?? ''}`} className="setting__description">
                  {visible(g.program)} — {whatLabel(g.what, g.role)} until {new Date(g.expiresAt).toLocaleTimeString()}
                </li>
              ))}
            </ul>
          )}
          {error ? <span className="form__error" role="alert">{error}</span> : null}
        </span>
        <span className="setting__buttons">
          <button type="button" className="button button--small" disabled={grants.length === 0} onClick={() => void revoke()}>Revoke all</button>
        </span>
      </div>
    </div>
  );
}
