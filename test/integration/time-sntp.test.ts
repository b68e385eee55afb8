import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeError } from '../../core/errors.js';
import { totp } from '../../core/otp/otp.js';
import { base32ToBytes } from '../../core/otp/base32.js';
import { nodeHmac } from '../../node/crypto.js';
import { querySntp } from '../../node/time/sntp.js';
import { measureClock, measureClockDetailed } from '../../node/time/measure.js';
import { startChrony, freeUdpPort, type ChronyServer } from '../helpers/time-chrony.js';
import { startResponder, type ResponderBehaviour } from '../helpers/time-udp-responder.js';
import { oathtoolTotp } from '../helpers/cli.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** Measured offsets against chrony, for the report (printed once at the end). */
const measured: string[] = [];

describe('SNTP against a real chronyd on loopback', () => {
  const servers: Record<string, ChronyServer> = {};
  beforeAll(async () => {
    const [real, ahead, behind] = await Promise.all([startChrony(), startChrony({ fakeOffset: '+90s' }), startChrony({ fakeOffset: '-75s' })]);
    Object.assign(servers, { real, ahead, behind });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    if (measured.length) console.log(`chrony offsets (measured − served, ms): ${measured.join('; ')}`);
  });

  it.each([
    ['real', 0],
    ['ahead', 90_000],
    ['behind', -75_000],
  ] as const)('measures the %s clock within 50 ms (faketime offset %i ms)', async (which, expectedMs) => {
    const started = Date.now();
    const result = await querySntp(`127.0.0.1:${servers[which]!.port}`);
    const elapsed = Date.now() - started;
    const error = result.offsetMs - expectedMs;
    measured.push(`${which} ${error.toFixed(3)} (±${result.uncertaintyMs.toFixed(3)}, δ ${result.delayMs.toFixed(3)}, ${elapsed} ms)`);
    expect(Math.abs(error)).toBeLessThan(50);
    expect(result.samples).toBe(4);
    expect(result.stratum).toBe(8);
    expect(result.uncertaintyMs).toBeGreaterThan(0);
    expect(result.uncertaintyMs).toBeLessThan(50);
  });

  it('gives codes equal to oathtool at the corrected time (+90 s and −75 s)', async () => {
    for (const [which, served] of [['ahead', 90], ['behind', -75]] as const) {
      const record = await measureClock({ servers: [`127.0.0.1:${servers[which]!.port}`] });
      expect(record.source).toBe(`ntp:127.0.0.1:${servers[which]!.port}`);
      expect(Date.now() - Date.parse(record.measuredAt)).toBeLessThan(5000);
      // One instant, read once: the corrected time by our offset, the served time by faketime's.
      const local = Date.now();
      const corrected = local + record.offsetMs;
      const ours = totp(base32ToBytes(SECRET), corrected, { algorithm: 'SHA1', digits: 6, period: 30 }, nodeHmac);
      // Avoid the 50 ms around a step boundary, where the two clocks may legitimately straddle it.
      const intoStep = (local + served * 1000) % 30_000;
      if (intoStep > 50 && intoStep < 29_950) expect(ours).toBe(oathtoolTotp(SECRET, (local + served * 1000) / 1000));
      expect(ours).toBe(oathtoolTotp(SECRET, corrected / 1000));
      expect(ours).not.toBe(oathtoolTotp(SECRET, local / 1000));
    }
  });

  it('uses the second server when the first does not answer', async () => {
    const closed = await freeUdpPort();
    const m = await measureClockDetailed({ servers: [`127.0.0.1:${closed}`, `localhost:${servers.ahead!.port}`] });
    expect(Math.abs(m.record.offsetMs - 90_000)).toBeLessThan(50);
    expect(m.record.source).toBe(`ntp:localhost:${servers.ahead!.port}`);
    expect(m.failures).toEqual([expect.objectContaining({ source: `ntp:127.0.0.1:${closed}`, code: 'TIME_SERVER_UNREACHABLE' })]);
  });
});

