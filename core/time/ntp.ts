import { TimeError } from '../errors.js';

/**
 * The client side of SNTP (RFC 4330, and RFC 5905's packet format): build a 48-byte request,
 * check that a reply is a genuine, usable answer to it, and turn the four timestamps into an
 * offset and a round-trip delay. Pure: the caller supplies the clock readings and the nonce.
 * See docs/time.md for the method and why each check exists.
 */

export const NTP_PACKET_SIZE = 48;
/** Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch (1970-01-01). */
export const NTP_UNIX_DELTA_SECONDS = 2_208_988_800;
const ERA_SECONDS = 2 ** 32;
const FRACTION = 2 ** 32;
export const NTP_DEFAULT_PORT = 123;

export const MODE_CLIENT = 3;
export const MODE_SERVER = 4;
export const LEAP_UNSYNCHRONISED = 3;
/** NTPv4 says stratum 16 means "unsynchronised"; 0 is a kiss-of-death packet. */
export const STRATUM_UNSYNCHRONISED = 16;

/** A 64-bit NTP timestamp as its two 32-bit halves (seconds since 1900 in the era, fraction). */
export interface NtpTimestamp {
  readonly seconds: number;
  readonly fraction: number;
}

export interface NtpPacket {
  readonly leap: number;
  readonly version: number;
  readonly mode: number;
  readonly stratum: number;
  readonly poll: number;
  /** log2 seconds, e.g. -24 ≈ 60 ns. */
  readonly precision: number;
  /** Seconds (16.16 fixed point decoded). */
  readonly rootDelay: number;
  readonly rootDispersion: number;
  /** The 4 reference id bytes: for stratum 0 an ASCII kiss code, for 1 a source name, else an address. */
  readonly referenceId: Uint8Array;
  readonly reference: NtpTimestamp;
  readonly origin: NtpTimestamp;
  readonly receive: NtpTimestamp;
  readonly transmit: NtpTimestamp;
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

function timestampAt(bytes: Uint8Array, at: number): NtpTimestamp {
  return { seconds: u32(bytes, at), fraction: u32(bytes, at + 4) };
}

export function isZeroTimestamp(t: NtpTimestamp): boolean {
  return t.seconds === 0 && t.fraction === 0;
}

export function sameTimestamp(a: NtpTimestamp, b: NtpTimestamp): boolean {
  return a.seconds === b.seconds && a.fraction === b.fraction;
}

/**
 * Unix milliseconds -> NTP timestamp (era-relative: the 32-bit seconds wrap in 2036, and the
 * wire format simply carries the low 32 bits).
 */
export function unixMsToNtp(unixMs: number): NtpTimestamp {
  const totalSeconds = Math.floor(unixMs / 1000) + NTP_UNIX_DELTA_SECONDS;
  const fractionMs = unixMs - Math.floor(unixMs / 1000) * 1000;
  let fraction = Math.round((fractionMs / 1000) * FRACTION);
  let seconds = totalSeconds;
  if (fraction >= FRACTION) {
    fraction -= FRACTION;
    seconds += 1;
  }
  return { seconds: ((seconds % ERA_SECONDS) + ERA_SECONDS) % ERA_SECONDS, fraction };
}

/**
 * NTP timestamp -> Unix milliseconds, choosing the era (136-year span) that puts it nearest to
 * `pivotUnixMs` (our local clock). RFC 4330 section 3 uses the top bit to split 1968–2036 from
 * 2036–2104; a pivot does the same job for any era while the local clock is within 68 years.
 */
export function ntpToUnixMs(t: NtpTimestamp, pivotUnixMs: number): number {
  const pivotSeconds = pivotUnixMs / 1000 + NTP_UNIX_DELTA_SECONDS;
  const era = Math.round((pivotSeconds - t.seconds) / ERA_SECONDS);
  const seconds = era * ERA_SECONDS + t.seconds - NTP_UNIX_DELTA_SECONDS;
  return seconds * 1000 + (t.fraction / FRACTION) * 1000;
}

/**
 * A client request: LI 0, version 4, mode 3, every field zero except the transmit timestamp,
 * which carries `nonce` (8 random bytes) instead of our clock. The server copies it into the
 * reply's origin field, so it identifies the answer (an off-path forger must guess 64 bits), and
 * our clock reading never leaves the machine (the NTP data-minimisation practice chrony follows).
 * We keep T1 locally.
 */
export function buildRequest(nonce: Uint8Array): { packet: Uint8Array; transmit: NtpTimestamp } {
  if (nonce.length !== 8) throw new TimeError('TIME_BAD_NONCE', 'Internal error: an SNTP request needs an 8-byte nonce.');
  const packet = new Uint8Array(NTP_PACKET_SIZE);
  packet[0] = (0 << 6) | (4 << 3) | MODE_CLIENT;
  packet.set(nonce, 40);
  // A zero transmit timestamp would make every unanswered field look like "ours".
  if (isZeroTimestamp(timestampAt(packet, 40))) packet[47] = 1;
  return { packet, transmit: timestampAt(packet, 40) };
}

/** Decode the fixed 48-byte header (extension fields and MACs after it are ignored). */
export function parsePacket(bytes: Uint8Array, server: string): NtpPacket {
  if (bytes.length < NTP_PACKET_SIZE) {
    throw new TimeError('TIME_SHORT_PACKET', `The time server ${server} sent a reply of ${bytes.length} bytes, too short to be an NTP packet (48 bytes). It may not be an NTP server; try another with --server.`, { details: { server, length: bytes.length } });
  }
  const first = bytes[0]!;
  const view = (at: number) => u32(bytes, at);
  const signed8 = (value: number) => (value > 127 ? value - 256 : value);
  return {
    leap: first >> 6,
    version: (first >> 3) & 0x07,
    mode: first & 0x07,
    stratum: bytes[1]!,
    poll: signed8(bytes[2]!),
    precision: signed8(bytes[3]!),
    rootDelay: view(4) / 65536,
    rootDispersion: view(8) / 65536,
    referenceId: bytes.slice(12, 16),
    reference: timestampAt(bytes, 16),
    origin: timestampAt(bytes, 24),
    receive: timestampAt(bytes, 32),
    transmit: timestampAt(bytes, 40),
  };
}

/** The kiss code of a stratum-0 packet: four ASCII letters, e.g. RATE, DENY, RSTR. */
export function kissCode(packet: NtpPacket): string {
  return Array.from(packet.referenceId, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '')).join('').trim() || '????';
}

