import { describe, expect, it } from 'vitest';
import { isAuthdeskError, TimeError } from '../../core/errors.js';
import {
  bestSample, buildRequest, kissCode, ntpToUnixMs, parsePacket, sampleFromReply, unixMsToNtp, validateReply, type NtpPacket,
} from '../../core/time/ntp.js';
import { formatTimeServer, parseTimeServer } from '../../core/time/server.js';

const NONCE = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

/** A reply written byte by byte (RFC 5905 figure 8), independent of the code under test. */
function replyBytes(opts: { li?: number; vn?: number; mode?: number; stratum?: number; refid?: number[]; origin?: number[]; zeroTransmit?: boolean; length?: number } = {}): Uint8Array {
  const b = new Uint8Array(opts.length ?? 48);
  const full = new Uint8Array(48);
  full[0] = ((opts.li ?? 0) << 6) | ((opts.vn ?? 4) << 3) | (opts.mode ?? 4);
  full[1] = opts.stratum ?? 2;
  full[3] = 0xec; // precision -20
  full.set([0, 0, 0x80, 0], 4); // root delay 0.5 s
  full.set([0, 0, 0x40, 0], 8); // root dispersion 0.25 s
  full.set(opts.refid ?? [0x7f, 0, 0, 1], 12);
  full.set(opts.origin ?? Array.from(NONCE), 24);
  // receive = transmit = 2026-01-01T00:00:00.5Z: NTP seconds 3976214400 = 0xED00_BE80? computed below
  const seconds = Date.UTC(2026, 0, 1) / 1000 + 2208988800;
  for (const at of [32, 40]) {
    full[at] = (seconds >>> 24) & 255;
    full[at + 1] = (seconds >>> 16) & 255;
    full[at + 2] = (seconds >>> 8) & 255;
    full[at + 3] = seconds & 255;
    full[at + 4] = 0x80; // .5 s
  }
  if (opts.zeroTransmit) full.fill(0, 40, 48);
  b.set(full.subarray(0, b.length));
  return b;
}

const SENT = { seconds: 0x01020304, fraction: 0x05060708 };

describe('NTP timestamps', () => {
  it('converts the Unix epoch and known dates to NTP era 0 (RFC 5905 section 6)', () => {
    expect(unixMsToNtp(0)).toEqual({ seconds: 2_208_988_800, fraction: 0 });
    expect(unixMsToNtp(0).seconds).toBe(0x83aa7e80);
    // 1972-01-01: 2 272 060 800 (RFC 5905 figure 4)
    expect(unixMsToNtp(Date.UTC(1972, 0, 1)).seconds).toBe(2_272_060_800);
    expect(unixMsToNtp(500)).toEqual({ seconds: 2_208_988_800, fraction: 0x80000000 });
    expect(unixMsToNtp(250).fraction).toBe(0x40000000);
  });

  it('wraps at the era boundary of 2036-02-07T06:28:16Z and reads both eras back with a pivot', () => {
    const eraStart = Date.UTC(2036, 1, 7, 6, 28, 16);
    expect(unixMsToNtp(eraStart)).toEqual({ seconds: 0, fraction: 0 });
    expect(unixMsToNtp(eraStart - 1000).seconds).toBe(0xffffffff);
    expect(ntpToUnixMs({ seconds: 0, fraction: 0 }, eraStart - 5000)).toBe(eraStart);
    expect(ntpToUnixMs({ seconds: 0xffffffff, fraction: 0 }, eraStart + 5000)).toBe(eraStart - 1000);
    expect(ntpToUnixMs({ seconds: 2_208_988_800, fraction: 0x80000000 }, Date.UTC(2026, 0, 1))).toBe(500);
  });

  it('round-trips milliseconds to well under a microsecond', () => {
    for (const ms of [Date.UTC(2026, 10, 28, 10, 0, 0, 123.456), 1_800_000_000_999, Date.UTC(2040, 0, 1, 0, 0, 0, 1)]) {
      expect(Math.abs(ntpToUnixMs(unixMsToNtp(ms), ms) - ms)).toBeLessThan(0.001);
    }
  });
});

