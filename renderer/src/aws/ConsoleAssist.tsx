import { useCallback, useEffect, useState } from 'react';
import { api, call, messageOf } from '../api.js';
import { useNowSeconds } from '../hooks/useNow.js';
import type { AccountActionProps } from '../slots.js';
import type { Account } from '../types.js';
import { awsApi } from './aws-api.js';
import type { ConsolePairView } from './types.js';

/**
 * Console assist: the AWS console asks for "MFA code 1" and "MFA code 2", two consecutive codes.
 * Both are shown at once (current and next), each with a copy button and how long it stays valid,
 * so nobody waits 30 s for the second code. Times are on main's corrected clock.
 *
 * Used in two places: the account menu's "AWS console codes…" dialog (below) and the view that
 * opens by itself right after an AWS account is added (AddedAws.tsx).
 */
export function ConsoleCodes({ account }: { account: Account }) {
  const [pair, setPair] = useState<ConsolePairView>();
  const [skew, setSkew] = useState(0);
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState<string>();
  const nowLocal = useNowSeconds(true, skew);
  const now = nowLocal + skew;
  const load = useCallback(async () => {
    const aws = awsApi();
    if (!aws) return;
    try {
      const value = await call(aws.consolePair({ id: account.id }));
      setSkew(value.now - Date.now());
      setPair(value);
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [account.id]);
  useEffect(() => {
    setPair(undefined);
    setCopied(undefined);
    void load();
  }, [load]);
  useEffect(() => {
    if (pair && now >= pair.code1ValidUntil) void load();
  }, [now, pair, load]);

  const copy = async (which: 1 | 2) => {
    try {
      const result = await call(api().clipboard.copyCode(which === 1 ? { id: account.id } : { id: account.id, next: true }));
      setCopied(`MFA code ${which} (${result.code}) copied.`);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const left = (until: number) => Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <>
      <p className="setting__description">
        In the AWS console’s “Set up virtual MFA device” page, type <strong>MFA code 1</strong> and <strong>MFA code 2</strong> below,
        then choose <em>Add MFA</em>. Both codes are shown at once; no need to wait for the second.
      </p>
      {pair ? (
        <div className="aws-console__codes">
          {([1, 2] as const).map((which) => {
            const code = which === 1 ? pair.code1 : pair.code2;
            const until = which === 1 ? pair.code1ValidUntil : pair.code2ValidUntil;
            return (
              <div key={which} className="aws-console__code" data-testid={`aws-code-${which}`}>
                <span className="field__label">MFA code {which}</span>
                <output className="aws-console__digits" aria-label={`MFA code ${which}`} data-code={code}>{code.slice(0, 3)} {code.slice(3)}</output>
                <span className="field__hint" data-testid={`aws-code-${which}-validity`}>
                  {`valid for ${left(until)} s more`}
                </span>
                <button type="button" className="button button--small" onClick={() => void copy(which)}>Copy code {which}</button>
              </div>
            );
          })}
        </div>
      ) : null}
      {copied ? <p className="field__hint" role="status">{copied}</p> : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
    </>
  );
}

/** Account menu › "AWS console codes…" (a dialog). */
export function ConsoleAssist({ account, close }: AccountActionProps) {
  return (
    <div className="form aws-console" aria-label="AWS console codes">
      <ConsoleCodes account={account} />
      <div className="form__actions"><button type="button" className="button" onClick={close}>Close</button></div>
    </div>
  );
}
