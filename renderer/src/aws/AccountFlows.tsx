import { useState } from 'react';
import type { AccountActionProps } from '../slots.js';
import { awsApi } from './aws-api.js';
import { StepList } from './StepList.js';
import { useAwsFlow } from './useFlow.js';

/** Account › "Resync with AWS…": ResyncMFADevice with two consecutive codes on AWS's clock. */
export function ResyncAction({ account, close }: AccountActionProps) {
  const flow = useAwsFlow<{ userName: string }>();
  const [done, setDone] = useState<string>();
  const api = awsApi();
  const start = async () => {
    if (!api) return;
    const result = await flow.run((operationId) => api.resync({ operationId, id: account.id }));
    if (result) setDone(`AWS accepted the codes: ${account.awsSerial ?? ''} is in sync (IAM user ${result.userName}).`);
  };
  return (
    <div className="form" aria-label="Resync with AWS">
      <p className="setting__description">
        If AWS rejects this device’s codes at sign-in, resynchronizing sends two consecutive codes computed on AWS’s own clock.
        It uses your AWS credentials (the profile chosen in Settings › AWS).
      </p>
      <StepList events={flow.events} />
      {done ? <p role="status" data-testid="aws-resync-done">{done}</p> : null}
      {flow.failure ? <p className="form__error" role="alert">{flow.failure.message}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={close}>{done ? 'Close' : 'Cancel'}</button>
        {!done ? <button type="button" className="button button--primary" disabled={flow.busy} onClick={() => void start()}>Resync</button> : null}
      </div>
    </div>
  );
}

/** Account › "Finish AWS enrollment…" for a pending account: finish with fresh codes, or undo it. */
export function PendingAction({ account, close }: AccountActionProps) {
  const flow = useAwsFlow<{ serialNumber?: string; deviceDeleted?: boolean }>();
  const [done, setDone] = useState<string>();
  const api = awsApi();
  const finish = async () => {
    if (!api) return;
    const result = await flow.run((operationId) => api.finish({ operationId, id: account.id }));
    if (result) setDone(`Enabled ${account.awsSerial ?? ''}: the account is active.`);
  };
  const cleanup = async () => {
    if (!api) return;
    const result = await flow.run((operationId) => api.cleanup({ operationId, id: account.id }));
    if (result) setDone(result.deviceDeleted ? 'The device was deleted on AWS and the pending account removed.' : 'The device was already gone on AWS; the pending account was removed.');
  };
  return (
    <div className="form" aria-label="Pending AWS enrollment">
      <p className="setting__description">
        The key of {account.awsSerial ?? 'this device'} is saved, but AWS has not accepted it yet. Finish enables it with fresh codes;
        Delete removes the unused device on AWS and this account.
      </p>
      <StepList events={flow.events} />
      {done ? <p role="status" data-testid="aws-pending-done">{done}</p> : null}
      {flow.failure ? <p className="form__error" role="alert">{flow.failure.message}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={close}>{done ? 'Close' : 'Keep pending'}</button>
        {!done ? <button type="button" className="button" disabled={flow.busy} onClick={() => void cleanup()}>Delete on AWS</button> : null}
        {!done ? <button type="button" className="button button--primary" disabled={flow.busy} onClick={() => void finish()}>Finish enrollment</button> : null}
      </div>
    </div>
  );
}
