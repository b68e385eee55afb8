import type { PendingTimeOffset, TimeOffsetRecord, TimeVerification } from '../vault/model.js';

/**
 * How far an unauthenticated time source may move the codes, and what it takes to go further.
 * Pure policy, table-tested (test/unit/time-trust.test.ts); the reasons are in docs/time.md
 * "Trusting a time source".
 *
 * SNTP (and a plain-http Date) carries no authentication: anyone on the network path can answer
 * with the right origin timestamp and any time. Alone, such a source may move codes by at most
 * UNVERIFIED_MAX_OFFSET_MS. Beyond it an offset is applied only when an authenticated source (the
 * HTTPS Date of a certificate-verified host) agrees within the agreement tolerance, or after the
 * person confirms it explicitly. Until then codes stay on the local clock (or on the earlier
 * applied offset) and the clock health is a warning.
 */
export const TIME_TRUST = {
  /**
   * ±2 min. Covers a month of the worst PC drift (50 ppm ≈ 4.3 s/day ≈ 130 s/month) and the
   * ±90 s seen in practice; AWS itself refuses signed requests more than 5 min off. An attacker
   * who forges it gains codes at most 2 min (4 periods) early — as good as a real-time relay,
   * never codes for tomorrow.
   */
  UNVERIFIED_MAX_OFFSET_MS: 120_000,
  /**
   * Two sources agree when their offsets differ by at most this plus both stated uncertainties.
   * The HTTPS Date is the weaker one: 1 s resolution, refined to about one round trip, ±0.5 s +
   * round trip when the sweep is cut short; 2 s on top keeps a slow network from failing an honest
   * check while still pinning a forged offset to within seconds of the authenticated one.
   */
  AGREEMENT_MARGIN_MS: 2_000,
  /** A pending measurement older than this cannot be confirmed in the app: measure again first (the clock may have been fixed meanwhile). */
  CONFIRM_MAX_AGE_MS: 60 * 60_000,
} as const;

/** The authenticated check's outcome: an offset with its uncertainty, or why it failed. */
export type TrustCheck =
  | { readonly source: string; readonly offsetMs: number; readonly uncertaintyMs: number }
  | { readonly source: string; readonly error: string };

export interface TrustInput {
  readonly measured: TimeOffsetRecord;
  /** The measurement itself came from an authenticated source (HTTPS Date, certificate verified). */
  readonly authenticated: boolean;
  /** The offset applied now (settings.timeOffset). */
  readonly current?: TimeOffsetRecord;
  /** The authenticated check, once made. */
  readonly check?: TrustCheck;
  /** The person confirmed this measurement: how ("confirmed in the app", the CLI flag). */
  readonly confirmedBy?: string;
  /** ISO time for new verifications. */
  readonly nowIso: string;
}

export type TrustDecision =
  | { readonly kind: 'apply'; readonly record: TimeOffsetRecord; readonly why: ApplyReason }
  | { readonly kind: 'check' }
  | { readonly kind: 'pending'; readonly pending: PendingTimeOffset };

export type ApplyReason = 'within-bound' | 'authenticated' | 'agrees' | 'near-verified' | 'confirmed';

/** May this stored record move codes? Within the bound, or vouched for. */
export function offsetApplicable(record: TimeOffsetRecord): boolean {
  return Math.abs(record.offsetMs) <= TIME_TRUST.UNVERIFIED_MAX_OFFSET_MS || record.verification !== undefined;
}

/** Do two measurements agree? |a − b| ≤ margin + both uncertainties. */
export function offsetsAgree(a: { offsetMs: number; uncertaintyMs: number }, b: { offsetMs: number; uncertaintyMs: number }): boolean {
  return Math.abs(a.offsetMs - b.offsetMs) <= TIME_TRUST.AGREEMENT_MARGIN_MS + a.uncertaintyMs + b.uncertaintyMs;
}

/**
 * Decide what a new measurement does. 'check' asks the caller to make the authenticated check
 * and decide again with its result.
 */
export function decideOffset(input: TrustInput): TrustDecision {
  const { measured, current, check, nowIso } = input;
  const base: TimeOffsetRecord = { offsetMs: measured.offsetMs, uncertaintyMs: measured.uncertaintyMs, source: measured.source, measuredAt: measured.measuredAt };
  const vouched = (verification: TimeVerification, why: ApplyReason): TrustDecision => ({ kind: 'apply', record: { ...base, verification }, why });

  if (input.authenticated) return vouched({ by: 'tls', source: measured.source, offsetMs: measured.offsetMs, at: nowIso }, 'authenticated');
  if (input.confirmedBy !== undefined) return vouched({ by: 'person', source: input.confirmedBy, offsetMs: measured.offsetMs, at: nowIso }, 'confirmed');
  if (Math.abs(measured.offsetMs) <= TIME_TRUST.UNVERIFIED_MAX_OFFSET_MS) return { kind: 'apply', record: base, why: 'within-bound' };
  // Near an offset that was vouched for: the same bound, measured from that anchor (the anchor is
  // kept, never moved by unauthenticated replies, so repeated forgeries cannot walk it away).
  const anchor = current?.verification;
  if (anchor && Math.abs(measured.offsetMs - anchor.offsetMs) <= TIME_TRUST.UNVERIFIED_MAX_OFFSET_MS) return vouched(anchor, 'near-verified');
  if (!check) return { kind: 'check' };
  if ('offsetMs' in check) {
    if (offsetsAgree(measured, check)) return vouched({ by: 'tls', source: check.source, offsetMs: check.offsetMs, at: nowIso }, 'agrees');
    return { kind: 'pending', pending: { ...base, check: { source: check.source, offsetMs: check.offsetMs } } };
  }
  return { kind: 'pending', pending: { ...base, check: { source: check.source, error: check.error } } };
}

/** The record applied to codes now: the stored one when it may move codes, else none. */
export function appliedRecord(record: TimeOffsetRecord | undefined): TimeOffsetRecord | undefined {
  return record && offsetApplicable(record) ? record : undefined;
}
