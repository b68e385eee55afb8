import { memo, useRef, type DragEvent } from 'react';
import { IssuerIcon } from '../icons/IssuerIcon.js';
import { groupCode, spokenCode, visibleName } from '../format.js';
import type { Account, CodeView } from '../types.js';
import { CountdownRing, ringOffset } from './CountdownRing.js';
import { MoreIcon, RefreshIcon, CheckIcon } from './Icons.js';
import { clockIsCalm, useClockWriter, useNowSelector } from '../hooks/useNow.js';
import { PRECISE_SECONDS, ringSeconds, showsSeconds } from '../clock-schedule.js';

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

/** The seconds left of a code valid at `now` (at least 1), or 0 when it is not valid then. */
function secondsLeftAt(code: CodeView | undefined, now: number): number {
  if (code === undefined || now >= code.validUntil || now < code.validFrom - 1000) return 0;
  return Math.max(1, Math.ceil((code.validUntil - now) / 1000));
}

const VALID = 1;
const URGENT = 2;
const SHOW_NEXT = 4;

/** What a TOTP row shows that changes only a few times a period (valid, urgent, next code shown). */
function stageAt(code: CodeView | undefined, now: number, masked: boolean): number {
  const left = secondsLeftAt(code, now);
  if (left === 0) return 0;
  return VALID | (left <= 5 ? URGENT : 0) | (left <= NEXT_CODE_SECONDS && !masked && code?.next !== undefined ? SHOW_NEXT : 0);
}

/** Sets an element's only text child, touching the DOM only when the text changes (a same-value
 * write would still cost a relayout and a repaint). */
function writeText(element: Element | null, text: string): void {
  if (!element) return;
  const node = element.firstChild;
  if (node instanceof Text && node === element.lastChild) {
    if (node.data !== text) node.data = text;
  } else if (element.textContent !== text) element.textContent = text;
}

/**
 * The live part of a TOTP row. React renders it only when its stage changes (a few times a
 * period); the ring and the seconds, which change every second, are written by the clock
 * (useClockWriter), so a tick costs no render. So is the screen-reader text of the time left, and
 * only on the selected row: it is the row's description (aria-describedby), read when the row is
 * selected; for the others it would be a relayout a second for nobody.
 */
const LiveTotp = memo(function LiveTotp({ code, copied, masked, selected, describedBy }: { code: CodeView | undefined; copied: boolean; masked: boolean; selected: boolean; describedBy: string }) {
  const stage = useNowSelector((now) => stageAt(code, now, masked));
  const valid = (stage & VALID) !== 0;
  const urgent = (stage & URGENT) !== 0;
  const progress = useRef<SVGCircleElement>(null);
  const seconds = useRef<HTMLSpanElement>(null);
  const spoken = useRef<HTMLSpanElement>(null);
  useClockWriter((now) => {
    const left = secondsLeftAt(code, now);
    // Glanced at (another window focused), the clock steps every few seconds, the ring stands on
    // its steps and the seconds show only near the end, when they matter (clock-schedule.ts): a
    // stale "23" would be a lie.
    const calm = clockIsCalm();
    const ring = progress.current;
    if (ring && code !== undefined && left > 0) {
      const offset = ringOffset(ringSeconds(left, code.period, calm), code.period);
      if (ring.getAttribute('stroke-dashoffset') !== offset) ring.setAttribute('stroke-dashoffset', offset);
    }
    const exact = showsSeconds(left, calm);
    writeText(seconds.current, exact ? String(left) : '');
    writeText(spoken.current, left > 0 && selected ? (exact ? `${left} seconds left.` : `More than ${PRECISE_SECONDS} seconds left.`) : '');
  });
  return (
    <>
      <div className="row__code-area">
        <span className={`code${valid ? '' : ' code--placeholder'}${valid && masked ? ' code--masked' : ''}${urgent ? ' code--urgent' : ''}`} aria-hidden="true">
          {valid && !masked && code ? groupCode(code.code) : MASK}
        </span>
        {(stage & SHOW_NEXT) !== 0 && code?.next ? (
          <span className="row__next" aria-hidden="true">next {groupCode(code.next)}</span>
        ) : copied ? (
          <span className="row__copied" aria-hidden="true"><CheckIcon /> Copied</span>
        ) : null}
      </div>
      <span className="row__timer" aria-hidden="true">
        {valid && code ? <CountdownRing key={code.validFrom} urgent={urgent} progressRef={progress} /> : <span className="ring ring--empty" />}
        <span ref={seconds} className="row__seconds" />
      </span>
      <span ref={spoken} id={describedBy} className="visually-hidden" />
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
      aria-describedby={isTotp && !props.failure && props.selected ? describedBy : undefined}
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
        <LiveTotp code={code} copied={props.copied} masked={props.masked} selected={props.selected} describedBy={describedBy} />
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