describe('SNTP rejections (hand-made responder)', () => {
  const fast = { samples: 2, sampleTimeoutMs: 300, intervalMs: 0, timeoutMs: 2000 };
  const attempt = async (behaviour: ResponderBehaviour, options = fast) => {
    const responder = await startResponder(behaviour, 12_345);
    try {
      const started = Date.now();
      const error = await querySntp(`127.0.0.1:${responder.port}`, options).then(() => undefined, (e: unknown) => e);
      return { error: error as TimeError | undefined, elapsed: Date.now() - started, requests: responder.requests };
    } finally {
      await responder.close();
    }
  };

  it('accepts a good reply from the responder (the control case)', async () => {
    const responder = await startResponder('good', 12_345);
    const result = await querySntp(`127.0.0.1:${responder.port}`, fast);
    await responder.close();
    expect(Math.abs(result.offsetMs - 12_345)).toBeLessThan(5);
  });

  it.each([
    ['kod-rate', 'TIME_KISS_OF_DEATH', /kiss code RATE/],
    ['kod-deny', 'TIME_KISS_OF_DEATH', /kiss code DENY/],
    ['leap-unsynchronised', 'TIME_SERVER_UNSYNCHRONISED', /not synchronised/],
    ['stratum-16', 'TIME_SERVER_UNSYNCHRONISED', /not synchronised/],
    ['wrong-mode', 'TIME_WRONG_MODE', /mode 5/],
    ['wrong-version', 'TIME_WRONG_VERSION', /version 2/],
    ['zero-transmit', 'TIME_ZERO_TIMESTAMP', /without its timestamps/],
  ] as const)('%s -> %s at once', async (behaviour, code, sentence) => {
    const { error, requests } = await attempt(behaviour);
    expect(error).toBeInstanceOf(TimeError);
    expect(error!.code).toBe(code);
    expect(error!.message).toMatch(sentence);
    expect(requests).toBe(1); // a refusal ends the exchange: no more requests to that server
  });

  it.each([
    ['wrong-origin', 'TIME_ORIGIN_MISMATCH', /not an answer to our request/],
    ['short', 'TIME_SHORT_PACKET', /too short/],
  ] as const)('%s is ignored, and reported when nothing better comes (%s)', async (behaviour, code, sentence) => {
    const { error, requests } = await attempt(behaviour);
    expect(error?.code).toBe(code);
    expect(error!.message).toMatch(sentence);
    expect(requests).toBe(2);
  });

  it('keeps waiting past a stray packet for the real answer', async () => {
    const responder = await startResponder('stray-then-good', 4_000);
    const result = await querySntp(`127.0.0.1:${responder.port}`, fast);
    await responder.close();
    expect(Math.abs(result.offsetMs - 4_000)).toBeLessThan(5);
  });

  it('keeps the samples it has when a server says RATE after answering', async () => {
    const responder = await startResponder('good-then-rate', 2_000);
    const result = await querySntp(`127.0.0.1:${responder.port}`, { ...fast, samples: 4 });
    await responder.close();
    expect(result.samples).toBe(1);
    expect(result.sent).toBe(2);
    expect(Math.abs(result.offsetMs - 2_000)).toBeLessThan(5);
  });

  it('times out cleanly on silence', async () => {
    const { error, elapsed, requests } = await attempt('silent');
    expect(error?.code).toBe('TIME_TIMEOUT');
    expect(error!.message).toMatch(/did not answer \(2 requests, 0\.3 s each\)/);
    expect(requests).toBe(2);
    expect(elapsed).toBeLessThan(1500);
  });

  it('respects the total timeout', async () => {
    const { error, elapsed } = await attempt('silent', { samples: 10, sampleTimeoutMs: 400, intervalMs: 0, timeoutMs: 900 });
    expect(error?.code).toBe('TIME_TIMEOUT');
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('unreachable servers', () => {
  it('a closed UDP port fails at once with a sentence', async () => {
    const port = await freeUdpPort();
    const started = Date.now();
    const error = await querySntp(`127.0.0.1:${port}`).catch((e: unknown) => e as TimeError);
    expect(error).toBeInstanceOf(TimeError);
    expect((error as TimeError).code).toBe('TIME_SERVER_UNREACHABLE');
    expect((error as TimeError).message).toBe(`The time server 127.0.0.1:${port} refused the connection: nothing is listening on that port. Check the address and port, or try another server with --server.`);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an unknown host name fails quickly with a sentence', async () => {
    const started = Date.now();
    const error = await querySntp('no-such-host.invalid').catch((e: unknown) => e as TimeError);
    expect((error as TimeError).code).toMatch(/^TIME_(SERVER_NOT_FOUND|DNS_TIMEOUT)$/);
    expect((error as TimeError).message).toMatch(/"no-such-host\.invalid"/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('with several sources down, one error lists each', async () => {
    const port = await freeUdpPort();
    const error = await measureClock({ servers: [`127.0.0.1:${port}`, 'no-such-host.invalid'] }).catch((e: unknown) => e as TimeError);
    expect((error as TimeError).code).toBe('TIME_UNAVAILABLE');
    expect((error as TimeError).message).toMatch(/^No time source answered\. The time server 127\.0\.0\.1:\d+ refused .* "no-such-host\.invalid"/);
  });

  it('a malformed server name is an input error before any traffic', async () => {
    await expect(measureClock({ servers: ['bad host:1'] })).rejects.toMatchObject({ code: 'TIME_SERVER_INVALID' });
  });
});
