import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { CloseIcon } from '../components/Icons.js';
import type { AddedViewProps } from '../slots.js';
import { ConsoleCodes } from './ConsoleAssist.js';
import { needsConsoleCodes } from './console.js';

/**
 * Batches whose view already took focus once. The view is unmounted while a dialog is open over
 * the list and mounted again after: it must not pull focus away from where the dialog returned it.
 */
const focusedBatches = new Set<string>();

/**
 * Right after an account scanned from the AWS console (or pasted/typed) is added, the console is
 * still waiting for "MFA code 1" and "MFA code 2": show both at once, in the list area, until Done.
 * One account added: the codes open at once. Several added (an export, two screens): a toast offers
 * them, so a big import is not interrupted.
 */
export function AddedAws({ accounts, close }: AddedViewProps) {
  const aws = accounts.filter(needsConsoleCodes);
  const batch = accounts.map((a) => a.id).join(' ');
  const [open, setOpen] = useState(accounts.length === 1);
  const [chosenId, setChosenId] = useState<string>();
  const titleRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const chosen = aws.find((a) => a.id === chosenId) ?? aws[0];

  useEffect(() => {
    if (!open || focusedBatches.has(batch)) return;
    focusedBatches.add(batch);
    if (focusedBatches.size > 20) focusedBatches.delete(focusedBatches.values().next().value as string);
    titleRef.current?.focus();
  }, [open, batch]);

  if (!chosen) return null;
  if (!open) {
    return (
      <div className="aws-added-toasts">
        <div className="toast aws-added-toast" role="group" aria-label="AWS accounts added">
          <span>{aws.length === 1 ? 'Added an AWS account.' : `Added ${aws.length} AWS accounts.`}</span>
          <button type="button" className="aws-added-toast__action" onClick={() => setOpen(true)}>Show AWS console codes</button>
          <button type="button" className="aws-added-toast__dismiss" aria-label="Dismiss" title="Dismiss" onClick={close}><CloseIcon /></button>
        </div>
      </div>
    );
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      close();
    }
  };
  return (
    <section className="aws-added form aws-console" aria-labelledby={titleId} data-testid="aws-added" onKeyDown={onKeyDown}>
      <div className="aws-added__header">
        <h2 id={titleId} ref={titleRef} tabIndex={-1} className="aws-added__title">AWS console codes</h2>
        <span className="aws-added__account">{chosen.issuer ? `${chosen.issuer} · ` : ''}{chosen.label}</span>
      </div>
      {aws.length > 1 ? (
        <div className="aws-added__choice" role="group" aria-label="Account">
          {aws.map((a) => (
            <button key={a.id} type="button" className={`aws-added__pick${a.id === chosen.id ? ' aws-added__pick--on' : ''}`} aria-pressed={a.id === chosen.id} onClick={() => setChosenId(a.id)}>{a.label}</button>
          ))}
        </div>
      ) : null}
      <ConsoleCodes account={chosen} />
      <div className="form__actions">
        <button type="button" className="button button--primary" onClick={close}>Done</button>
      </div>
    </section>
  );
}