const KISS_MEANING: Record<string, string> = {
  RATE: 'it asks us to query it less often',
  DENY: 'it refuses to serve us',
  RSTR: 'it refuses to serve us',
  NKEY: 'it wants an authentication key we do not have',
  CRYP: 'it wants cryptographic authentication',
};

/**
 * Is this reply a usable answer to the request whose transmit timestamp was `sent`?
 * Returns the packet, or throws a TimeError naming what is wrong. An origin mismatch is
 * `TIME_ORIGIN_MISMATCH`: the UDP client treats it as "not ours" and keeps waiting (RFC 4330
 * section 5: a forged or stale packet must not end the exchange), the others end it.
 */
export function validateReply(bytes: Uint8Array, sent: NtpTimestamp, server: string): NtpPacket {
  const packet = parsePacket(bytes, server);
  if (!sameTimestamp(packet.origin, sent)) {
    throw new TimeError('TIME_ORIGIN_MISMATCH', `The time server ${server} sent a reply that is not an answer to our request (its origin timestamp does not match), so it was ignored. Try another server with --server.`, { details: { server } });
  }
  if (packet.mode !== MODE_SERVER) {
    throw new TimeError('TIME_WRONG_MODE', `The time server ${server} answered in NTP mode ${packet.mode}, not as a server (mode 4), so its time was not used. Try another server with --server.`, { details: { server, mode: packet.mode } });
  }
  if (packet.version !== 3 && packet.version !== 4) {
    throw new TimeError('TIME_WRONG_VERSION', `The time server ${server} answered with NTP version ${packet.version}; only versions 3 and 4 are understood, so its time was not used. Try another server with --server.`, { details: { server, version: packet.version } });
  }
  if (packet.stratum === 0) {
    const code = kissCode(packet);
    const meaning = KISS_MEANING[code];
    throw new TimeError('TIME_KISS_OF_DEATH', `The time server ${server} refused the request (kiss code ${code}${meaning ? `: ${meaning}` : ''}). Authdesk stopped asking it; try again later or use another server with --server.`, { details: { server, kissCode: code } });
  }
  if (packet.leap === LEAP_UNSYNCHRONISED || packet.stratum >= STRATUM_UNSYNCHRONISED) {
    throw new TimeError('TIME_SERVER_UNSYNCHRONISED', `The time server ${server} says its own clock is not synchronised, so its time was not used. Try another server with --server.`, { details: { server, leap: packet.leap, stratum: packet.stratum } });
  }
  if (isZeroTimestamp(packet.transmit) || isZeroTimestamp(packet.receive)) {
    throw new TimeError('TIME_ZERO_TIMESTAMP', `The time server ${server} sent a reply without its timestamps, so its time was not used. Try another server with --server.`, { details: { server } });
  }
  return packet;
}

