import { describe, expect, it } from 'vitest';
import {
  CLOCK_THRESHOLDS, clockHealth, describeClock, describeStepAdjust, formatAge, formatDuration, formatOffset, measurementDue,
} from '../../core/time/health.js';
import { boundsOf, intersectObservations, parseHttpDate, planSweep } from '../../core/time/http-date.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const record = (offsetMs: number, ageMs = 60_000, uncertaintyMs = 3) => ({ offsetMs, uncertaintyMs, source: 'ntp:time.aws.com:123', measuredAt: new Date(NOW - ageMs).toISOString() });

describe('clock health', () => {
  it('is unknown before any measurement, applying nothing', () => {
    const h = clockHealth({ correctionEnabled: true, nowMs: NOW });
    expect(h).toMatchObject({ state: 'unknown', appliedOffsetMs: 0 });
    expect(h.headline).toMatch(/not checked/);
  });

  it('is fine under 1 s, and still applies the offset', () => {
    const h = clockHealth({ record: record(-420), correctionEnabled: true, nowMs: NOW });
    expect(h).toMatchObject({ state: 'fine', severity: 'ok', appliedOffsetMs: -420 });
    expect(h.headline).toBe('Your clock is right (within 0.4 s)');
  });

  it('says "Your clock is 93 s fast — codes are corrected" for a clock 93 s ahead (offset −93 s)', () => {
    const h = clockHealth({ record: record(-93_000), correctionEnabled: true, nowMs: NOW });
    expect(h).toMatchObject({ state: 'corrected', appliedOffsetMs: -93_000 });
    expect(h.headline).toBe('Your clock is 93 s fast — codes are corrected');
    expect(h.detail).toContain('ntp:time.aws.com:123');
    expect(h.detail).toContain('1 min ago');
  });

  it('calls a clock behind the trusted one slow', () => {
    expect(clockHealth({ record: record(90_012), correctionEnabled: true, nowMs: NOW }).headline).toBe('Your clock is 90 s slow — codes are corrected');
    expect(describeClock(90_012)).toBe('your clock is 90 s slow');
    expect(describeClock(-2_500)).toBe('your clock is 2.5 s fast');
    expect(describeClock(10)).toBe('your clock is right');
  });

  it('warns when correction is off and the clock is 5 s or more off', () => {
    const off = clockHealth({ record: record(-93_000), correctionEnabled: false, nowMs: NOW });
    expect(off).toMatchObject({ state: 'uncorrected', severity: 'warning', appliedOffsetMs: 0 });
    expect(off.headline).toBe('Your clock is 93 s fast and correction is off — codes may be rejected');
    expect(clockHealth({ record: record(2_000), correctionEnabled: false, nowMs: NOW }).severity).toBe('info');
    expect(clockHealth({ record: record(200), correctionEnabled: false, nowMs: NOW }).state).toBe('fine');
  });

  it('is stale after 24 h, keeps applying the offset, and shows its age', () => {
    const h = clockHealth({ record: record(-93_000, 3 * 86_400_000), correctionEnabled: true, nowMs: NOW });
    expect(h).toMatchObject({ state: 'stale', appliedOffsetMs: -93_000 });
    expect(h.headline).toBe('Clock last checked 3 days ago — codes are still corrected by -93.000 s');
    expect(clockHealth({ record: record(-93_000, CLOCK_THRESHOLDS.staleAfterMs - 1000), correctionEnabled: true, nowMs: NOW }).state).toBe('corrected');
  });
});