describe('SNTP request', () => {
  it('is 48 bytes, LI 0 / VN 4 / mode 3, with the nonce as transmit timestamp and nothing else', () => {
    const { packet, transmit } = buildRequest(NONCE);
    expect(packet.length).toBe(48);
    expect(packet[0]).toBe(0x23);
    expect(Array.from(packet.subarray(1, 40)).every((b) => b === 0)).toBe(true);
    expect(Array.from(packet.subarray(40))).toEqual(Array.from(NONCE));
    expect(transmit).toEqual({ seconds: 0x01020304, fraction: 0x05060708 });
  });

  it('never sends an all-zero transmit timestamp', () => {
    const { transmit } = buildRequest(new Uint8Array(8));
    expect(transmit.seconds === 0 && transmit.fraction === 0).toBe(false);
  });
});

describe('SNTP reply validation', () => {
  const expectCode = (fn: () => unknown, code: string) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(TimeError);
      expect((error as TimeError).code).toBe(code);
      expect((error as TimeError).message).toMatch(/ 127\.0\.0\.1:123 /);
      return;
    }
    throw new Error(`expected ${code}`);
  };

  it('accepts a proper server reply and decodes its fields', () => {
    const packet = validateReply(replyBytes(), SENT, '127.0.0.1:123');
    expect(packet).toMatchObject({ leap: 0, version: 4, mode: 4, stratum: 2, precision: -20, rootDelay: 0.5, rootDispersion: 0.25 });
    expect(ntpToUnixMs(packet.transmit, Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 0, 1) + 500);
  });

  it('accepts version 3', () => {
    expect(validateReply(replyBytes({ vn: 3 }), SENT, 's').version).toBe(3);
  });

  it('rejects a reply whose origin is not our transmit timestamp', () => expectCode(() => validateReply(replyBytes({ origin: [9, 9, 9, 9, 9, 9, 9, 9] }), SENT, '127.0.0.1:123'), 'TIME_ORIGIN_MISMATCH'));
  it('rejects other modes (client, broadcast)', () => {
    expectCode(() => validateReply(replyBytes({ mode: 3 }), SENT, '127.0.0.1:123'), 'TIME_WRONG_MODE');
    expectCode(() => validateReply(replyBytes({ mode: 5 }), SENT, '127.0.0.1:123'), 'TIME_WRONG_MODE');
  });
  it('rejects versions other than 3 and 4', () => {
    expectCode(() => validateReply(replyBytes({ vn: 2 }), SENT, '127.0.0.1:123'), 'TIME_WRONG_VERSION');
    expectCode(() => validateReply(replyBytes({ vn: 5 }), SENT, '127.0.0.1:123'), 'TIME_WRONG_VERSION');
  });
  it('reads the kiss code of a stratum-0 kiss-of-death', () => {
    try {
      validateReply(replyBytes({ stratum: 0, refid: [0x52, 0x41, 0x54, 0x45] }), SENT, '127.0.0.1:123');
      throw new Error('accepted');
    } catch (error) {
      expect(isAuthdeskError(error, 'TIME_KISS_OF_DEATH')).toBe(true);
      expect((error as TimeError).details).toMatchObject({ kissCode: 'RATE' });
      expect((error as TimeError).message).toContain('RATE');
    }
    expectCode(() => validateReply(replyBytes({ stratum: 0, refid: [0x44, 0x45, 0x4e, 0x59] }), SENT, '127.0.0.1:123'), 'TIME_KISS_OF_DEATH');
  });
  it('rejects an unsynchronised server (LI 3, or stratum 16)', () => {
    expectCode(() => validateReply(replyBytes({ li: 3 }), SENT, '127.0.0.1:123'), 'TIME_SERVER_UNSYNCHRONISED');
    expectCode(() => validateReply(replyBytes({ stratum: 16 }), SENT, '127.0.0.1:123'), 'TIME_SERVER_UNSYNCHRONISED');
  });
  it('accepts leap second warnings (LI 1 and 2)', () => {
    expect(validateReply(replyBytes({ li: 1 }), SENT, 's').leap).toBe(1);
    expect(validateReply(replyBytes({ li: 2 }), SENT, 's').leap).toBe(2);
  });
  it('rejects short packets', () => {
    expectCode(() => validateReply(replyBytes({ length: 47 }), SENT, '127.0.0.1:123'), 'TIME_SHORT_PACKET');
    expectCode(() => validateReply(new Uint8Array(0), SENT, '127.0.0.1:123'), 'TIME_SHORT_PACKET');
  });
  it('rejects a zero transmit timestamp', () => expectCode(() => validateReply(replyBytes({ zeroTransmit: true }), SENT, '127.0.0.1:123'), 'TIME_ZERO_TIMESTAMP'));
  it('ignores trailing extension fields', () => {
    const long = new Uint8Array(68);
    long.set(replyBytes());
    expect(parsePacket(long, 's').stratum).toBe(2);
  });
  it('prints unreadable kiss codes as ????', () => {
    expect(kissCode({ referenceId: new Uint8Array([0, 1, 2, 3]) } as NtpPacket)).toBe('????');
  });
});

