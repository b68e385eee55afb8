import { memo, type DragEvent } from 'react';
import { IssuerIcon } from '../icons/IssuerIcon.js';
import { groupCode, spokenCode } from '../format.js';
import type { Account, CodeView } from '../types.js';
import { CountdownRing } from './CountdownRing.js';
import { MoreIcon, RefreshIcon, CheckIcon } from './Icons.js';

/** Seconds before the end of a period when the next code is shown. */
export const NEXT_CODE_SECONDS = 7;

export interface RowProps {
  readonly account: Account;
  readonly top: number;
  readonly code: CodeView | undefined;
  /** HOTP: the last code generated this session. */
  readonly hotpCode: string | undefined;
  readonly failure: string | undefined;
  /** Corrected now (ms), whole seconds. */
  readonly now: number;
  readonly selected: boolean;
  readonly copied: boolean;
  readonly dropEdge: 'before' | 'after' | undefined;
  readonly draggable: boolean;
  onSelect(id: string): void;
  onCopy(id: string): void;
  onNextHotp(id: string): void;
  onMenu(id: string): void;
  onDragStart(id: string, event: DragEvent): void;
  onDragOver(id: string, event: DragEvent): void;
  onDrop(id: string, event: DragEvent): void;
  onDragEnd(): void;
}

function rollOver(code: CodeView | undefined, now: number): CodeView | undefined {
  if (code === undefined || now < code.validUntil || code.next === undefined || now >= code.validUntil + code.period * 1000) return code;
  const { next, ...rest } = code;
  return { ...rest, code: next, validFrom: code.validUntil, validUntil: code.validUntil + code.period * 1000 };
}

export const AccountRow = memo(function AccountRow(props: RowProps) {
  const { account, now, hotpCode } = props;
  // At a period boundary, show the code we already have as `next` until main's fresh answer arrives
  // (no flash of placeholders, no waiting on IPC at the moment the code changes).
  const code = rollOver(props.code, now);
  const title = account.issuer || account.label;
  const subtitle = account.issuer ? account.label : '';
  const isTotp = account.type === 'totp';
  const valid = code !== undefined && now < code.validUntil && now >= code.validFrom - 1000;
  const secondsLeft = valid ? Math.max(1, Math.ceil((code.validUntil - now) / 1000)) : 0;
  const showNext = valid && code.next !== undefined && secondsLeft <= NEXT_CODE_SECONDS;
  const shown = isTotp ? (valid ? code.code : undefined) : hotpCode;

  let spoken: string;
  if (props.failure) spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. ${props.failure}`;
  else if (shown === undefined) spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. ${isTotp ? 'Loading code.' : 'Counter-based: press N for the next code.'}`;
  else spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. Code ${spokenCode(shown)}.${isTotp ? ` ${secondsLeft} seconds left.` : ''} Press Enter to copy.`;

  return (
    <div
      id={`account-${account.id}`}
      role="option"
      aria-selected={props.selected}
      aria-label={spoken}
      className={`row${props.selected ? ' row--selected' : ''}${props.copied ? ' row--copied' : ''}${props.dropEdge ? ` row--drop-${props.dropEdge}` : ''}${props.failure ? ' row--failed' : ''}`}
      style={{ transform: `translateY(${props.top}px)` }}
      data-account-id={account.id}
      draggable={props.draggable}
      onClick={() => {
        props.onSelect(account.id);
        if (isTotp || hotpCode !== undefined) props.onCopy(account.id);
      }}
      onContextMenu={(event) => {
        event.preventDefault();
        props.onSelect(account.id);
        props.onMenu(account.id);
      }}
      onDragStart={(event) => props.onDragStart(account.id, event)}
      onDragOver={(event) => props.onDragOver(account.id, event)}
      onDrop={(event) => props.onDrop(account.id, event)}
      onDragEnd={props.onDragEnd}
    >
      <IssuerIcon issuer={account.issuer} label={account.label} />
      <div className="row__names">
        <span className="row__issuer">{title}</span>
        {subtitle ? <span className="row__label">{subtitle}</span> : null}
      </div>
      <div className="row__code-area">
        {props.failure ? (
          <span className="row__failure">{props.failure}</span>
        ) : (
          <>
            <span className={`code${shown === undefined ? ' code--placeholder' : ''}${isTotp && valid && secondsLeft <= 5 ? ' code--urgent' : ''}`} aria-hidden="true">
              {shown === undefined ? (isTotp ? '••• •••' : '––– –––') : groupCode(shown)}
            </span>
            {showNext && code?.next ? (
              <span className="row__next" aria-hidden="true">next {groupCode(code.next)}</span>
            ) : props.copied ? (
              <span className="row__copied" aria-hidden="true"><CheckIcon /> Copied</span>
            ) : null}
          </>
        )}
      </div>
      {isTotp ? (
        <span className="row__timer" aria-hidden="true">
          {valid ? <CountdownRing key={code.validFrom} secondsLeft={secondsLeft} period={code.period} urgent={secondsLeft <= 5} /> : <span className="ring ring--empty" />}
          <span className="row__seconds">{valid ? secondsLeft : ''}</span>
        </span>
      ) : (
        <button
          type="button"
          className="icon-button row__hotp"
          tabIndex={-1}
          aria-label={`Next code for ${title}`}
          title="Next code (N)"
          onClick={(event) => {
            event.stopPropagation();
            props.onSelect(account.id);
            props.onNextHotp(account.id);
          }}
        >
          <RefreshIcon />
        </button>
      )}
      <button
        type="button"
        className="icon-button row__more"
        tabIndex={-1}
        aria-label={`Actions for ${title}`}
        title="Actions (Shift+F10)"
        onClick={(event) => {
          event.stopPropagation();
          props.onSelect(account.id);
          props.onMenu(account.id);
        }}
      >
        <MoreIcon />
      </button>
    </div>
  );
});
