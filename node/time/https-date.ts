import http from 'node:http';
import https from 'node:https';
import { TimeError } from '../../core/errors.js';
import { intersectObservations, parseHttpDate, planSweep, type DateObservation } from '../../core/time/http-date.js';
import { preciseLocalClock } from './local-clock.js';
import { resolveHost } from './resolve.js';

export interface HttpsDateOptions {
  /** Whole measurement (default 8000 ms): a partial result is returned when time runs out. */
  readonly timeoutMs?: number;
  /** Per request (default 3000 ms). */
  readonly requestTimeoutMs?: number;
  /** Requests per sweep across a second boundary (default 8). */
  readonly probesPerSweep?: number;
  /** Sweeps at most (default 3): each one waits for the next second boundary. */
  readonly maxSweeps?: number;
  /** Stop refining once the uncertainty (half the window) is at most this (default 10 ms). */
  readonly targetUncertaintyMs?: number;
  readonly now?: () => number;
  /**
   * Certificates to trust instead of the system's roots (tests with a self-signed server). A
   * process-wide addition goes through NODE_EXTRA_CA_CERTS, as for every Node program.
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

export interface HttpsDateResult {
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  /** Best round trip of a request on the open connection, ms. */
  readonly roundTripMs: number;
  readonly requests: number;
  /** host (with :port when not the default), for the record's source. */
  readonly host: string;
  /**
   * https with a verified certificate: the answer is authenticated (core/time/trust.ts). Plain http
   * never is.
   */
  readonly authenticated: boolean;
}

const DEFAULTS = { timeoutMs: 8000, requestTimeoutMs: 3000, probesPerSweep: 8, maxSweeps: 3, targetUncertaintyMs: 10 };

/**
 * Trusted time from an HTTP(S) server's `Date` header, refined below its 1 s resolution by
 * timing requests across the server's second boundaries (core/time/http-date.ts explains the
 * bounds). HEAD requests on one kept-alive connection, so each costs one round trip; the status
 * does not matter (AWS answers 302/404 with a Date just the same).
 */
export async function queryHttpsDate(urlText: string, options: HttpsDateOptions = {}): Promise<HttpsDateResult> {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new TimeError('TIME_URL_INVALID', `"${urlText}" is not a URL. Give an address such as https://iam.amazonaws.com/.`, { details: { url: urlText } });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TimeError('TIME_URL_INVALID', `"${urlText}" is not an http(s) URL. Give an address such as https://iam.amazonaws.com/.`, { details: { url: urlText } });
  }
  const opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS & HttpsDateOptions;
  const deadline = Date.now() + opts.timeoutMs;
  const host = url.host;
  // Resolve first so a bad name is a clear, quick error rather than a request failure.
  await resolveHost(url.hostname.replace(/^\[|\]$/g, ''), Math.min(3000, opts.timeoutMs), 'time source');
  const now = opts.now ?? preciseLocalClock();
  const secure = url.protocol === 'https:';
  // rejectUnauthorized is explicit: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not turn
  // an unverified host into an authenticated time source.
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: true, ...(options.ca ? { ca: options.ca as string | Buffer | Array<string | Buffer> } : {}) })
    : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const observations: DateObservation[] = [];
  let roundTripMs = Number.POSITIVE_INFINITY;

  const request = (): Promise<DateObservation> =>
    new Promise((resolve, reject) => {
      const timeout = Math.max(1, Math.min(opts.requestTimeoutMs, deadline - Date.now()));
      const sentAt = now();
      const req = (secure ? https : http).request(url, { method: 'HEAD', agent, headers: { 'user-agent': 'authdesk-time', 'cache-control': 'no-cache' }, timeout }, (res) => {
        const receivedAt = now();
        res.resume();
        const header = res.headers.date;
        const dateMs = header ? parseHttpDate(header) : undefined;
        if (dateMs === undefined) {
          reject(new TimeError('TIME_NO_DATE_HEADER', `${host} answered without a usable Date header${header ? ` ("${header}")` : ''}, so it cannot tell the time. Use another URL with --https-url.`, { details: { url: url.href } }));
          return;
        }
        resolve({ sentAt, receivedAt, dateMs });
      });
      req.on('timeout', () => req.destroy(new TimeError('TIME_TIMEOUT', `${host} did not answer within ${Math.round(timeout / 100) / 10} s. Check your network connection.`, { details: { url: url.href } })));
      req.on('error', (error) => reject(httpFailure(error, host, url.href)));
      req.end();
    });

  try {
    // The first request pays for TCP (+TLS); the second measures the round trip of the open connection.
    for (let i = 0; i < 2; i++) {
      const o = await request();
      observations.push(o);
      if (i > 0) roundTripMs = Math.min(roundTripMs, o.receivedAt - o.sentAt);
    }
    for (let sweep = 0; sweep < opts.maxSweeps; sweep++) {
      const bounds = intersectObservations(observations)!;
      if ((bounds.highMs - bounds.lowMs) / 2 <= Math.max(opts.targetUncertaintyMs, roundTripMs)) break;
      const plan = planSweep(bounds, roundTripMs, now(), opts.probesPerSweep);
      const wallToLocal = Date.now() - now();
      if (plan.sendAt[plan.sendAt.length - 1]! + wallToLocal + opts.requestTimeoutMs > deadline && sweep > 0) break;
      for (const at of plan.sendAt) {
        const wait = at - now();
        // Never sleep past the budget: a partial window is still an honest answer.
        if (Date.now() + Math.max(0, wait) >= deadline) break;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const o = await request();
        observations.push(o);
        roundTripMs = Math.min(roundTripMs, o.receivedAt - o.sentAt);
        if (o.dateMs >= plan.boundaryMs) break; // the tick is behind us: this sweep has done its job
      }
      if (Date.now() >= deadline) break;
    }
  } catch (error) {
    if (observations.length === 0 || !(error instanceof TimeError && error.code === 'TIME_TIMEOUT')) throw error;
  } finally {
    agent.destroy();
  }
  const bounds = intersectObservations(observations)!;
  return {
    offsetMs: (bounds.lowMs + bounds.highMs) / 2,
    uncertaintyMs: (bounds.highMs - bounds.lowMs) / 2,
    roundTripMs: Number.isFinite(roundTripMs) ? roundTripMs : observations[0]!.receivedAt - observations[0]!.sentAt,
    requests: observations.length,
    host,
    authenticated: secure,
  };
}

function httpFailure(error: unknown, host: string, href: string): TimeError {
  if (error instanceof TimeError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new TimeError('TIME_SERVER_UNREACHABLE', `${host} refused the connection. Check the URL given with --https-url.`, { cause: error, details: { url: href, errno: code } });
  if (code && /CERT|SSL|TLS/.test(code)) return new TimeError('TIME_HTTPS_FAILED', `The HTTPS connection to ${host} could not be verified (${code}), so its time was not trusted.`, { cause: error, details: { url: href, errno: code } });
  return new TimeError('TIME_SERVER_UNREACHABLE', `Could not reach ${host}${code ? ` (${code})` : ''}. Check your network connection.`, { cause: error, details: { url: href, ...(code ? { errno: code } : {}) } });
}
