import { toUserFacing } from '../../core/errors.js';
import { DEFAULT_HTTPS_DATE_URL } from '../../core/time/server.js';
import { decideOffset, type TrustCheck, type TrustDecision } from '../../core/time/trust.js';
import type { TimeOffsetRecord } from '../../core/vault/model.js';
import { queryHttpsDate, type HttpsDateOptions } from './https-date.js';
import { measureClockDetailed, type ClockMeasurement, type MeasureClockOptions } from './measure.js';

export interface CheckedMeasureOptions extends MeasureClockOptions {
  /**
   * The authenticated source asked when an unauthenticated measurement is beyond the bound: an
   * https URL whose certificate-verified `Date` may vouch for it (default
   * https://iam.amazonaws.com/). Plain http is never asked (it proves nothing); null: no check.
   */
  readonly verifyUrl?: string | null;
  /** Options of the check (tests pass `ca` for their self-signed server). */
  readonly verify?: HttpsDateOptions;
  /** The offset applied now (its verification anchors later measurements). */
  readonly current?: TimeOffsetRecord;
  /** The person confirmed an unverified offset: how, for the record ("authdesk time --accept-unverified-offset"). */
  readonly confirmedBy?: string;
  /** The measurement (default measureClockDetailed; tests inject one). */
  readonly measure?: (options: MeasureClockOptions) => Promise<ClockMeasurement>;
  /** The authenticated check (default: the HTTPS Date of verifyUrl; tests inject one). */
  readonly check?: (url: string) => Promise<TrustCheck>;
}

export interface CheckedMeasurement {
  readonly measurement: ClockMeasurement;
  /** apply: store as settings.timeOffset; pending: store as settings.timeOffsetPending, codes unchanged. */
  readonly decision: Exclude<TrustDecision, { kind: 'check' }>;
  /** The authenticated check, when one was made. */
  readonly check?: TrustCheck;
}

/**
 * Measure, then apply core/time/trust.ts: a measurement beyond ±2 min from an unauthenticated
 * source is checked against the HTTPS Date of a certificate-verified host, and stays pending
 * unless that agrees (or the person confirmed). Shared by the app's clock service and the CLI,
 * so both decide the same way.
 */
export async function measureChecked(options: CheckedMeasureOptions = {}): Promise<CheckedMeasurement> {
  const { verifyUrl: verifyOption, verify, current, confirmedBy, measure = measureClockDetailed, check: checkImpl, ...measureOptions } = options;
  const measurement = await measure(measureOptions);
  const decide = (check?: TrustCheck) =>
    decideOffset({ measured: measurement.record, authenticated: measurement.authenticated, nowIso: new Date().toISOString(), ...(current ? { current } : {}), ...(check ? { check } : {}), ...(confirmedBy !== undefined ? { confirmedBy } : {}) });
  const first = decide();
  if (first.kind !== 'check') return { measurement, decision: first };

  const verifyUrl = verifyOption === undefined ? DEFAULT_HTTPS_DATE_URL : verifyOption;
  let check: TrustCheck;
  if (!verifyUrl) check = { source: 'none', error: 'no secure time source is configured' };
  else if (!verifyUrl.startsWith('https://')) check = { source: `http-date:${verifyUrl}`, error: 'a plain http address cannot prove who answered' };
  else check = await (checkImpl ?? ((url: string) => httpsDateCheck(url, verify)))(verifyUrl);
  const second = decide(check);
  // 'check' cannot come back once a check is given; the type says so.
  return { measurement, decision: second.kind === 'check' ? { kind: 'pending', pending: measurement.record } : second, check };
}

/** The HTTPS Date of `url` as a TrustCheck: an offset, or why it could not vouch. */
export async function httpsDateCheck(url: string, options?: HttpsDateOptions): Promise<TrustCheck> {
  try {
    const result = await queryHttpsDate(url, options);
    const source = `https-date:${result.host}`;
    if (!result.authenticated) return { source, error: 'it is not a verified https source' };
    return { source, offsetMs: Math.round(result.offsetMs * 1000) / 1000, uncertaintyMs: Math.round(result.uncertaintyMs * 1000) / 1000 };
  } catch (error) {
    let host = url;
    try {
      host = new URL(url).host;
    } catch {
      /* keep the text */
    }
    return { source: `https-date:${host}`, error: toUserFacing(error).message };
  }
}
