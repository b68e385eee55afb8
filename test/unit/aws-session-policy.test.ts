// The pure policy of MFA sessions and of "never the same code twice" (core/aws/*), as tables.
import { describe, expect, it } from 'vitest';
import { CODE_REUSE_TIMING, claimFreshCodes, followsReuseRule, planCodeSteps, waitMessage, type CodeLedgerPort } from '../../core/aws/code-reuse.js';
import {
  checkExternalId, checkRoleArn, checkRoleSessionName, credentialProcessJson, isReusable, matchesFilter, parseCachedSession, parseDuration,
  renewalMarginMs, SESSION_LIMITS, sessionDuration, sessionKey, summarize, type CachedSession,
} from '../../core/aws/session-policy.js';
import { isAuthdeskError } from '../../core/errors.js';

const P = CODE_REUSE_TIMING.PERIOD_MS;
const S = 1_000_000; // a step number far from 0
const at = (step: number, intoMs: number) => step * P + intoMs;

describe('planCodeSteps: never a used step, never about to expire', () => {
  const cases: Array<[string, number, number | undefined, 1 | 2, 0 | 1, { firstStep: number; lastStep: number; waitMs: number; reason?: string }]> = [
    ['nothing used: the current step at once', at(S, 5_000), undefined, 1, 0, { firstStep: S, lastStep: S, waitMs: 0 }],
    ['an older step used: the current step at once', at(S, 5_000), S - 1, 1, 0, { firstStep: S, lastStep: S, waitMs: 0 }],
    ['the current step used: wait for the next (+1 s settle)', at(S, 18_000), S, 1, 0, { firstStep: S + 1, lastStep: S + 1, waitMs: 12_000 + 1_000, reason: 'fresh-step' }],
    ['a pair used the next step too: wait two steps', at(S, 18_000), S + 1, 1, 0, { firstStep: S + 2, lastStep: S + 2, waitMs: 42_000 + 1_000, reason: 'fresh-step' }],
    ['1 s before the end of the step: the next step', at(S, 29_000), undefined, 1, 0, { firstStep: S + 1, lastStep: S + 1, waitMs: 1_000 + 1_000, reason: 'boundary' }],
    ['exactly the guard before the end: still the current step', at(S, 28_000), undefined, 1, 0, { firstStep: S, lastStep: S, waitMs: 0 }],
    ['a pair: current and next, both recorded', at(S, 3_000), undefined, 2, 0, { firstStep: S, lastStep: S + 1, waitMs: 0 }],
    ['a pair after a used current step: next and the one after', at(S, 3_000), S, 2, 0, { firstStep: S + 1, lastStep: S + 2, waitMs: 27_000 + 1_000, reason: 'fresh-step' }],
    ['--next: the next step without waiting', at(S, 3_000), undefined, 1, 1, { firstStep: S + 1, lastStep: S + 1, waitMs: 0 }],
    ['--next after the next step was used: wait one step', at(S, 3_000), S + 1, 1, 1, { firstStep: S + 2, lastStep: S + 2, waitMs: 27_000 + 1_000, reason: 'fresh-step' }],
  ];
  it.each(cases)('%s', (_name, now, last, count, ahead, expected) => {
    expect(planCodeSteps(now, last, count, {}, ahead)).toEqual(expected);
  });

  it('refuses a wait longer than three steps (the ledger is ahead of this clock) with a sentence', () => {
    let error: unknown;
    try { planCodeSteps(at(S, 0), S + 4, 1); } catch (e) { error = e; }
    expect(isAuthdeskError(error, 'CODE_LEDGER_AHEAD')).toBe(true);
    expect((error as Error).message).toMatch(/Check the clock/);
  });

  it('says how long and why', () => {
    expect(waitMessage(12_000, 'fresh-step')).toBe('Waiting 12 s for a fresh code (the last one was already used)…');
    expect(waitMessage(1_500, 'boundary')).toMatch(/^Waiting 2 s for the next code/);
  });

  it('covers accounts linked to an AWS device only', () => {
    expect(followsReuseRule({ type: 'totp', awsSerial: 'arn:aws:iam::123456789012:mfa/a' })).toBe(true);
    expect(followsReuseRule({ type: 'totp' })).toBe(false);
    expect(followsReuseRule({ type: 'hotp', awsSerial: 'arn:aws:iam::123456789012:mfa/a' })).toBe(false);
  });
});

