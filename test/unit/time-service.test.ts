import { describe, expect, it } from 'vitest';
import { TimeError } from '../../core/errors.js';
import type { ClockMeasurement, MeasureClockOptions } from '../../node/time/measure.js';
import { createTimeService, type TimeTimers } from '../../electron/main/handlers/time.js';
import type { TimeStatus } from '../../electron/ipc/channels/time.js';
import { time as timeArea } from '../../electron/ipc/channels/time.js';
import { openTestVault, randomSecret } from '../helpers/vault-doubles.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 10);

class ManualTimers implements TimeTimers {
  nowMs = NOW;
  intervals: Array<{ fn: () => void; ms: number } | undefined> = [];
  setInterval(fn: () => void, ms: number) {
    this.intervals.push({ fn, ms });
    return this.intervals.length - 1;
  }
  clearInterval(handle: unknown) {
    this.intervals[handle as number] = undefined;
  }
  now() {
    return this.nowMs;
  }
  tick(ms: number) {
    this.nowMs += ms;
    for (const i of this.intervals) if (i) i.fn();
  }
}

function measurement(offsetMs: number, source = 'ntp:time.aws.com:123', at = NOW): ClockMeasurement {
  return { record: { offsetMs, uncertaintyMs: 4, source, measuredAt: new Date(at).toISOString() }, roundTripMs: 8, samples: 4, failures: [], authenticated: false };
}

async function setup(measureImpl: (options: MeasureClockOptions) => Promise<ClockMeasurement>) {
  const fixture = await openTestVault({ nowMs: NOW });
  const timers = new ManualTimers();
  const calls: MeasureClockOptions[] = [];
  const statuses: TimeStatus[] = [];
  const service = createTimeService({
    vault: fixture.vault,
    timers,
    measure: (options) => {
      calls.push(options);
      return measureImpl(options);
    },
    onChange: (s) => statuses.push(s),
  });
  return { ...fixture, timers, calls, statuses, service };
}

const flush = () => new Promise((r) => setTimeout(r, 10));

describe('the app clock service', () => {
  it('is unknown before the first measurement', async () => {
    const { service } = await setup(async () => measurement(0));
    const status = await service.status();
    expect(status.health.state).toBe('unknown');
    expect(status.measuring).toBe(false);
    expect(status.servers).toEqual(['time.aws.com']);
  });

  it('measures at start in the background, stores the offset and announces it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { service, vault, calls, statuses } = await setup(async () => {
      await gate;
      return measurement(-93_000);
    });
    service.start(); // returns at once
    await flush();
    expect(calls).toEqual([{ servers: ['time.aws.com'], httpsFallbackUrl: 'https://iam.amazonaws.com/' }]);
    expect(statuses.at(-1)?.measuring).toBe(true);
    release();
    await flush();
    const last = statuses.at(-1)!;
    expect(last.measuring).toBe(false);
    expect(last.health.headline).toBe('Your clock is 93 s fast — codes are corrected');
    expect((await vault.settings()).timeOffset?.offsetMs).toBe(-93_000);
    expect((await vault.clock()).appliedOffsetMs).toBe(-93_000);
    service.dispose();
  });

  it('keeps the last good offset when a measurement fails, with the sentence, and backs off', async () => {
    let fail = false;
    const { service, vault, timers, calls } = await setup(async () => {
      if (fail) throw new TimeError('TIME_TIMEOUT', 'The time server time.aws.com:123 did not answer.');
      return measurement(2_500);
    });
    await service.measureNow();
    fail = true;
    timers.nowMs += 5 * 3_600_000;
    await expect(service.measureNow()).rejects.toMatchObject({ code: 'TIME_TIMEOUT' });
    const status = await service.status();
    expect(status.lastError).toMatchObject({ code: 'TIME_TIMEOUT', message: 'The time server time.aws.com:123 did not answer.' });
    expect(status.health.state).toBe('corrected');
    expect((await vault.settings()).timeOffset?.offsetMs).toBe(2_500);
    // periodic checks within 15 min of the failure do not hammer the network
    service.start();
    await flush();
    const before = calls.length;
    timers.tick(10 * 60_000);
    await flush();
    expect(calls.length).toBe(before);
    timers.tick(10 * 60_000);
    await flush();
    expect(calls.length).toBe(before + 1);
    service.dispose();
  });

  it('re-measures every 4 h and on resume, not more often', async () => {
    const { service, timers, calls } = await setup(async () => measurement(100, 'ntp:time.aws.com:123', timers.nowMs));
    service.start();
    await flush();
    expect(calls.length).toBe(1);
    for (let i = 0; i < 5; i++) {
      timers.tick(10 * 60_000);
      await flush();
    }
    expect(calls.length).toBe(1);
    timers.tick(4 * 3_600_000);
    await flush();
    expect(calls.length).toBe(2);
    service.resume();
    await flush();
    expect(calls.length).toBe(3);
    service.dispose();
    timers.tick(5 * 3_600_000);
    await flush();
    expect(calls.length).toBe(3);
  });

  it('joins a running measurement instead of starting a second one', async () => {
    let resolve!: (m: ClockMeasurement) => void;
    const { service, calls } = await setup(() => new Promise((r) => (resolve = r)));
    const a = service.measureNow();
    const b = service.measureNow();
    await flush();
    resolve(measurement(1_234));
    const [sa, sb] = await Promise.all([a, b]);
    expect(calls.length).toBe(1);
    expect(sa.health.record?.offsetMs).toBe(1_234);
    expect(sb.measuring).toBe(false);
  });

  it('sync({}) asks the configured servers, then the HTTPS fallback', async () => {
    const { service, calls } = await setup(async () => measurement(5));
    await service.handlers.sync({});
    expect(calls).toEqual([{ servers: ['time.aws.com'], httpsFallbackUrl: 'https://iam.amazonaws.com/' }]);
  });

  it('sets a per-account step adjustment that shifts that account\'s codes by whole periods', async () => {
    const { service, vault } = await setup(async () => measurement(0));
    const secret = randomSecret();
    const account = await vault.add({ type: 'totp', issuer: 'Skewed', label: 'svc', secret, algorithm: 'SHA1', digits: 6, period: 30 });
    const at = NOW;
    const plain = await vault.code(account.id, at);
    const later = await vault.code(account.id, at + 30_000);
    const updated = await service.handlers.setStepAdjust({ id: account.id, steps: 1 });
    expect(updated.stepAdjust).toBe(1);
    expect((await vault.code(account.id, at)).code).toBe(later.code);
    expect((await vault.code(account.id, at)).code).not.toBe(plain.code);
  });

  it('validates IPC payloads: no server names at all, step limits', () => {
    expect(() => timeArea.channels.sync.request.parse({ server: 'bad host' })).toThrow(/unexpected key "server"/);
    expect(() => timeArea.channels.sync.request.parse({ server: '[::1]:123' })).toThrow(/unexpected key "server"/);
    expect(() => timeArea.channels.sync.request.parse({})).not.toThrow();
    expect(() => timeArea.channels.setStepAdjust.request.parse({ id: 'a', steps: 11 })).toThrow();
    expect(() => timeArea.channels.setStepAdjust.request.parse({ id: 'a', steps: -10 })).not.toThrow();
  });
});
