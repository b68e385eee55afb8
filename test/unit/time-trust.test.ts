// Issue 10 §1: one forged time reply must not move the codes. The pure policy (core/time/trust.ts)
// as a table, the health sentence, the vault refusing an old unverified offset, the NTP era case,
// and the app's clock service end to end over an in-memory vault with an injected measurement.
import { describe, expect, it } from 'vitest';
import { clockHealth } from '../../core/time/health.js';
import { ntpToUnixMs, parsePacket, sampleFromReply } from '../../core/time/ntp.js';
import { decideOffset, offsetApplicable, offsetsAgree, TIME_TRUST, type TrustCheck } from '../../core/time/trust.js';
import type { TimeOffsetRecord } from '../../core/vault/model.js';
import { createTimeService } from '../../electron/main/handlers/time.js';
import { time as timeArea } from '../../electron/ipc/channels/time.js';
import type { ClockMeasurement } from '../../node/time/measure.js';
import { oathTotp, openTestVault, randomSecret } from '../helpers/vault-doubles.js';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 10);
const ISO = new Date(NOW).toISOString();
const DAY = 86_400_000;
const rec = (offsetMs: number, extra: Partial<TimeOffsetRecord> = {}): TimeOffsetRecord => ({ offsetMs, uncertaintyMs: 0.2, source: 'ntp:127.0.0.1:123', measuredAt: ISO, ...extra });
const tls = (offsetMs: number) => ({ source: 'https-date:iam.amazonaws.com', offsetMs, uncertaintyMs: 40 });

describe('trust policy (core/time/trust.ts)', () => {
  it('the unverified bound is 2 min: ±90 s applies on its own, 3 days does not', () => {
    expect(TIME_TRUST.UNVERIFIED_MAX_OFFSET_MS).toBe(120_000);
    for (const offset of [0, 90_000, -90_000, -75_000, 120_000, -120_000]) {
      expect(decideOffset({ measured: rec(offset), authenticated: false, nowIso: ISO })).toMatchObject({ kind: 'apply', why: 'within-bound', record: { offsetMs: offset } });
    }
    for (const offset of [120_001, -120_001, 3 * DAY, -3 * DAY, 3350 * DAY]) {
      expect(decideOffset({ measured: rec(offset), authenticated: false, nowIso: ISO }).kind, String(offset)).toBe('check');
    }
  });

  it('beyond the bound: applied when the authenticated source agrees, pending when it disagrees or fails', () => {
    const measured = rec(3 * DAY);
    expect(decideOffset({ measured, authenticated: false, check: tls(3 * DAY + 1_500), nowIso: ISO })).toEqual({
      kind: 'apply', why: 'agrees',
      record: { ...measured, verification: { by: 'tls', source: 'https-date:iam.amazonaws.com', offsetMs: 3 * DAY + 1_500, at: ISO } },
    });
    // tolerance: 2 s + both uncertainties (0.2 + 40 ms)
    expect(offsetsAgree(measured, tls(3 * DAY + 2_040))).toBe(true);
    expect(offsetsAgree(measured, tls(3 * DAY + 2_041))).toBe(false);
    expect(decideOffset({ measured, authenticated: false, check: tls(3 * DAY + 2_041), nowIso: ISO })).toEqual({ kind: 'pending', pending: { ...measured, check: { source: 'https-date:iam.amazonaws.com', offsetMs: 3 * DAY + 2_041 } } });
    expect(decideOffset({ measured, authenticated: false, check: tls(12), nowIso: ISO })).toMatchObject({ kind: 'pending', pending: { offsetMs: 3 * DAY, check: { offsetMs: 12 } } });
    expect(decideOffset({ measured, authenticated: false, check: { source: 'https-date:iam.amazonaws.com', error: 'no answer' }, nowIso: ISO })).toMatchObject({ kind: 'pending', pending: { check: { error: 'no answer' } } });
  });

  it('an authenticated measurement or the person\'s confirmation applies any offset, recorded as such', () => {
    expect(decideOffset({ measured: rec(3 * DAY, { source: 'https-date:iam.amazonaws.com' }), authenticated: true, nowIso: ISO })).toMatchObject({ kind: 'apply', why: 'authenticated', record: { verification: { by: 'tls', offsetMs: 3 * DAY } } });
    expect(decideOffset({ measured: rec(-3 * DAY), authenticated: false, confirmedBy: 'confirmed by you in the app', nowIso: ISO })).toMatchObject({ kind: 'apply', why: 'confirmed', record: { verification: { by: 'person', source: 'confirmed by you in the app', offsetMs: -3 * DAY } } });
  });

  it('near a verified offset the same 2 min bound applies, from the anchor, which never moves', () => {
    const anchor = { by: 'tls' as const, source: 'https-date:iam.amazonaws.com', offsetMs: 3 * DAY, at: ISO };
    const current = rec(3 * DAY, { verification: anchor });
    const near = decideOffset({ measured: rec(3 * DAY + 100_000), authenticated: false, current, nowIso: ISO });
    expect(near).toMatchObject({ kind: 'apply', why: 'near-verified', record: { offsetMs: 3 * DAY + 100_000, verification: anchor } });
    // A second forged step from there is measured from the anchor, not from the last value: no walking away.
    const walked = decideOffset({ measured: rec(3 * DAY + 200_000), authenticated: false, current: near.kind === 'apply' ? near.record : current, nowIso: ISO });
    expect(walked.kind).toBe('check');
  });

  it('a stored offset moves codes only within the bound or when vouched for', () => {
    expect(offsetApplicable(rec(90_000))).toBe(true);
    expect(offsetApplicable(rec(3 * DAY))).toBe(false);
    expect(offsetApplicable(rec(3 * DAY, { verification: { by: 'person', source: 'x', offsetMs: 3 * DAY, at: ISO } }))).toBe(true);
  });
});

