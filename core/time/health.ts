import type { PendingTimeOffset, TimeOffsetRecord } from '../vault/model.js';
import { offsetApplicable } from './trust.js';

/**
 * The clock's health as a person sees it, and the sentences for it (the app's indicator, the
 * Settings section and the CLI use the same words). Thresholds and why: docs/time.md.
 */
export const CLOCK_THRESHOLDS = {
  /**
   * Below 1 s the clock is "fine": a code turns over up to 1 s early or late, which no service
   * notices (they accept at least the current 30 s step). The offset is still applied.
   */
  fineMs: 1_000,
  /**
   * With correction switched off, an offset of 5 s or more is a warning: codes are then wrong
   * for a sixth of every 30 s period, which people do notice ("the code was rejected").
   */
  warnUncorrectedMs: 5_000,
  /**
   * After 24 h a measurement is "stale" (still applied, shown with its age). PC clocks drift by
   * up to ~50 ppm, about 4 s a day, and NTP daemons step them: a day-old offset can be seconds off.
   */
  staleAfterMs: 24 * 3_600_000,
  /** The app re-measures this often in the background (and at start and on resume). */
  remeasureEveryMs: 4 * 3_600_000,
  /** After a failed measurement the app waits this long before trying again on its own. */
  retryAfterFailureMs: 15 * 60_000,
} as const;

export type ClockHealthState = 'unknown' | 'fine' | 'corrected' | 'uncorrected' | 'stale' | 'unverified';

export interface ClockHealth {
  readonly state: ClockHealthState;
  /** ok: nothing to do; info: worth knowing; warning: codes may be rejected. */
  readonly severity: 'ok' | 'info' | 'warning';
  /** One short sentence for the indicator, e.g. "Your clock is 93 s fast — codes are corrected". */
  readonly headline: string;
  /** A second sentence: source, uncertainty and age. */
  readonly detail: string;
  /** The offset applied to codes now (0 when none or correction is off). */
  readonly appliedOffsetMs: number;
  readonly record?: TimeOffsetRecord;
  readonly ageMs?: number;
  /** state 'unverified': the measurement that was not applied. */
  readonly unverified?: PendingTimeOffset;
}

/** "+90.012 s" / "−0.004 s": signed seconds with milliseconds, as the CLI prints offsets. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)} s`;
}

/** A length of time for a sentence: "0.4 s", "93 s", "12 min", "3 h 5 min", "2 days". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < 120_000) return `${Math.round(abs / 1000)} s`;
  if (abs < 7_200_000) return `${Math.round(abs / 60_000)} min`;
  if (abs < 48 * 3_600_000) {
    const hours = Math.floor(abs / 3_600_000);
    const minutes = Math.round((abs - hours * 3_600_000) / 60_000);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return `${Math.round(abs / 86_400_000)} days`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(ageMs: number): string {
  if (ageMs < 60_000) return 'just now';
  if (ageMs < 7_200_000) return `${Math.round(ageMs / 60_000)} min ago`;
  if (ageMs < 48 * 3_600_000) return `${Math.round(ageMs / 3_600_000)} h ago`;
  return `${Math.round(ageMs / 86_400_000)} days ago`;
}

/**
 * "your clock is 90 s slow" for offset +90 000 (trusted − local: the trusted clock is ahead,
 * so ours lags), "your clock is 93 s fast" for −93 000, "your clock is right" below 50 ms.
 */
