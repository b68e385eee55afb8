import { TimeError } from '../../core/errors.js';
import { DEFAULT_HTTPS_DATE_URL, DEFAULT_TIME_SERVER, formatTimeServer, parseTimeServer } from '../../core/time/server.js';
import type { TimeOffsetRecord } from '../../core/vault/model.js';
import { queryHttpsDate, type HttpsDateOptions } from './https-date.js';
import { querySntp, type SntpOptions } from './sntp.js';

export interface MeasureClockOptions {
  /** NTP servers, `host[:port]`, tried in order (default: time.aws.com). */
  readonly servers?: readonly string[];
  /**
   * HTTP(S) URL whose `Date` header is the fallback when no NTP server answers. Default
   * https://iam.amazonaws.com/ when `servers` is not given; none when it is (a person who names
   * a server wants that server, not a silent substitute). `null` turns it off.
   */
  readonly httpsFallbackUrl?: string | null;
  readonly sntp?: SntpOptions;
  readonly https?: HttpsDateOptions;
}

export interface ClockMeasurement {
  readonly record: TimeOffsetRecord;
  /** Round trip of the sample used, ms. */
  readonly roundTripMs: number;
  /** NTP replies used or HTTP requests made. */
  readonly samples: number;
  /** Sources that failed before this one answered. */
  readonly failures: readonly { source: string; code: string; message: string }[];
  /** The source is authenticated (HTTPS Date, certificate verified); SNTP and plain http are not. */
  readonly authenticated: boolean;
}

/** Try each NTP server in order, then the HTTPS `Date` fallback; the first that answers wins. */
export async function measureClockDetailed(options: MeasureClockOptions = {}): Promise<ClockMeasurement> {
  const servers = options.servers && options.servers.length > 0 ? options.servers : [DEFAULT_TIME_SERVER];
  const fallback = options.httpsFallbackUrl === undefined ? (options.servers ? null : DEFAULT_HTTPS_DATE_URL) : options.httpsFallbackUrl;
  // Parse them all first: a typo is a usage problem, reported before any network traffic.
  const parsed = servers.map((s) => parseTimeServer(s));
  const failures: { source: string; code: string; message: string; error: unknown }[] = [];
  for (const server of parsed) {
    const source = `ntp:${formatTimeServer(server)}`;
    try {
      const result = await querySntp(server, options.sntp);
      return {
        record: { offsetMs: round3(result.offsetMs), uncertaintyMs: round3(result.uncertaintyMs), source, measuredAt: new Date().toISOString() },
        roundTripMs: result.delayMs,
        samples: result.samples,
        failures: failures.map(({ error: _, ...f }) => f),
        authenticated: false,
      };
    } catch (error) {
      if (!(error instanceof TimeError)) throw error;
      failures.push({ source, code: error.code, message: error.message, error });
    }
  }
  if (fallback) {
    let source = `${fallback.startsWith('https:') ? 'https' : 'http'}-date:${fallback}`;
    try {
      const result = await queryHttpsDate(fallback, options.https);
      // "http-date:" for plain http: it proves nothing about who answered, and the name says so.
      source = `${result.authenticated ? 'https' : 'http'}-date:${result.host}`;
      return {
        record: { offsetMs: round3(result.offsetMs), uncertaintyMs: round3(result.uncertaintyMs), source, measuredAt: new Date().toISOString() },
        roundTripMs: result.roundTripMs,
        samples: result.requests,
        failures: failures.map(({ error: _, ...f }) => f),
        authenticated: result.authenticated,
      };
    } catch (error) {
      if (!(error instanceof TimeError)) throw error;
      failures.push({ source, code: error.code, message: error.message, error });
    }
  }
  if (failures.length === 1) throw failures[0]!.error;
  throw new TimeError('TIME_UNAVAILABLE', `No time source answered. ${failures.map((f) => f.message).join(' ')}`, { details: { failures: failures.map(({ source, code }) => ({ source, code })) } });
}

/** The measurement as the vault stores it (settings.timeOffset). */
export async function measureClock(options: MeasureClockOptions = {}): Promise<TimeOffsetRecord> {
  return (await measureClockDetailed(options)).record;
}

/** Microsecond precision is plenty for storage and keeps the JSON readable. */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
