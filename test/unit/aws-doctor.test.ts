import { describe, expect, it } from 'vitest';
import { diagnose, splitCommandLine, userNameOfArn, type DoctorFacts } from '../../core/aws/doctor.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const base: DoctorFacts = {
  profile: 'default',
  credentials: { ok: true, temporary: false },
  caller: { ok: true, arn: 'arn:aws:iam::123456789012:user/alice', account: '123456789012', userId: 'AIDA' },
  devices: { ok: true, assigned: [SERIAL], unassigned: [] },
  vaultAccounts: [{ id: 'a1', label: 'alice', awsSerial: SERIAL, awsUser: 'alice', status: 'active' }],
  probe: { action: 'ec2:DescribeInstances', withoutMfa: 'denied', withMfa: 'allowed' },
  clockOffsetMs: 300,
  configText: '[default]\nregion = us-east-1\n',
  configFile: '/h/.aws/config',
  credentialsProfiles: ['default'],
};
const statusOf = (facts: DoctorFacts, check: string) => diagnose(facts).filter((f) => f.check === check).map((f) => f.status);

describe('diagnose', () => {
  it('all good: one ok per check, in order', () => {
    const findings = diagnose(base);
    expect(findings.map((f) => `${f.check}:${f.status}`)).toEqual(['credentials:ok', 'caller:ok', 'devices:ok', 'mfa-demanded:ok', 'clock:ok', 'profiles:ok']);
  });
  it.each([
    ['no credentials', { credentials: { ok: false as const, message: 'Could not load credentials' } }, 'credentials', ['fail']],
    ['keys refused', { caller: { ok: false as const, message: 'InvalidClientTokenId' } }, 'credentials', ['fail']],
    ['root', { caller: { ok: true as const, arn: 'arn:aws:iam::123456789012:root', account: '123456789012', userId: '1' } }, 'caller', ['warn']],
    ['a device the vault lacks', { devices: { ok: true as const, assigned: [SERIAL, 'arn:aws:iam::123456789012:mfa/other'], unassigned: [] } }, 'devices', ['ok', 'warn']],
    ['a vault device AWS no longer has', { devices: { ok: true as const, assigned: [], unassigned: [] } }, 'devices', ['warn', 'warn']],
    ['no MFA needed', { probe: { action: 'x', withoutMfa: 'allowed' as const } }, 'mfa-demanded', ['ok']],
    ['refused even with MFA', { probe: { action: 'x', withoutMfa: 'denied' as const, withMfa: 'denied' as const } }, 'mfa-demanded', ['warn']],
    ['session could not be made', { probe: { action: 'x', withoutMfa: 'denied' as const, withMfa: 'error' as const, detail: 'invalid MFA one time pass code' } }, 'mfa-demanded', ['fail']],
    ['clock 6 s off', { clockOffsetMs: -6_000 }, 'clock', ['warn']],
    ['an mfa_process asking for an unknown account', { configText: '[profile x]\nmfa_process = authdesk code nobody\n' }, 'profiles', ['warn']],
    ['an mfa_process asking for a held account', { configText: `[profile x]\nmfa_process = authdesk code ${SERIAL}\n` }, 'profiles', ['ok']],
    ['an authdesk profile whose source exists only in credentials', { configText: `[profile w]\ncredential_process = "/a b/authdesk" aws credentials --profile default --serial ${SERIAL}\n` }, 'profiles', ['ok']],
    ['an authdesk profile whose source is gone', { configText: `[profile w]\ncredential_process = authdesk aws credentials --profile gone --serial ${SERIAL}\n` }, 'profiles', ['warn']],
  ])('%s', (_, patch, check, statuses) => {
    expect(statusOf({ ...base, ...patch } as DoctorFacts, check)).toEqual(statuses);
  });
});

describe('helpers', () => {
  it.each([
    ['"/a b/node" \'/c d/x.mjs\' aws credentials', ['/a b/node', '/c d/x.mjs', 'aws', 'credentials']],
    ['a\\ b "q\\"x" \'it\'\\\'\'s\'', ['a b', 'q"x', "it's"]],
    ['  spaced   words ', ['spaced', 'words']],
  ])('splitCommandLine %s', (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });
  it('userNameOfArn', () => {
    expect(userNameOfArn('arn:aws:iam::123456789012:user/team/alice')).toBe('alice');
    expect(userNameOfArn('arn:aws:sts::123456789012:assumed-role/r/s')).toBeUndefined();
  });
});
