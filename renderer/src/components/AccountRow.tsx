import { memo, type DragEvent } from 'react';
import { IssuerIcon } from '../icons/IssuerIcon.js';
import { groupCode, spokenCode, visibleName } from '../format.js';
import type { Account, CodeView } from '../types.js';
import { CountdownRing } from './CountdownRing.js';
import { MoreIcon, RefreshIcon, CheckIcon } from './Icons.js';
import { useNow, useNowSelector } from '../hooks/useNow.js';

/** What a hidden code shows (the digits are not in the page at all, so a capture cannot read them). */
const MASK = '••• •••';

/** Seconds before the end of a period when the next code is shown. */
export const NEXT_CODE_SECONDS = 7;

export interface RowProps {
  readonly account: Account;
  readonly top: number;
  readonly code: CodeView | undefined;
  /** HOTP: the last code generated this session. */
  readonly hotpCode: string | undefined;
  readonly failure: string | undefined;
  readonly selected: boolean;
  readonly copied: boolean;
  /** Privacy on screen (Settings › Codes): the code is replaced by dots until revealed. */
  readonly masked: boolean;
  readonly dropEdge: 'before' | 'after' | undefined;
  readonly draggable: boolean;
  onSelect(id: string): void;
  onHover(id: string | undefined): void;
  onCopy(id: string): void;
  onNextHotp(id: string): void;
  onMenu(id: string): void;
  onDragStart(id: string, event: DragEvent): void;
  onDragOver(id: string, event: DragEvent): void;
  onDrop(id: string, event: DragEvent): void;
  onDragEnd(): void;
}

/**
 * At a period boundary, the code we already have as `next` becomes the current one until main's
 * fresh answer arrives (no flash of placeholders, no waiting on IPC when the code changes).
 */
function rollOver(code: CodeView | undefined, rolled: boolean): CodeView | undefined {
  if (code === undefined || !rolled || code.next === undefined) return code;
  const { next, ...rest } = code;
  return { ...rest, code: next, validFrom: code.validUntil, validUntil: code.validUntil + code.period * 1000 };
}

/** 0: before validUntil; 1: in the next period (show `next`); 2: later (stale, wait for main). */
function phaseOf(code: CodeView | undefined, now: number): number {
  if (code === undefined || now < code.validUntil) return 0;
  return now < code.validUntil + code.period * 1000 ? 1 : 2;
}

/** The part of a TOTP row that changes every second: the ring, the seconds, the next code. */
const LiveTotp = memo(function LiveTotp({ code, copied, masked, describedBy }: { code: CodeView | undefined; copied: boolean; masked: boolean; describedBy: string }) {
  const now = useNow();
  const valid = code !== undefined && now < code.validUntil && now >= code.validFrom - 1000;
  const secondsLeft = valid ? Math.max(1, Math.ceil((code.validUntil - now) / 1000)) : 0;
  const urgent = valid && secondsLeft <= 5;
  const showNext = valid && !masked && code.next !== undefined && secondsLeft <= NEXT_CODE_SECONDS;
  return (
    <>
      <div className="row__code-area">
        <span className={`code${valid ? '' : ' code--placeholder'}${valid && masked ? ' code--masked' : ''}${urgent ? ' code--urgent' : ''}`} aria-hidden="true">
          {valid && !masked ? groupCode(code.code) : MASK}
        </span>
        {showNext && code.next ? (
          <span className="row__next" aria-hidden="true">next {groupCode(code.next)}</span>
        ) : copied ? (
          <span className="row__copied" aria-hidden="true"><CheckIcon /> Copied</span>
        ) : null}
      </div>
      <span className="row__timer" aria-hidden="true">
        {valid ? <CountdownRing key={code.validFrom} secondsLeft={secondsLeft} period={code.period} urgent={urgent} /> : <span className="ring ring--empty" />}
        <span className="row__seconds">{valid ? secondsLeft : ''}</span>
      </span>
      <span id={describedBy} className="visually-hidden">{valid ? `${secondsLeft} seconds left.` : ''}</span>
    </>
  );
});

export const AccountRow = memo(function AccountRow(props: RowProps) {
  const { account, hotpCode } = props;
  const isTotp = account.type === 'totp';
  // Re-renders the whole row only when the phase flips (about once a period), not every second.
  const phase = useNowSelector((now) => (isTotp ? phaseOf(props.code, now) : 0));
  const code = phase === 2 ? undefined : rollOver(props.code, phase === 1);
  // Bidi overrides and invisible characters in a name are shown, not obeyed (format.ts visibleName).
  const title = visibleName(account.issuer || account.label);
  const subtitle = account.issuer ? visibleName(account.label) : '';
  const shown = isTotp ? code?.code : hotpCode;
  const describedBy = `account-${account.id}-time`;

  let spoken: string;
  if (props.failure) spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. ${props.failure}`;
  else if (shown === undefined) spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. ${isTotp ? 'Loading code.' : 'Counter-based: press N for the next code.'}`;
  else if (props.masked) spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. Code hidden. Press Enter to copy.`;
  else spoken = `${title}${subtitle ? `, ${subtitle}` : ''}. Code ${spokenCode(shown)}. Press Enter to copy.`;

  return (
    <div
      id={`account-${account.id}`}
      role="option"
      aria-selected={props.selected}
      aria-label={spoken}
      aria-describedby={isTotp && !props.failure ? describedBy : undefined}
      className={`row${props.selected ? ' row--selected' : ''}${props.copied ? ' row--copied' : ''}${props.dropEdge ? ` row--drop-${props.dropEdge}` : ''}${props.failure ? ' row--failed' : ''}`}
      style={{ transform: `translateY(${props.top}px)` }}
      data-account-id={account.id}
      draggable={props.draggable}
      onClick={() => {
        props.onSelect(account.id);
        if (isTotp || hotpCode !== undefined) props.onCopy(account.id);
      }}
      onMouseEnter={() => props.onHover(account.id)}
      onMouseLeave={() => props.onHover(undefined)}
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
      {props.failure ? (
        <>
          <div className="row__code-area"><span className="row__failure">{props.failure}</span></div>
          {isTotp ? <span className="row__timer" aria-hidden="true"><span className="ring ring--empty" /></span> : <span />}
        </>
      ) : isTotp ? (
        <LiveTotp code={code} copied={props.copied} masked={props.masked} describedBy={describedBy} />
      ) : (
        <>
          <div className="row__code-area">
            <span className={`code${shown === undefined ? ' code--placeholder' : ''}${shown !== undefined && props.masked ? ' code--masked' : ''}`} aria-hidden="true">{shown === undefined ? '––– –––' : props.masked ? MASK : groupCode(shown)}</span>
            {props.copied ? <span className="row__copied" aria-hidden="true"><CheckIcon /> Copied</span> : null}
          </div>
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
        </>
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
