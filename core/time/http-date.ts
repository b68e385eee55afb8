/**
 * Offset from HTTP `Date` headers (the fallback when UDP/123 is blocked). A `Date` has 1 s
 * resolution, but each response still bounds the offset exactly, and bounds intersect:
 *
 *   A request sent at local time s and answered at local time r carries Date D (whole seconds,
 *   truncated). The server stamped it at a server time S with D <= S < D + 1000 and, in our terms,
 *   s + θ <= S <= r + θ. Hence  D − r  <=  θ  <  D + 1000 − s.
 *
 * One response bounds θ to a window of 1 s + the round trip. The window shrinks when a response
 * is timed so that the server's second ticks over during its round trip: we aim a sweep of
 * requests at the predicted tick, and the last response before the tick and the first after it
 * bound θ to the probe spacing plus one round trip. Two sweeps (1000 ms -> ~100 ms -> ~RTT)
 * suffice. See docs/time.md.
 */

export interface DateObservation {
  /** Local clock (Unix ms) when the request was written. */
  readonly sentAt: number;
  /** Local clock (Unix ms) when the response headers arrived. */
  readonly receivedAt: number;
  /** The response's Date header, Unix ms (a whole second). */
  readonly dateMs: number;
}

/** θ (trusted − local, ms) lies in [lowMs, highMs). */
export interface OffsetBounds {
  readonly lowMs: number;
  readonly highMs: number;
}

export function boundsOf(o: DateObservation): OffsetBounds {
  return { lowMs: o.dateMs - o.receivedAt, highMs: o.dateMs + 1000 - o.sentAt };
}

/**
 * Intersection of every observation's bounds. When they do not intersect (a server farm whose
 * members disagree, or our clock was stepped mid-measurement), the older observations are
 * dropped and the newest ones that still agree are kept: an honest, wider window.
 */
export function intersectObservations(observations: readonly DateObservation[]): OffsetBounds | undefined {
  let bounds: OffsetBounds | undefined;
  for (let i = observations.length - 1; i >= 0; i--) {
    const next = boundsOf(observations[i]!);
    if (bounds === undefined) {
      bounds = next;
      continue;
    }
    const lowMs = Math.max(bounds.lowMs, next.lowMs);
    const highMs = Math.min(bounds.highMs, next.highMs);
    if (lowMs >= highMs) break; // older ones disagree with newer ones: keep the newer agreement
    bounds = { lowMs, highMs };
  }
  return bounds;
}

export interface SweepPlan {
  /** The server-time second boundary (Unix ms, multiple of 1000) the sweep straddles. */
  readonly boundaryMs: number;
  /** Local times at which to send the requests, in order (each waits for the previous reply). */
  readonly sendAt: readonly number[];
}

/**
 * Plan requests whose arrival at the server spreads across the window where the server's next
 * usable second boundary can be, given bounds [low, high) and the round trip. `probes` limits the
 * load on the server; spacing never goes below one round trip (requests are sequential).
 */
export function planSweep(bounds: OffsetBounds, roundTripMs: number, nowMs: number, probes: number, leadMs = 5): SweepPlan {
  const half = roundTripMs / 2;
  const width = bounds.highMs - bounds.lowMs;
  // The tick B happens at local time in (B − high, B − low]; first probe arrives at B − high.
  let boundaryMs = Math.ceil((nowMs + leadMs + half + bounds.highMs) / 1000) * 1000;
  if (boundaryMs - bounds.highMs - half < nowMs + leadMs) boundaryMs += 1000;
  const spacing = Math.max(width / Math.max(1, probes - 1), roundTripMs + 1);
  const count = Math.min(probes, Math.ceil(width / spacing) + 1);
  const first = boundaryMs - bounds.highMs - half;
  const sendAt: number[] = [];
  for (let i = 0; i < count; i++) sendAt.push(first + i * spacing);
  return { boundaryMs, sendAt };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * RFC 9110 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the only form servers may send, plus
 * the obsolete RFC 850 and asctime forms recipients must accept. Returns Unix ms or undefined.
 */
export function parseHttpDate(text: string): number | undefined {
  const value = text.trim();
  // Fields in order: day, month name, year, hour, minute, second.
  let fields: [string, string, number, string, string, string] | undefined;
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(value);
  if (m) fields = [m[1]!, m[2]!, Number(m[3]), m[4]!, m[5]!, m[6]!];
  if (!fields && (m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(value))) {
    const yy = Number(m[3]);
    fields = [m[1]!, m[2]!, yy < 70 ? 2000 + yy : 1900 + yy, m[4]!, m[5]!, m[6]!];
  }
  if (!fields && (m = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(value))) {
    fields = [m[2]!.trim(), m[1]!, Number(m[6]), m[3]!, m[4]!, m[5]!];
  }
  if (!fields) return undefined;
  const [day, month, year, hh, mm, ss] = fields;
  const monthIndex = MONTHS.findIndex((name) => name.toLowerCase() === month.toLowerCase());
  if (monthIndex < 0) return undefined;
  const [d, h, mi, s] = [Number(day), Number(hh), Number(mm), Number(ss)];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  // A leap second (:60) is read as :59, the second it extends.
  const ms = Date.UTC(year, monthIndex, d, h, mi, Math.min(s, 59));
  return Number.isFinite(ms) && new Date(ms).getUTCDate() === d ? ms : undefined;
}