describe('claimFreshCodes', () => {
  /** A ledger in memory (the file ledger has its own tests in test/integration/aws-code-ledger.test.ts). */
  function memoryLedger(): CodeLedgerPort & { last: Map<string, number> } {
    const last = new Map<string, number>();
    return {
      last,
      async claim(id, use) {
        const r = await use(last.get(id));
        if (r.usedThrough !== undefined) last.set(id, r.usedThrough);
        return r.value;
      },
    };
  }

  it('two requests in a row get two different steps; the second waits for its step', async () => {
    let now = at(S, 10_000);
    const waits: number[] = [];
    const ledger = memoryLedger();
    const deps = { ledger, clock: { now: () => now }, sleep: async (ms: number) => { waits.push(ms); now += ms; } };
    const codeAt = async (t: number) => `c${Math.floor(t / P)}`;
    const first = await claimFreshCodes('a1', 1, codeAt, deps);
    const second = await claimFreshCodes('a1', 1, codeAt, deps);
    expect(first.codes).toEqual([`c${S}`]);
    expect(second.codes).toEqual([`c${S + 1}`]);
    expect(waits).toEqual([21_000]);
    expect(ledger.last.get('a1')).toBe(S + 1);
    // Another account is not held up.
    expect((await claimFreshCodes('b2', 1, codeAt, deps)).codes).toEqual([`c${S + 1}`]);
  });

  it('a pair records both steps: a session right after it waits for the step after the pair', async () => {
    let now = at(S, 10_000);
    const ledger = memoryLedger();
    const deps = { ledger, clock: { now: () => now }, sleep: async (ms: number) => { now += ms; } };
    const codeAt = async (t: number) => `c${Math.floor(t / P)}`;
    expect((await claimFreshCodes('a1', 2, codeAt, deps)).codes).toEqual([`c${S}`, `c${S + 1}`]);
    expect((await claimFreshCodes('a1', 1, codeAt, deps)).codes).toEqual([`c${S + 2}`]);
  });

  it('a sleep that returns early never yields an older step', async () => {
    let now = at(S, 10_000);
    const ledger = memoryLedger();
    ledger.last.set('a1', S);
    let first = true;
    const deps = { ledger, clock: { now: () => now }, sleep: async (ms: number) => { now += first ? ms - 5_000 : ms; first = false; } };
    const got = await claimFreshCodes('a1', 1, async (t) => `c${Math.floor(t / P)}`, deps);
    expect(got.codes).toEqual([`c${S + 1}`]);
  });
});

describe('session durations', () => {
  const cases: Array<[string, number | undefined, Parameters<typeof sessionDuration>[1], number | 'usage']> = [
    ['GetSessionToken default: 12 hours', undefined, { kind: 'session-token' }, 43_200],
    ['GetSessionToken minimum', 900, { kind: 'session-token' }, 900],
    ['GetSessionToken maximum', 129_600, { kind: 'session-token' }, 129_600],
    ['GetSessionToken below the minimum', 899, { kind: 'session-token' }, 'usage'],
    ['GetSessionToken above the maximum', 129_601, { kind: 'session-token' }, 'usage'],
    ['root: default capped to 1 hour', undefined, { kind: 'session-token', root: true }, 3_600],
    ['root: more than 1 hour', 3_601, { kind: 'session-token', root: true }, 'usage'],
    ['AssumeRole default: 1 hour', undefined, { kind: 'assume-role' }, 3_600],
    ['AssumeRole 12 hours', 43_200, { kind: 'assume-role' }, 43_200],
    ['AssumeRole above 12 hours', 43_201, { kind: 'assume-role' }, 'usage'],
    ['chained AssumeRole: 1 hour', 3_600, { kind: 'assume-role', chained: true }, 3_600],
    ['chained AssumeRole: more than 1 hour', 7_200, { kind: 'assume-role', chained: true }, 'usage'],
  ];
  it.each(cases)('%s', (_name, requested, context, expected) => {
    if (expected === 'usage') {
      let error: unknown;
      try { sessionDuration(requested, context); } catch (e) { error = e; }
      expect(isAuthdeskError(error, 'SESSION_DURATION_RANGE')).toBe(true);
      expect((error as Error).message).toMatch(/out of range: .+\.$/);
    } else {
      expect(sessionDuration(requested, context)).toBe(expected);
    }
  });

  it('the chained cap names role chaining', () => {
    expect(() => sessionDuration(7_200, { kind: 'assume-role', chained: true })).toThrow(/role chaining/);
  });

  it.each([['3600', 3600], ['60m', 3600], ['12h', 43_200], ['900s', 900]])('parses --duration %s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
  it.each(['', '1.5h', 'ten', '-5'])('refuses --duration "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
  it('limits are AWS\'s', () => {
    expect(SESSION_LIMITS.GET_SESSION_TOKEN_MAX_S).toBe(36 * 3600);
  });
});

describe('role request fields', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/Admin', true],
    ['arn:aws-us-gov:iam::123456789012:role/path/Admin', true],
    ['arn:aws:iam::123456789012:user/alice', false],
    ['arn:aws:iam::12345678901:role/x', false],
  ])('role ARN %s', (arn, ok) => {
    if (ok) expect(checkRoleArn(arn)).toBe(arn);
    else expect(() => checkRoleArn(arn)).toThrow(/is not a role ARN/);
  });
  it('session names and external ids', () => {
    expect(checkRoleSessionName('alice@work')).toBe('alice@work');
    expect(() => checkRoleSessionName('a')).toThrow(/2 to 64/);
    expect(() => checkRoleSessionName('has space')).toThrow();
    expect(checkExternalId('ext-1234')).toBe('ext-1234');
    expect(() => checkExternalId('x')).toThrow(/external ID/);
  });
});