describe('offset and delay (RFC 4330 section 5)', () => {
  // Server clock 50 ms ahead; request takes 10 ms, server holds it 5 ms, reply takes 30 ms.
  // Local T1 = t, T2 = t + 10 + 50, T3 = T2 + 5, T4 = t + 45 (worked by hand):
  //   θ = ((60) + (65 − 45)) / 2 = 40,  δ = 45 − 5 = 40; the 10 ms error is within δ/2.
  it('computes θ and δ from the four timestamps', () => {
    const t = Date.UTC(2026, 5, 1, 12, 0, 0);
    const packet = { receive: unixMsToNtp(t + 60), transmit: unixMsToNtp(t + 65), precision: -20, rootDelay: 0.002, rootDispersion: 0.001, stratum: 3 } as NtpPacket;
    const sample = sampleFromReply(packet, t, t + 45);
    expect(sample.offsetMs).toBeCloseTo(40, 3);
    expect(sample.delayMs).toBeCloseTo(40, 3);
    // root delay / 2 + root dispersion + 2^-20 s
    expect(sample.serverErrorMs).toBeCloseTo(1 + 1 + 0.000954, 5);
    expect(Math.abs(50 - sample.offsetMs)).toBeLessThanOrEqual(sample.delayMs / 2);
  });

  it('works across the 2036 era boundary', () => {
    const t = Date.UTC(2036, 1, 7, 6, 28, 14, 990);
    const packet = { receive: unixMsToNtp(t + 20 + 1000), transmit: unixMsToNtp(t + 20 + 1000), precision: -20, rootDelay: 0, rootDispersion: 0, stratum: 1 } as NtpPacket;
    expect(packet.transmit.seconds).toBe(0);
    expect(sampleFromReply(packet, t, t + 40).offsetMs).toBeCloseTo(1000, 3);
  });

  it('keeps the sample with the least delay and bounds its error', () => {
    const best = bestSample([
      { offsetMs: 120, delayMs: 80, serverErrorMs: 1, stratum: 2 },
      { offsetMs: 101, delayMs: 6, serverErrorMs: 1, stratum: 2 },
      { offsetMs: 90, delayMs: 30, serverErrorMs: 1, stratum: 2 },
    ], 0.05);
    expect(best.offsetMs).toBe(101);
    expect(best.uncertaintyMs).toBeCloseTo(3 + 1 + 0.05, 6);
  });
});

describe('time server names', () => {
  it.each([
    ['time.aws.com', 'time.aws.com', 123],
    ['127.0.0.1:11123', '127.0.0.1', 11123],
    ['[::1]:4123', '::1', 4123],
    ['[::1]', '::1', 123],
    ['fe80::1', 'fe80::1', 123],
    ['  pool.ntp.org  ', 'pool.ntp.org', 123],
  ])('%s', (text, host, port) => expect(parseTimeServer(text)).toEqual({ host, port }));

  it.each(['', 'host:0', 'host:65536', 'host:abc', 'bad host', 'http://x', '[nothex]:1'])('rejects "%s"', (text) => {
    expect(() => parseTimeServer(text)).toThrow(/is not a time server/);
  });

  it('formats IPv6 in brackets', () => {
    expect(formatTimeServer({ host: '::1', port: 123 })).toBe('[::1]:123');
    expect(formatTimeServer({ host: 'time.aws.com', port: 123 })).toBe('time.aws.com:123');
  });
});
