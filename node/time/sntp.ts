import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { TimeError, isAuthdeskError } from '../../core/errors.js';
import { bestSample, buildRequest, sampleFromReply, validateReply, type NtpSample } from '../../core/time/ntp.js';
import { formatTimeServer, parseTimeServer, type TimeServer } from '../../core/time/server.js';
import { LOCAL_CLOCK_RESOLUTION_MS, preciseLocalClock } from './local-clock.js';
import { resolveHost } from './resolve.js';

export interface SntpOptions {
  /** Requests to send; the reply with the least round trip wins (default 4). */
  readonly samples?: number;
  /** How long to wait for each reply (default 1000 ms). */
  readonly sampleTimeoutMs?: number;
  /** Pause between requests (default 200 ms): servers rate-limit bursts; see docs/time.md. */
  readonly intervalMs?: number;
  /** Whole query, DNS included (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Local clock (Unix ms); default: a sub-millisecond clock made for this query. */
  readonly now?: () => number;
}

export interface SntpResult {
  /** Trusted (server) minus local, ms. */
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  /** Round trip of the chosen sample, ms. */
  readonly delayMs: number;
  /** Replies used / requests sent. */
  readonly samples: number;
  readonly sent: number;
  readonly stratum: number;
  /** host:port as given (resolved address in `address`). */
  readonly server: string;
  readonly address: string;
}

const DEFAULTS = { samples: 4, sampleTimeoutMs: 1000, intervalMs: 200, timeoutMs: 5000 };

/** Errors that mean "this packet is not (provably) for us": ignore it and keep waiting. */
const IGNORABLE = new Set(['TIME_ORIGIN_MISMATCH', 'TIME_SHORT_PACKET']);

/**
 * Query one NTP server: `samples` requests one after another on one connected UDP socket
 * (connected, so ICMP "port unreachable" surfaces as an error at once instead of a timeout, and
 * only datagrams from the server's address reach us). Rejects with a TimeError.
 */
export async function querySntp(serverText: string | TimeServer, options: SntpOptions = {}): Promise<SntpResult> {
  const server = typeof serverText === 'string' ? parseTimeServer(serverText) : serverText;
  const name = formatTimeServer(server);
  const { samples: wanted, sampleTimeoutMs, intervalMs, timeoutMs } = { ...DEFAULTS, ...definedOnly(options) };
  const deadline = Date.now() + timeoutMs;
  const { address, family } = await resolveHost(server.host, Math.min(timeoutMs, 3000), 'time server');
  const now = options.now ?? preciseLocalClock();
  const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
  const got: NtpSample[] = [];
  let sent = 0;
  let lastIgnored: TimeError | undefined;
  let socketError: Error | undefined;
  let onSocketError: ((error: Error) => void) | undefined;
  socket.on('error', (error) => {
    socketError = error;
    onSocketError?.(error);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      onSocketError = reject;
      socket.connect(server.port, address, () => resolve());
    });
    for (let i = 0; i < wanted; i++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      if (i > 0 && intervalMs > 0) await sleep(Math.min(intervalMs, remaining));
      sent++;
      try {
        const sample = await exchange(socket, name, now, Math.min(sampleTimeoutMs, Math.max(1, deadline - Date.now())), (ignored) => (lastIgnored = ignored), (reject) => (onSocketError = reject));
        if (sample) got.push(sample);
      } catch (error) {
        // A server that says RATE after answering once: keep what we have (it asked us to stop).
        if (isAuthdeskError(error, 'TIME_KISS_OF_DEATH') && got.length > 0) break;
        throw error;
      }
    }
  } catch (error) {
    throw socketFailure(error, name) ?? error;
  } finally {
    socket.removeAllListeners('message');
    socket.on('error', () => undefined);
    try {
      socket.close();
    } catch {
      /* already closed */
    }
  }
  if (socketError && got.length === 0) throw socketFailure(socketError, name) ?? socketError;
  if (got.length === 0) {
    if (lastIgnored) throw lastIgnored;
    throw new TimeError('TIME_TIMEOUT', `The time server ${name} did not answer (${sent} request${sent === 1 ? '' : 's'}, ${formatSeconds(sampleTimeoutMs)} each). UDP port ${server.port} may be blocked; try another server with --server, or the HTTPS fallback with --https-url.`, { details: { server: name, sent } });
  }
  const best = bestSample(got, LOCAL_CLOCK_RESOLUTION_MS);
  return { offsetMs: best.offsetMs, uncertaintyMs: best.uncertaintyMs, delayMs: best.delayMs, samples: got.length, sent, stratum: best.stratum, server: name, address };
}

/** One request/reply. Resolves undefined when no usable reply came in time (a lost packet). */
function exchange(
  socket: Socket,
  name: string,
  now: () => number,
  timeoutMs: number,
  ignored: (error: TimeError) => void,
  setSocketErrorHandler: (reject: (error: Error) => void) => void,
): Promise<NtpSample | undefined> {
  return new Promise((resolve, reject) => {
    const { packet, transmit } = buildRequest(new Uint8Array(randomBytes(8)));
    let t1 = 0;
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      socket.removeListener('message', onMessage);
      fn();
    };
    const onMessage = (message: Buffer) => {
      const t4 = now();
      try {
        const reply = validateReply(new Uint8Array(message), transmit, name);
        finish(() => resolve(sampleFromReply(reply, t1, t4, name)));
      } catch (error) {
        if (error instanceof TimeError && IGNORABLE.has(error.code)) ignored(error);
        else finish(() => reject(error));
      }
    };
    const timer = setTimeout(() => finish(() => resolve(undefined)), timeoutMs);
    setSocketErrorHandler((error) => finish(() => reject(error)));
    socket.on('message', onMessage);
    t1 = now();
    socket.send(packet, (error) => {
      if (error) finish(() => reject(error));
    });
  });
}

function socketFailure(error: unknown, name: string): TimeError | undefined {
  if (error instanceof TimeError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code) return undefined;
  if (code === 'ECONNREFUSED') {
    return new TimeError('TIME_SERVER_UNREACHABLE', `The time server ${name} refused the connection: nothing is listening on that port. Check the address and port, or try another server with --server.`, { cause: error, details: { server: name, errno: code } });
  }
  return new TimeError('TIME_SERVER_UNREACHABLE', `Could not reach the time server ${name} (${code}). Check your network connection, or try another server with --server.`, { cause: error, details: { server: name, errno: code } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