describe('wording', () => {
  it('formats offsets with sign and milliseconds', () => {
    expect(formatOffset(90_012)).toBe('+90.012 s');
    expect(formatOffset(-75_000.4)).toBe('-75.000 s');
    expect(formatOffset(0)).toBe('+0.000 s');
  });
  it('formats durations and ages for sentences', () => {
    expect(formatDuration(400)).toBe('0.4 s');
    expect(formatDuration(93_000)).toBe('93 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(3 * 86_400_000)).toBe('3 days');
    expect(formatAge(5_000)).toBe('just now');
    expect(formatAge(5 * 60_000)).toBe('5 min ago');
    expect(formatAge(5 * 3_600_000)).toBe('5 h ago');
  });
  it('explains step adjustments', () => {
    expect(describeStepAdjust(1, 30)).toMatch(/^Codes are shown 1 period \(30 s\) ahead/);
    expect(describeStepAdjust(-2, 30)).toMatch(/^Codes are shown 2 periods \(60 s\) behind/);
    expect(describeStepAdjust(0, 30)).toMatch(/^Codes follow the corrected clock/);
  });
});

describe('when to measure', () => {
  it('measures when never measured, when forced (start, resume), or every 4 h', () => {
    expect(measurementDue({ nowMs: NOW })).toBe(true);
    expect(measurementDue({ nowMs: NOW, record: record(0, 60_000) })).toBe(false);
    expect(measurementDue({ nowMs: NOW, record: record(0, 60_000), force: true })).toBe(true);
    expect(measurementDue({ nowMs: NOW, record: record(0, 4 * 3_600_000) })).toBe(true);
    // a measurement "from the future" means the local clock was stepped back: measure again
    expect(measurementDue({ nowMs: NOW, record: record(0, -3_600_000) })).toBe(true);
  });
  it('backs off 15 min after a failure, even when forced', () => {
    expect(measurementDue({ nowMs: NOW, lastFailureAtMs: NOW - 60_000, force: true })).toBe(false);
    expect(measurementDue({ nowMs: NOW, lastFailureAtMs: NOW - 16 * 60_000 })).toBe(true);
  });
});

describe('HTTP Date bounds', () => {
  it('parses the three date forms of RFC 9110 section 5.6.7', () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(expected);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(expected);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(expected);
    expect(parseHttpDate('Sat, 28 Nov 2026 10:19:49 GMT')).toBe(Date.UTC(2026, 10, 28, 10, 19, 49));
  });
  it.each(['', 'yesterday', 'Sun, 06 Nov 1994 08:49:37 PST', 'Sun, 31 Feb 2026 08:49:37 GMT', 'Sun, 06 Foo 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT'])('rejects "%s"', (text) => {
    expect(parseHttpDate(text)).toBeUndefined();
  });

  // A server 37.25 s ahead. Request sent at local 1000.0 s, answered at 1000.1 s, the server
  // stamped it at local 1000.05 -> server 1037.30 -> Date 1037 s. Bounds by hand:
  //   low = 1037 000 − 1000 100 = 36 900, high = 1037 000 + 1000 − 1000 000 = 38 000.
  it('bounds the offset from one response', () => {
    expect(boundsOf({ sentAt: 1_000_000, receivedAt: 1_000_100, dateMs: 1_037_000 })).toEqual({ lowMs: 36_900, highMs: 38_000 });
  });

  it('narrows to the probe spacing when responses straddle a server second', () => {
    // Server = local + 37 250. Server tick 1 038 000 is at local 1 000 750.
    const obs = [
      { sentAt: 1_000_000, receivedAt: 1_000_100, dateMs: 1_037_000 },
      { sentAt: 1_000_690, receivedAt: 1_000_700, dateMs: 1_037_000 }, // stamped ~695 -> 1 037 945
      { sentAt: 1_000_760, receivedAt: 1_000_770, dateMs: 1_038_000 }, // stamped ~765 -> 1 038 015
    ];
    const b = intersectObservations(obs)!;
    // low = 1 038 000 − 1 000 770 = 37 230; high = 1 038 000 − 1 000 690 = 37 310
    expect(b).toEqual({ lowMs: 37_230, highMs: 37_310 });
    expect(b.lowMs <= 37_250 && 37_250 < b.highMs).toBe(true);
  });

  it('keeps the newest agreeing observations when older ones contradict them', () => {
    const b = intersectObservations([
      { sentAt: 0, receivedAt: 10, dateMs: 50_000 }, // says ~+50 s
      { sentAt: 2_000, receivedAt: 2_010, dateMs: 5_000 }, // says ~+3 s
      { sentAt: 3_000, receivedAt: 3_010, dateMs: 6_000 },
    ])!;
    expect(b.lowMs).toBeGreaterThanOrEqual(2_990);
    expect(b.highMs).toBeLessThanOrEqual(4_000);
  });

  it('plans a sweep whose requests reach the server across its next usable second boundary', () => {
    const bounds = { lowMs: 36_900, highMs: 38_000 };
    const plan = planSweep(bounds, 10, 1_000_200, 8);
    expect(plan.boundaryMs % 1000).toBe(0);
    expect(plan.sendAt.length).toBeLessThanOrEqual(8);
    expect(plan.sendAt[0]).toBeGreaterThanOrEqual(1_000_200);
    // arrival window (send + rtt/2) covers every local time the tick can have: (B − high, B − low]
    expect(plan.sendAt[0]! + 5).toBeLessThanOrEqual(plan.boundaryMs - bounds.highMs);
    expect(plan.sendAt.at(-1)! + 5).toBeGreaterThanOrEqual(plan.boundaryMs - bounds.lowMs);
    for (let i = 1; i < plan.sendAt.length; i++) expect(plan.sendAt[i]! - plan.sendAt[i - 1]!).toBeGreaterThan(10);
  });
});
