import { useState } from 'react';
import { call, messageOf } from '../api.js';
import type { AccountActionProps } from '../slots.js';
import { timeApi } from './time-api.js';
import { describeStepAdjust } from './wording.js';

const LIMIT = 10;

/** Account › "Adjust code timing…": shift this account's codes by whole periods. */
export function StepAdjust({ account, close }: AccountActionProps) {
  const [steps, setSteps] = useState(account.stepAdjust ?? 0);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const time = timeApi();
    if (!time) return;
    setBusy(true);
    setError(undefined);
    try {
      await call(time.setStepAdjust({ id: account.id, steps }));
      close();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="form">
      <p className="setting__description">
        Authdesk already corrects this computer’s clock for every account. Use this only when one service keeps rejecting
        correct codes because <em>its</em> clock is off.
      </p>
      <div className="step-adjust" role="group" aria-label="Periods to shift">
        <button type="button" className="button button--small" aria-label="Earlier" disabled={steps <= -LIMIT} onClick={() => setSteps(steps - 1)}>−</button>
        <output className="step-adjust__value" aria-live="polite" data-testid="step-adjust-value">{steps > 0 ? `+${steps}` : steps}</output>
        <button type="button" className="button button--small" aria-label="Later" disabled={steps >= LIMIT} onClick={() => setSteps(steps + 1)}>+</button>
      </div>
      <p className="field__hint" data-testid="step-adjust-explanation">{describeStepAdjust(steps, account.period)}</p>
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={close}>Cancel</button>
        <button type="button" className="button button--primary" disabled={busy || steps === (account.stepAdjust ?? 0)} onClick={() => void save()}>Save</button>
      </div>
    </div>
  );
}