describe('clock health when a measurement is not verified', () => {
  it('is a warning that says what the server claims, that codes use the local clock, and what to do', () => {
    const h = clockHealth({ pending: { ...rec(3 * DAY), check: { source: 'https-date:iam.amazonaws.com', offsetMs: 3 } }, correctionEnabled: true, nowMs: NOW });
    expect(h).toMatchObject({ state: 'unverified', severity: 'warning', appliedOffsetMs: 0 });
    expect(h.headline).toBe('A time server says your clock is 3 days slow, but this could not be verified — codes use this computer’s clock');
    expect(h.detail).toBe('Measured just now by ntp:127.0.0.1:123 (±0.0 s), which cannot prove who answered. The secure check against iam.amazonaws.com says your clock is right. Check this computer’s date, time and time zone, or confirm the correction.');
    const keeps = clockHealth({ record: rec(1_500), pending: { ...rec(-3 * DAY), check: { source: 'https-date:iam.amazonaws.com', error: 'Could not reach iam.amazonaws.com (ENOTFOUND).' } }, correctionEnabled: true, nowMs: NOW });
    expect(keeps.headline).toBe('A time server says your clock is 3 days fast, but this could not be verified — codes keep the earlier correction of +1.500 s');
    expect(keeps.appliedOffsetMs).toBe(1_500);
    expect(keeps.detail).toContain('The secure check against iam.amazonaws.com failed: Could not reach iam.amazonaws.com (ENOTFOUND).');
  });

  it('an old vault\'s unverified +3 days is not applied: same warning, codes on the local clock', async () => {
    const { vault } = await openTestVault({ nowMs: NOW });
    const secret = randomSecret();
    const account = await vault.add({ type: 'totp', issuer: 'Old', label: 'vault', secret, algorithm: 'SHA1', digits: 6, period: 30 });
    await vault.updateSettings({ timeOffset: rec(3 * DAY) }); // what the code before this change stored
    expect((await vault.clock()).appliedOffsetMs).toBe(0);
    expect((await vault.code(account.id)).code).toBe(oathTotp(secret, NOW / 1000));
    expect(clockHealth({ record: rec(3 * DAY), correctionEnabled: true, nowMs: NOW })).toMatchObject({ state: 'unverified', severity: 'warning', appliedOffsetMs: 0 });
  });
});

describe('NTP eras (RFC 5905 §6)', () => {
  const NTP_DELTA = 2_208_988_800;
  const packet = (receiveSeconds: number, transmitSeconds: number) => {
    const b = Buffer.alloc(48);
    b[0] = 0x24; // LI 0, VN 4, mode 4
    b[1] = 2;
    b.writeUInt32BE(receiveSeconds >>> 0, 32);
    b.writeUInt32BE(transmitSeconds >>> 0, 40);
    return parsePacket(new Uint8Array(b), '127.0.0.1:123');
  };

  it('reads a timestamp in the era nearest the local clock: seconds 1 is 2036-02-07T06:28:17Z, not 1900', () => {
    expect(new Date(ntpToUnixMs({ seconds: 1, fraction: 0 }, NOW)).toISOString()).toBe('2036-02-07T06:28:17.000Z');
    expect(new Date(ntpToUnixMs({ seconds: (Math.floor(NOW / 1000) + NTP_DELTA) % 2 ** 32, fraction: 0 }, NOW)).toISOString()).toBe('2026-12-06T12:00:10.000Z');
  });

  it('transmit seconds 1 beside a receive time of today: refused, the timestamps contradict each other', () => {
    const today = (Math.floor(NOW / 1000) + NTP_DELTA) % 2 ** 32;
    expect(() => sampleFromReply(packet(today, 1), NOW, NOW + 2, '127.0.0.1:123')).toThrow(/sent timestamps that contradict each other \(received 2026-12-06T12:00:10.000Z, answered 2036-02-07T06:28:17.000Z\), so its time was not used/);
  });

  it('receive and transmit seconds 1: +3,350 days, which by itself may not move codes', () => {
    const sample = sampleFromReply(packet(1, 1), NOW, NOW + 2);
    expect(Math.round(sample.offsetMs / DAY)).toBe(3350);
    const decision = decideOffset({ measured: rec(sample.offsetMs), authenticated: false, nowIso: ISO });
    expect(decision.kind).toBe('check');
    expect(decideOffset({ measured: rec(sample.offsetMs), authenticated: false, check: tls(0), nowIso: ISO }).kind).toBe('pending');
  });
});

