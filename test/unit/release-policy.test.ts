// The pure release policy (core/release): decisions, grants keyed by account + program + what,
// expiry on an injected clock, answers, parsing; the activity entry model, its bound and escaping.
import { describe, expect, it } from 'vitest';
import {
  applyAnswer, decide, effectivePolicy, parseReleasePolicy, pruneGrants, RELEASE_LIMITS,
  type Grant, type GrantScope, type PromptAnswer, type ReleasePolicy,
} from '../../core/release/policy.js';
import {
  ACTIVITY_LIMITS, boundLines, clampEntry, decisionOf, formatEntryLine, parseActivityLine, printable, serializeEntry, utf8Length,
  type ActivityEntry,
} from '../../core/release/activity.js';
import { isAuthdeskError } from '../../core/errors.js';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const MIN = 60_000;
const always: ReleasePolicy = { mode: 'always' };
const ask: ReleasePolicy = { mode: 'ask' };
const ask10: ReleasePolicy = { mode: 'ask-then-allow', minutes: 10 };
const scope: GrantScope = { accountId: 'a1', program: '/usr/bin/aws-vault', what: 'code' };
const grant = (over: Partial<Grant> = {}): Grant => ({ ...scope, grantedAt: T0, expiresAt: T0 + 10 * MIN, ...over });

describe('decide', () => {
  const cases: ReadonlyArray<readonly [string, ReleasePolicy, readonly Grant[], GrantScope, number, string]> = [
    ['always releases without asking', always, [], scope, T0, 'allow:policy-always'],
    ['always ignores grants', always, [grant()], scope, T0, 'allow:policy-always'],
    ['ask asks', ask, [], scope, T0, 'ask:15'],
    ['ask asks even with a live grant (turned to plain ask)', ask, [grant()], scope, T0, 'ask:15'],
    ['ask-then-allow asks without a grant', ask10, [], scope, T0, 'ask:10'],
    ['a live grant releases', ask10, [grant()], scope, T0 + 9 * MIN, 'allow:grant'],
    ['a grant one ms before expiry releases', ask10, [grant()], scope, T0 + 10 * MIN - 1, 'allow:grant'],
    ['an expired grant asks (expiry is exclusive)', ask10, [grant()], scope, T0 + 10 * MIN, 'ask:10'],
    ['another program is not granted', ask10, [grant()], { ...scope, program: '/usr/bin/python3' }, T0, 'ask:10'],
    ['another account is not granted', ask10, [grant()], { ...scope, accountId: 'a2' }, T0, 'ask:10'],
    ['a code grant is not a session grant', ask10, [grant()], { ...scope, what: 'session' }, T0, 'ask:10'],
    ['a role grant is for that role only', ask10, [grant({ what: 'role', role: 'arn:aws:iam::1:role/A' })], { ...scope, what: 'role', role: 'arn:aws:iam::1:role/B' }, T0, 'ask:10'],
    ['the same role is granted', ask10, [grant({ what: 'role', role: 'arn:aws:iam::1:role/A' })], { ...scope, what: 'role', role: 'arn:aws:iam::1:role/A' }, T0, 'allow:grant'],
  ];
  it.each(cases)('%s', (_name, policy, grants, s, now, expected) => {
    const d = decide(policy, grants, s, now);
    expect(d.kind === 'allow' ? `allow:${d.reason}` : `ask:${d.grantMinutes}`).toBe(expected);
  });
});

describe('applyAnswer', () => {
  const cases: ReadonlyArray<readonly [string, ReleasePolicy, PromptAnswer, boolean, number | undefined]> = [
    ['deny releases nothing', ask10, { choice: 'deny' }, false, undefined],
    ['once releases, keeps no grant', ask10, { choice: 'once' }, true, undefined],
    ['grant releases and keeps a grant of N minutes', ask10, { choice: 'grant', minutes: 5 }, true, T0 + 5 * MIN],
    ['a grant is capped at 12 hours', ask10, { choice: 'grant', minutes: 100_000 }, true, T0 + RELEASE_LIMITS.MAX_GRANT_MINUTES * MIN],
    ['a grant is at least a minute', ask10, { choice: 'grant', minutes: 0 }, true, T0 + MIN],
    ['under plain ask a grant answer releases once only', ask, { choice: 'grant', minutes: 5 }, true, undefined],
  ];
  it.each(cases)('%s', (_name, policy, answer, release, expiresAt) => {
    const out = applyAnswer(policy, [], scope, answer, T0);
    expect(out.release).toBe(release);
    expect(out.grant?.expiresAt).toBe(expiresAt);
    expect(out.grants.length).toBe(expiresAt === undefined ? 0 : 1);
  });

  it('a new grant replaces the one of the same scope and keeps others', () => {
    const other = grant({ program: '/bin/other' });
    const out = applyAnswer(ask10, [grant(), other], scope, { choice: 'grant', minutes: 3 }, T0 + MIN);
    expect(out.grants).toHaveLength(2);
    expect(out.grants).toContainEqual(other);
    expect(out.grants.find((g) => g.program === scope.program)?.expiresAt).toBe(T0 + 4 * MIN);
  });

  it('a grant then expires on the injected clock', () => {
    const { grants } = applyAnswer(ask10, [], scope, { choice: 'grant', minutes: 2 }, T0);
    expect(decide(ask10, grants, scope, T0 + 2 * MIN - 1).kind).toBe('allow');
    expect(decide(ask10, grants, scope, T0 + 2 * MIN).kind).toBe('ask');
    expect(pruneGrants(grants, T0 + 2 * MIN)).toEqual([]);
  });
});

