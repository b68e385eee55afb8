import { describe, expect, it } from 'vitest';
import { TimeError } from '../../core/errors.js';
import { queryHttpsDate } from '../../node/time/https-date.js';
import { measureClockDetailed } from '../../node/time/measure.js';
import { startDateServer } from '../helpers/time-http-date.js';
import { freeUdpPort } from '../helpers/time-chrony.js';

describe('HTTP(S) Date fallback against a local server with a skewed clock', () => {
  // Sub-second from a header of whole seconds is what the sweep is for; how far below a second
  // depends on the round trips, i.e. on how busy the machine is (a CI run beside another measured
  // ±99 ms where a quiet one gives ±2 ms), so the precision itself is printed, not asserted.
  it.each([37_250, -75_640, 90_000.5])('measures a server %i ms off to well under a second, and its window holds the truth', async (skewMs) => {
    const server = await startDateServer({ skewMs });
    try {
      const started = Date.now();
      const result = await queryHttpsDate(server.url);
      const elapsed = Date.now() - started;
      console.log(`https-date skew ${skewMs}: error ${(result.offsetMs - skewMs).toFixed(3)} ms, ±${result.uncertaintyMs.toFixed(3)} ms, ${result.requests} requests, rtt ${result.roundTripMs.toFixed(3)} ms, ${elapsed} ms`);
      expect(Math.abs(result.offsetMs - skewMs)).toBeLessThan(500);
      // The claimed window really contains the truth (1 ms slack for the server's ms clock).
      expect(Math.abs(result.offsetMs - skewMs)).toBeLessThanOrEqual(result.uncertaintyMs + 1);
      expect(result.uncertaintyMs).toBeLessThan(500);
      expect(result.host).toBe(server.url.slice('http://'.length, -1));
      expect(server.requests).toBe(result.requests);
      expect(result.requests).toBeLessThanOrEqual(2 + 3 * 8);
    } finally {
      await server.close();
    }
  });

  it('is what measureClock falls back to when no NTP server answers', async () => {
    const server = await startDateServer({ skewMs: -12_400 });
    const closed = await freeUdpPort();
    try {
      const m = await measureClockDetailed({ servers: [`127.0.0.1:${closed}`], httpsFallbackUrl: server.url });
      expect(Math.abs(m.record.offsetMs + 12_400)).toBeLessThan(50);
      expect(m.record.source).toBe(`http-date:${server.url.slice('http://'.length, -1)}`);
      expect(m.failures.map((f) => f.code)).toEqual(['TIME_SERVER_UNREACHABLE']);
    } finally {
      await server.close();
    }
  });

  it('stops early with a partial but honest window when its time budget runs out', async () => {
    const server = await startDateServer({ skewMs: 5_000 });
    try {
      const started = Date.now();
      const result = await queryHttpsDate(server.url, { timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(600);
      expect(Math.abs(result.offsetMs - 5_000)).toBeLessThanOrEqual(result.uncertaintyMs + 1);
      expect(result.uncertaintyMs).toBeLessThanOrEqual(510);
    } finally {
      await server.close();
    }
  });

  it('rejects a response without a Date header, or with an unreadable one', async () => {
    for (const date of ['missing', 'garbage'] as const) {
      const server = await startDateServer({ skewMs: 0, date });
      try {
        const error = await queryHttpsDate(server.url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TimeError);
        expect((error as TimeError).code).toBe('TIME_NO_DATE_HEADER');
        expect((error as TimeError).message).toMatch(/without a usable Date header/);
      } finally {
        await server.close();
      }
    }
  });

  it('fails quickly and clearly for a closed port, a bad name and a non-URL', async () => {
    const started = Date.now();
    const closed = await startDateServer({ skewMs: 0 });
    const url = closed.url;
    await closed.close();
    await expect(queryHttpsDate(url)).rejects.toMatchObject({ code: 'TIME_SERVER_UNREACHABLE', message: expect.stringMatching(/refused the connection/) });
    await expect(queryHttpsDate('https://no-such-host.invalid/')).rejects.toMatchObject({ code: expect.stringMatching(/^TIME_(SERVER_NOT_FOUND|DNS_TIMEOUT)$/) });
    await expect(queryHttpsDate('iam.amazonaws.com')).rejects.toMatchObject({ code: 'TIME_URL_INVALID' });
    await expect(queryHttpsDate('ftp://example.com/')).rejects.toMatchObject({ code: 'TIME_URL_INVALID' });
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