describe('the session cache key and reuse', () => {
  it('keys by source, serial, role, session name and external id; no part can forge another', () => {
    const base = { source: 'default', serial: 'arn:aws:iam::123456789012:mfa/a' };
    const keys = new Set([
      sessionKey('v1', base),
      sessionKey('v2', base),
      sessionKey('v1', { ...base, source: 'work' }),
      sessionKey('v1', { ...base, serial: 'arn:aws:iam::123456789012:mfa/b' }),
      sessionKey('v1', { ...base, roleArn: 'arn:aws:iam::123456789012:role/R' }),
      sessionKey('v1', { ...base, roleArn: 'arn:aws:iam::123456789012:role/R', roleSessionName: 'n1' }),
      sessionKey('v1', { ...base, roleArn: 'arn:aws:iam::123456789012:role/R', externalId: 'x1' }),
      sessionKey('v1', { source: 'a|b', serial: '' }),
      sessionKey('v1', { source: 'a', serial: 'b' }),
    ]);
    expect(keys.size).toBe(9);
    expect(sessionKey('v1', base)).toMatch(/^v1\/session\//);
    expect(sessionKey('v1', base)).toBe(sessionKey('v1', { ...base }));
  });

  const session = (issuedAt: number, expiresAt: number): CachedSession => ({
    format: 'authdesk-session', version: 1, key: { source: 'default', serial: '' }, kind: 'session-token', serial: 'arn:aws:iam::123456789012:mfa/a',
    issuedAt: new Date(issuedAt).toISOString(),
    credentials: { accessKeyId: 'ASIAKEYID1', secretAccessKey: 'SECRETKEY1', sessionToken: 'SESSIONTOKEN1', expiration: new Date(expiresAt).toISOString() },
  });
  const T0 = Date.UTC(2026, 0, 1);
  const H = 3_600_000;
  it.each([
    ['12 h session, 1 h in: reuse', 12 * H, 1 * H, true],
    ['12 h session, 10.7 h in (1.3 h left > 10%): reuse', 12 * H, 10.7 * H, true],
    ['12 h session, 10.9 h in (1.1 h left < 10% = 1.2 h): renew', 12 * H, 10.9 * H, false],
    ['1 h session, 48 min in (12 min left > 11 min): reuse', 1 * H, 48 * 60_000, true],
    ['1 h session, 50 min in (10 min left): renew', 1 * H, 50 * 60_000, false],
    ['15 min session, 3 min in: reuse', 0.25 * H, 3 * 60_000, true],
    ['15 min session, 5 min in (10 min left, botocore would call again): renew', 0.25 * H, 5 * 60_000, false],
    ['expired: renew', 1 * H, 2 * H, false],
  ])('%s', (_name, lifetime, elapsed, reusable) => {
    expect(isReusable(session(T0, T0 + lifetime), T0 + elapsed)).toBe(reusable);
  });
  it('the margin is the larger of 11 minutes and 10% of the lifetime', () => {
    expect(renewalMarginMs(T0, T0 + H)).toBe(11 * 60_000);
    expect(renewalMarginMs(T0, T0 + 36 * H)).toBe(3.6 * H);
  });

  it('summaries carry no secret; the credential_process JSON has exactly AWS\'s fields', () => {
    const s = session(T0, T0 + H);
    const summary = summarize('id1', s, T0 + 60_000);
    expect(JSON.stringify(summary)).not.toMatch(/SECRETKEY1|SESSIONTOKEN1|ASIAKEYID1/);
    expect(summary).toMatchObject({ profile: 'default', serial: s.serial, secondsLeft: 3540, reusable: true });
    expect(JSON.parse(credentialProcessJson(s.credentials))).toEqual({ Version: 1, AccessKeyId: 'ASIAKEYID1', SecretAccessKey: 'SECRETKEY1', SessionToken: 'SESSIONTOKEN1', Expiration: s.credentials.expiration });
    expect(parseCachedSession(JSON.stringify(s))).toEqual(s);
    expect(parseCachedSession('{"format":"other"}')).toBeUndefined();
    expect(parseCachedSession('not json')).toBeUndefined();
    expect(matchesFilter(summary, { profile: 'default' })).toBe(true);
    expect(matchesFilter(summary, { profile: 'work' })).toBe(false);
    expect(matchesFilter(summary, { roleArn: 'arn:aws:iam::123456789012:role/R' })).toBe(false);
  });
});