/** Longest a server may plausibly hold a request between its receive and transmit timestamps. */
export const MAX_SERVER_HOLD_MS = 10_000;

/** One measurement: the offset of the server's clock from ours and the round trip. */
export interface NtpSample {
  /** θ: server minus local, ms. */
  readonly offsetMs: number;
  /** δ: round trip minus the server's processing time, ms (never below 0). */
  readonly delayMs: number;
  /** Server's own error bound to its reference: root delay / 2 + root dispersion + precision, ms. */
  readonly serverErrorMs: number;
  readonly stratum: number;
}

/**
 * RFC 4330 section 5 / RFC 5905 on-wire arithmetic. T1 and T4 are our clock (Unix ms) when the
 * request left and the reply arrived; T2/T3 are the server's receive and transmit timestamps.
 *   θ = ((T2 − T1) + (T3 − T4)) / 2,   δ = (T4 − T1) − (T3 − T2)
 */
export function sampleFromReply(packet: NtpPacket, t1: number, t4: number, server = 'the time server'): NtpSample {
  const t2 = ntpToUnixMs(packet.receive, t1);
  const t3 = ntpToUnixMs(packet.transmit, t4);
  // A server answers within moments of receiving: a transmit time before the receive time, or long
  // after it, means the timestamps are not a real answer (e.g. transmit seconds 1, read as 2036,
  // beside a receive time of today). Its time is not used at all.
  if (t3 - t2 < -MAX_SERVER_HOLD_MS || t3 - t2 > MAX_SERVER_HOLD_MS) {
    throw new TimeError('TIME_INCONSISTENT_REPLY', `The time server ${server} sent timestamps that contradict each other (received ${new Date(t2).toISOString()}, answered ${new Date(t3).toISOString()}), so its time was not used. Try another server with --server.`, { details: { server } });
  }
  const offsetMs = (t2 - t1 + (t3 - t4)) / 2;
  // Clock resolution can make δ slightly negative on loopback; a negative round trip means 0.
  const delayMs = Math.max(0, t4 - t1 - (t3 - t2));
  const precisionMs = 2 ** packet.precision * 1000;
  return { offsetMs, delayMs, serverErrorMs: (packet.rootDelay / 2 + packet.rootDispersion) * 1000 + precisionMs, stratum: packet.stratum };
}

/**
 * The offset to trust from several samples: the one with the least round trip (its asymmetry,
 * the one error NTP cannot see, is bounded by δ/2 — the smallest bound wins; RFC 5905's clock
 * filter makes the same choice). Uncertainty: δ/2 + the server's own error bound + our clock
 * reading's resolution.
 */
export function bestSample(samples: readonly NtpSample[], localResolutionMs = 0): NtpSample & { uncertaintyMs: number } {
  if (samples.length === 0) throw new TimeError('TIME_NO_SAMPLES', 'No time sample was received.');
  let best = samples[0]!;
  for (const sample of samples) if (sample.delayMs < best.delayMs) best = sample;
  return { ...best, uncertaintyMs: best.delayMs / 2 + best.serverErrorMs + localResolutionMs };
}