describe('pruneGrants', () => {
  it('drops expired grants and grants of accounts that no longer ask-then-allow', () => {
    const g1 = grant();
    const g2 = grant({ accountId: 'a2' });
    expect(pruneGrants([g1, g2], T0)).toEqual([g1, g2]);
    expect(pruneGrants([g1, g2], T0, (id) => (id === 'a1' ? ask10 : ask))).toEqual([g1]);
    expect(pruneGrants([g1, g2], T0 + 10 * MIN)).toEqual([]);
  });
});

describe('parseReleasePolicy / effectivePolicy', () => {
  it.each([
    [undefined, undefined],
    [{ mode: 'always' }, { mode: 'always' }],
    [{ mode: 'ask' }, { mode: 'ask' }],
    [{ mode: 'ask-then-allow', minutes: 15 }, { mode: 'ask-then-allow', minutes: 15 }],
  ])('accepts %j', (input, expected) => expect(parseReleasePolicy(input)).toEqual(expected));

  it.each([null, 'always', {}, { mode: 'never' }, { mode: 'ask', minutes: 5 }, { mode: 'ask-then-allow' }, { mode: 'ask-then-allow', minutes: 0 }, { mode: 'ask-then-allow', minutes: 721 }, { mode: 'ask-then-allow', minutes: 1.5 }])(
    'refuses %j with a sentence',
    (input) => {
      let error: unknown;
      try {
        parseReleasePolicy(input);
      } catch (e) {
        error = e;
      }
      expect(isAuthdeskError(error, 'RELEASE_POLICY_INVALID')).toBe(true);
    },
  );

  it('the account policy wins over the default, and Always is the default of defaults', () => {
    expect(effectivePolicy(undefined, undefined)).toEqual(always);
    expect(effectivePolicy(undefined, ask)).toEqual(ask);
    expect(effectivePolicy(always, ask)).toEqual(always);
    expect(effectivePolicy(ask10, undefined)).toEqual(ask10);
  });
});

const entry = (over: Partial<ActivityEntry> = {}): ActivityEntry => ({
  at: new Date(T0).toISOString(),
  decision: 'allowed',
  reason: 'once',
  what: 'code',
  account: { id: 'a1', name: 'Amazon Web Services: alice@123456789012', awsSerial: 'arn:aws:iam::123456789012:mfa/alice' },
  program: { exe: '/usr/bin/aws-vault', pid: 4242, commandLine: 'aws-vault exec prod', parentCommandLine: '-bash', verified: true },
  ...over,
});

describe('activity entries', () => {
  it('round-trip through a line', () => {
    const e = entry();
    expect(parseActivityLine(serializeEntry(e))).toEqual(e);
  });

  it('the decision follows from the reason, whatever a line claims', () => {
    const line = JSON.stringify({ ...entry({ reason: 'denied' }), decision: 'allowed' });
    expect(parseActivityLine(line)?.decision).toBe('denied');
    expect(['policy-always', 'grant', 'once', 'granted'].map((r) => decisionOf(r as ActivityEntry['reason']))).toEqual(['allowed', 'allowed', 'allowed', 'allowed']);
    expect(['denied', 'timed-out', 'locked', 'app-absent', 'refused'].map((r) => decisionOf(r as ActivityEntry['reason']))).toEqual(['denied', 'denied', 'denied', 'denied', 'denied']);
  });

  it.each(['', 'not json', '[]', '{"at":"x"}', JSON.stringify({ ...entry(), reason: 'maybe' }), JSON.stringify({ ...entry(), program: { exe: 1 } })])('a malformed line %j is skipped', (line) => {
    expect(parseActivityLine(line)).toBeUndefined();
  });

  it('has no field that could hold a code: extra fields in a line are dropped', () => {
    const parsed = parseActivityLine(JSON.stringify({ ...entry(), code: '555111', secret: 'JBSWY3DP' }));
    expect(JSON.stringify(parsed)).not.toMatch(/555111|JBSWY3DP/);
  });

  it('clamps long strings from other programs', () => {
    const long = 'x'.repeat(100_000);
    const e = clampEntry(entry({ program: { exe: long, pid: 1, commandLine: long, parentCommandLine: long, verified: false } }));
    expect(serializeEntry(e).length).toBeLessThan(ACTIVITY_LIMITS.MAX_ENTRY_BYTES);
    expect(parseActivityLine(serializeEntry(entry({ program: { exe: long, pid: 1, commandLine: long, verified: false } })))).toBeDefined();
  });

  it('boundLines keeps the newest entries within the count and the byte budget', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line-${String(i).padStart(2, '0')}`); // 7 chars + newline = 8 bytes
    expect(boundLines(lines, 10, 1_000)).toEqual(lines.slice(40));
    expect(boundLines(lines, 1_000, 80)).toEqual(lines.slice(40));
    expect(boundLines(lines, 1_000, 79)).toEqual(lines.slice(41));
    expect(boundLines([], 10, 10)).toEqual([]);
  });

  it('utf8Length agrees with Buffer', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀é€\u0000']) expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });

  it('printable escapes what could forge a line or drive a terminal', () => {
    expect(printable('ok text')).toBe('ok text');
    expect(printable('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(printable('\u001b[2J\u0007')).toBe('\\x1b[2J\\x07');
    expect(printable('\u009b31m')).toBe('\\x9b31m');
    expect(printable('abc\u202Efdp.exe')).toBe('abc\\u{202e}fdp.exe');
    const line = formatEntryLine(entry({ program: { exe: '/tmp/evil\n2026-01-01 allowed', pid: 1, commandLine: 'x', parentCommandLine: 'sh -c "\u001b]0;pwned\u0007"', verified: false } }));
    expect(line).not.toMatch(/[\n\u001b\u0007]/);
    expect(line).toContain('(unverified)');
    expect(line).toContain('allowed (once)');
  });
});