export function describeClock(offsetMs: number): string {
  if (Math.abs(offsetMs) < 50) return 'your clock is right';
  return `your clock is ${formatDuration(offsetMs)} ${offsetMs > 0 ? 'slow' : 'fast'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface ClockHealthInput {
  readonly record?: TimeOffsetRecord;
  /** settings.timeOffsetPending: the last measurement, when it was not applied. */
  readonly pending?: PendingTimeOffset;
  /** settings.timeCorrection */
  readonly correctionEnabled: boolean;
  /** Local clock now, Unix ms. */
  readonly nowMs: number;
}

/**
 * What a secure check says, in words: within 1 s is "your clock is right" (an HTTPS Date check is
 * only good to about a round trip, so "0.1 s fast" would be noise).
 */
export function describeCheckedClock(offsetMs: number): string {
  return Math.abs(offsetMs) < CLOCK_THRESHOLDS.fineMs ? 'your clock is right' : describeClock(offsetMs);
}

/** "iam.amazonaws.com" from "https-date:iam.amazonaws.com". */
function hostOf(source: string): string {
  return source.replace(/^[a-z-]+:/, '');
}

/**
 * A measurement beyond ±2 min that nothing vouched for (core/time/trust.ts): a warning that says
 * what the server claims, that codes do not follow it, and what to do.
 */
function unverifiedHealth(measured: PendingTimeOffset, applied: TimeOffsetRecord | undefined, correctionEnabled: boolean, nowMs: number): ClockHealth {
  const measuredAtMs = Date.parse(measured.measuredAt);
  const ageMs = Number.isFinite(measuredAtMs) ? Math.max(0, nowMs - measuredAtMs) : Number.POSITIVE_INFINITY;
  const appliedOffsetMs = correctionEnabled && applied ? applied.offsetMs : 0;
  const keeps = Math.abs(appliedOffsetMs) >= CLOCK_THRESHOLDS.fineMs ? `codes keep the earlier correction of ${formatOffset(appliedOffsetMs)}` : 'codes use this computer’s clock';
  const check = measured.check;
  const checked = !check
    ? ''
    : check.offsetMs !== undefined
      ? ` The secure check against ${hostOf(check.source)} says ${describeCheckedClock(check.offsetMs)}.`
      : ` The secure check against ${hostOf(check.source)} failed: ${check.error ?? 'no answer'}`.replace(/([^.])$/, '$1.');
  return {
    state: 'unverified',
    severity: 'warning',
    headline: `A time server says ${describeClock(measured.offsetMs)}, but this could not be verified — ${keeps}`,
    detail: `Measured ${Number.isFinite(ageMs) ? formatAge(ageMs) : 'at an unknown time'} by ${measured.source} (±${formatDuration(measured.uncertaintyMs)}), which cannot prove who answered.${checked} Check this computer’s date, time and time zone, or confirm the correction.`,
    appliedOffsetMs,
    ...(applied ? { record: applied } : {}),
    ageMs,
    unverified: measured,
  };
}

/** Classify the stored measurement and word it. */
export function clockHealth({ record: stored, pending, correctionEnabled, nowMs }: ClockHealthInput): ClockHealth {
  // A stored offset beyond the bound without a verification (written by an older Authdesk) is not
  // applied either, and says so.
  const record = stored && offsetApplicable(stored) ? stored : undefined;
  const unverified = pending ?? (stored && !record ? stored : undefined);
  if (unverified) return unverifiedHealth(unverified, record, correctionEnabled, nowMs);
  if (!record) {
    return {
      state: 'unknown',
      severity: 'info',
      headline: 'Clock not checked yet — codes use this computer’s clock',
      detail: 'Authdesk has not measured this computer’s clock against a time server yet.',
      appliedOffsetMs: 0,
    };
  }
  const measuredAtMs = Date.parse(record.measuredAt);
  const ageMs = Number.isFinite(measuredAtMs) ? Math.max(0, nowMs - measuredAtMs) : Number.POSITIVE_INFINITY;
  const abs = Math.abs(record.offsetMs);
  const appliedOffsetMs = correctionEnabled ? record.offsetMs : 0;
  const v = record.verification;
  const source = v && v.source !== record.source ? `${record.source}, ${v.by === 'tls' ? `verified by ${v.source}` : v.source}` : record.source;
  const precision = `±${formatDuration(record.uncertaintyMs)}`;
  const age = Number.isFinite(ageMs) ? formatAge(ageMs) : 'at an unknown time';
  const base = { record, ageMs, appliedOffsetMs };
  const clock = describeClock(record.offsetMs);

  if (!correctionEnabled && abs >= CLOCK_THRESHOLDS.fineMs) {
    const warn = abs >= CLOCK_THRESHOLDS.warnUncorrectedMs;
    return {
      ...base,
      state: 'uncorrected',
      severity: warn ? 'warning' : 'info',
      headline: `${capitalise(clock)} and correction is off${warn ? ' — codes may be rejected' : ''}`,
      detail: `Measured ${age} against ${source} (${precision}). Turn on time correction in Settings to fix codes.`,
    };
  }
  if (ageMs > CLOCK_THRESHOLDS.staleAfterMs) {
    const applied = correctionEnabled && abs >= CLOCK_THRESHOLDS.fineMs;
    return {
      ...base,
      state: 'stale',
      severity: 'info',
      headline: `Clock last checked ${age}${applied ? ` — codes are still corrected by ${formatOffset(record.offsetMs)}` : ''}`,
      detail: `Then ${clock} (${source}, ${precision}). Authdesk re-checks when it can reach a time server.`,
    };
  }
  if (abs < CLOCK_THRESHOLDS.fineMs) {
    return {
      ...base,
      state: 'fine',
      severity: 'ok',
      headline: abs < 50 ? 'Your clock is right' : `Your clock is right (within ${formatDuration(abs)})`,
      detail: `Measured ${age} against ${source} (${precision}).`,
    };
  }
  return {
    ...base,
    state: 'corrected',
    severity: 'ok',
    headline: `${capitalise(clock)} — codes are corrected`,
    detail: `Measured ${age} against ${source} (${precision}). Authdesk adds ${formatOffset(record.offsetMs)} to this computer’s clock for every code.`,
  };
}

/**
 * Should the app measure now? At start and resume it always does (the caller passes
 * `force`); otherwise when the last good measurement is older than `remeasureEveryMs`, but not
 * sooner than `retryAfterFailureMs` after a failed attempt.
 */
export function measurementDue(input: { record?: TimeOffsetRecord; nowMs: number; lastFailureAtMs?: number; force?: boolean }): boolean {
  if (input.lastFailureAtMs !== undefined && input.nowMs - input.lastFailureAtMs < CLOCK_THRESHOLDS.retryAfterFailureMs) return false;
  if (input.force) return true;
  if (!input.record) return true;
  const measuredAtMs = Date.parse(input.record.measuredAt);
  return !Number.isFinite(measuredAtMs) || input.nowMs - measuredAtMs >= CLOCK_THRESHOLDS.remeasureEveryMs || measuredAtMs > input.nowMs + 60_000;
}

/** Limits of the per-account step adjustment (whole periods). */
export const MAX_STEP_ADJUST = 10;

/**
 * The explanation shown next to an account's step adjustment. Positive steps show later codes
 * (for a service whose clock runs ahead), negative earlier ones.
 */
export function describeStepAdjust(steps: number, periodSeconds: number): string {
  if (steps === 0) return 'Codes follow the corrected clock. Adjust only if this service keeps rejecting correct codes because its own clock is off.';
  const n = Math.abs(steps);
  const shift = `${n} period${n === 1 ? '' : 's'} (${n * periodSeconds} s)`;
  return steps > 0
    ? `Codes are shown ${shift} ahead, for a service whose own clock runs fast. Other accounts are not affected.`
    : `Codes are shown ${shift} behind, for a service whose own clock runs slow. Other accounts are not affected.`;
}
