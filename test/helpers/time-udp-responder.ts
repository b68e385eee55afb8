import { createSocket } from 'node:dgram';

/**
 * A hand-made NTP "server" on 127.0.0.1 for the rejection cases. Packets are encoded here with
 * Buffer writes, independently of core/time/ntp.ts, so the client is tested against the wire
 * format (RFC 5905 figure 8), not against itself.
 */
export type ResponderBehaviour =
  | 'good'
  | 'wrong-origin'
  | 'kod-rate'
  | 'kod-deny'
  | 'leap-unsynchronised'
  | 'stratum-16'
  | 'wrong-mode'
  | 'wrong-version'
  | 'short'
  | 'zero-transmit'
  | 'silent'
  /** first reply good, then RATE kiss-of-death */
  | 'good-then-rate'
  /** a stray packet with the wrong origin first, then the real answer */
  | 'stray-then-good'
  /** well-formed (right origin, stratum 2) but transmit seconds 1 (fraction 0): 2036 in the era nearest today */
  | 'transmit-seconds-1'
  /** receive and transmit seconds both 1: a consistent reply claiming 2036-02-07T06:28:17Z */
  | 'both-seconds-1';

export interface UdpResponder {
  readonly port: number;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

const NTP_DELTA = 2_208_988_800;

function writeTimestamp(buf: Buffer, at: number, unixMs: number): void {
  const seconds = Math.floor(unixMs / 1000);
  buf.writeUInt32BE((seconds + NTP_DELTA) >>> 0, at);
  buf.writeUInt32BE(Math.floor(((unixMs - seconds * 1000) / 1000) * 2 ** 32) >>> 0, at + 4);
}

/** A correct server reply to `request` with a clock `offsetMs` ahead of ours. */
export function goodReply(request: Buffer, offsetMs: number, fields: { li?: number; vn?: number; mode?: number; stratum?: number; refid?: string } = {}, receivedAt = Date.now()): Buffer {
  const reply = Buffer.alloc(48);
  const { li = 0, vn = 4, mode = 4, stratum = 2 } = fields;
  reply[0] = (li << 6) | (vn << 3) | mode;
  reply[1] = stratum;
  reply[2] = 6; // poll
  reply.writeInt8(-20, 3); // precision ~1 µs
  reply.writeUInt32BE(0x00000100, 4); // root delay 1/256 s
  reply.writeUInt32BE(0x00000080, 8); // root dispersion 1/512 s
  if (fields.refid !== undefined) reply.write(fields.refid.padEnd(4, '\0').slice(0, 4), 12, 'latin1');
  else reply.writeUInt32BE(0x7f000001, 12);
  const t = receivedAt + offsetMs;
  writeTimestamp(reply, 16, t - 1000); // reference
  request.copy(reply, 24, 40, 48); // origin = client's transmit
  writeTimestamp(reply, 32, t); // receive
  writeTimestamp(reply, 40, Date.now() + offsetMs); // transmit
  return reply;
}

export async function startResponder(behaviour: ResponderBehaviour, offsetMs = 0): Promise<UdpResponder> {
  const socket = createSocket('udp4');
  let requests = 0;
  socket.on('message', (request, rinfo) => {
    const receivedAt = Date.now();
    requests++;
    const send = (b: Buffer) => socket.send(b, rinfo.port, rinfo.address);
    switch (behaviour) {
      case 'good':
        return send(goodReply(request, offsetMs));
      case 'wrong-origin': {
        const reply = goodReply(request, offsetMs);
        reply[31] = reply[31]! ^ 0xff;
        return send(reply);
      }
      case 'kod-rate':
        return send(goodReply(request, offsetMs, { stratum: 0, refid: 'RATE' }));
      case 'kod-deny':
        return send(goodReply(request, offsetMs, { stratum: 0, refid: 'DENY' }));
      case 'leap-unsynchronised':
        return send(goodReply(request, offsetMs, { li: 3 }));
      case 'stratum-16':
        return send(goodReply(request, offsetMs, { stratum: 16 }));
      case 'wrong-mode':
        return send(goodReply(request, offsetMs, { mode: 5 }));
      case 'wrong-version':
        return send(goodReply(request, offsetMs, { vn: 2 }));
      case 'short':
        return send(goodReply(request, offsetMs).subarray(0, 40));
      case 'zero-transmit': {
        const reply = goodReply(request, offsetMs);
        reply.fill(0, 40, 48);
        return send(reply);
      }
      case 'silent':
        return;
      case 'transmit-seconds-1': {
        const reply = goodReply(request, offsetMs);
        reply.writeUInt32BE(1, 40);
        reply.writeUInt32BE(0, 44);
        return send(reply);
      }
      case 'both-seconds-1': {
        const reply = goodReply(request, offsetMs);
        for (const at of [32, 40]) {
          reply.writeUInt32BE(1, at);
          reply.writeUInt32BE(0, at + 4);
        }
        return send(reply);
      }
      case 'good-then-rate':
        return send(requests === 1 ? goodReply(request, offsetMs) : goodReply(request, offsetMs, { stratum: 0, refid: 'RATE' }));
      case 'stray-then-good': {
        const stray = goodReply(request, offsetMs + 5000);
        stray.writeUInt32BE(0xdeadbeef, 24);
        send(stray);
        setTimeout(() => send(goodReply(request, offsetMs, {}, receivedAt)), 20);
        return;
      }
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    port,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