describe('the app clock service with the trust policy', () => {
  const measurement = (offsetMs: number): ClockMeasurement => ({ record: { offsetMs, uncertaintyMs: 0.3, source: 'ntp:127.0.0.1:11123', measuredAt: ISO }, roundTripMs: 0.5, samples: 4, failures: [], authenticated: false });
  const timers = { setInterval: () => 0, clearInterval: () => undefined, now: () => NOW };

  async function setup(offsetMs: number, check: TrustCheck) {
    const fixture = await openTestVault({ nowMs: NOW });
    const checks: string[] = [];
    const service = createTimeService({
      vault: fixture.vault,
      timers,
      measure: async () => measurement(offsetMs),
      verifyUrl: 'https://time-check.test/',
      check: async (url) => {
        checks.push(url);
        return check;
      },
    });
    const secret = randomSecret();
    const account = await fixture.vault.add({ type: 'totp', issuer: 'Forged', label: 'reply', secret, algorithm: 'SHA1', digits: 6, period: 30 });
    return { ...fixture, service, checks, secret, account };
  }

  it('+3 days from SNTP with an HTTPS check that disagrees: pending, warning, codes on the local clock; confirm applies what main kept', async () => {
    const { service, vault, checks, secret, account } = await setup(3 * DAY, tls(4));
    const status = await service.measureNow();
    expect(checks).toEqual(['https://time-check.test/']);
    expect(status.health).toMatchObject({ state: 'unverified', severity: 'warning', appliedOffsetMs: 0 });
    expect(status.pending).toEqual({ id: ISO, offsetMs: 3 * DAY, source: 'ntp:127.0.0.1:11123', measuredAt: ISO, confirmable: true });
    expect((await vault.settings()).timeOffset).toBeUndefined();
    expect((await vault.settings()).timeOffsetPending).toMatchObject({ offsetMs: 3 * DAY, check: { source: 'https-date:iam.amazonaws.com', offsetMs: 4 } });
    expect((await vault.code(account.id)).code).toBe(oathTotp(secret, NOW / 1000));

    // The renderer can only name the measurement; an offset in the payload is refused.
    expect(() => timeArea.channels.confirmOffset.request.parse({ id: ISO, offsetMs: 1 })).toThrow(/unexpected key "offsetMs"/);
    await expect(service.handlers.confirmOffset({ id: '2026-12-06T11:00:00.000Z' })).rejects.toThrow(/no longer waiting for confirmation/);
    const confirmed = await service.handlers.confirmOffset({ id: ISO });
    expect(confirmed.health).toMatchObject({ state: 'corrected', severity: 'ok', appliedOffsetMs: 3 * DAY });
    expect(confirmed.pending).toBeUndefined();
    expect((await vault.settings()).timeOffset).toMatchObject({ offsetMs: 3 * DAY, verification: { by: 'person', source: 'confirmed by you in the app' } });
    expect((await vault.code(account.id)).code).toBe(oathTotp(secret, (NOW + 3 * DAY) / 1000));
  });

  it('−3 days with an HTTPS check that agrees: applied at once', async () => {
    const { service, vault, secret, account } = await setup(-3 * DAY, tls(-3 * DAY - 900));
    const status = await service.measureNow();
    expect(status.health).toMatchObject({ state: 'corrected', appliedOffsetMs: -3 * DAY });
    expect((await vault.settings()).timeOffset?.verification).toMatchObject({ by: 'tls', offsetMs: -3 * DAY - 900 });
    expect((await vault.code(account.id)).code).toBe(oathTotp(secret, (NOW - 3 * DAY) / 1000));
  });

  it('±90 s applies with no check at all', async () => {
    const { service, checks } = await setup(90_000, tls(0));
    expect((await service.measureNow()).health).toMatchObject({ state: 'corrected', appliedOffsetMs: 90_000 });
    expect(checks).toEqual([]);
  });
});

describe('the secure check in words', () => {
  it('within 1 s is "right" (an HTTPS Date is good to about a round trip), beyond that the usual words', async () => {
    const { describeCheckedClock } = await import('../../core/time/health.js');
    expect(describeCheckedClock(0)).toBe('your clock is right');
    expect(describeCheckedClock(-180)).toBe('your clock is right');
    expect(describeCheckedClock(999)).toBe('your clock is right');
    expect(describeCheckedClock(1_500)).toBe('your clock is 1.5 s slow');
    expect(describeCheckedClock(-3 * DAY)).toBe('your clock is 3 days fast');
  });
});
