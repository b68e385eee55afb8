import { describe, expect, it } from 'vitest';
import { checkProfileRequest, chooseSerial, profileEntries } from '../../core/aws/setup-profile.js';
import { isAuthdeskError } from '../../core/errors.js';
import type { Account } from '../../core/vault/model.js';
import { invocationForApp, invocationOfProcess } from '../../node/cli-invocation.js';

function account(id: string, awsSerial?: string, status: Account['status'] = 'active'): Account {
  return { id, type: 'totp', issuer: 'Amazon Web Services', label: id, algorithm: 'SHA1', digits: 6, period: 30, status, createdAt: '2026-01-01T00:00:00Z', order: 0, ...(awsSerial ? { awsSerial } : {}) };
}
const A = 'arn:aws:iam::123456789012:mfa/a';
const B = 'arn:aws:iam::123456789012:mfa/b';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isAuthdeskError(error)) return error.code;
    throw error;
  }
  return 'OK';
}

describe('chooseSerial', () => {
  it.each([
    ['the only AWS account (others ignored)', [account('g'), account('a', A)], undefined, A],
    ['a requested ARN the vault holds', [account('a', A), account('b', B)], B, B],
    ['a pending enrollment does not count', [account('a', A), account('b', B, 'pending')], undefined, A],
  ])('%s', (_, accounts, requested, expected) => {
    expect(chooseSerial(accounts, requested)).toBe(expected);
  });
  it.each([
    ['two devices and no --serial', [account('a', A), account('b', B)], undefined, 'AWS_DEVICE_AMBIGUOUS'],
    ['no AWS account', [account('g')], undefined, 'AWS_NO_DEVICE'],
    ['an ARN the vault does not hold', [account('a', A)], B, 'AWS_SERIAL_NOT_IN_VAULT'],
    ['a user ARN instead of a device', [account('a', A)], 'arn:aws:iam::123456789012:user/alice', 'AWS_SERIAL_IS_USER_ARN'],
  ])('refuses %s', (_, accounts, requested, expected) => {
    expect(code(() => chooseSerial(accounts, requested))).toBe(expected);
  });
});

describe('checkProfileRequest / profileEntries', () => {
  const source = { values: { aws_access_key_id: 'AKIA' }, known: ['default'] };
  it.each([
    [{ name: 'work', sourceProfile: 'default' }, source, 'OK'],
    [{ name: 'default', sourceProfile: 'default' }, source, 'AWS_PROFILE_SELF'],
    [{ name: 'work', sourceProfile: 'x' }, { values: undefined, known: [] }, 'AWS_SOURCE_PROFILE_MISSING'],
    [{ name: 'work', sourceProfile: 'mfa' }, { values: { credential_process: '"/a b/authdesk" aws credentials --profile default' }, known: [] }, 'AWS_SOURCE_PROFILE_IS_AUTHDESK'],
    [{ name: 'work', sourceProfile: 'default', region: 'Frankfurt' }, source, 'AWS_REGION_INVALID'],
    [{ name: 'work', sourceProfile: 'default', roleArn: 'arn:aws:iam::123456789012:user/x' }, source, 'AWS_ROLE_ARN_INVALID'],
  ])('%j', (request, facts, expected) => {
    expect(code(() => checkProfileRequest({ serial: A, ...request }, facts))).toBe(expected);
  });
  it('credential_process runs the invocation with the source, serial and role; region after it', () => {
    expect(profileEntries({ name: 'w', sourceProfile: 'my keys', serial: A, roleArn: 'arn:aws:iam::123456789012:role/r', region: 'eu-west-1' }, ['/opt/Authdesk App/authdesk'], 'posix')).toEqual([
      ['credential_process', `"/opt/Authdesk App/authdesk" aws credentials --profile "my keys" --serial ${A} --role-arn arn:aws:iam::123456789012:role/r`],
      ['region', 'eu-west-1'],
    ]);
  });
});

describe('the invocation written into credential_process', () => {
  it('the standalone executable is its own path; a script runs with the absolute node', () => {
    expect(invocationOfProcess({ platform: 'linux', execPath: '/usr/lib/authdesk/authdesk', standalone: true, script: '/usr/lib/authdesk/authdesk' }).words).toEqual(['/usr/lib/authdesk/authdesk']);
    expect(invocationOfProcess({ platform: 'linux', execPath: '/usr/bin/node', standalone: false, script: '/src/dist/cli/authdesk.cjs' })).toEqual({ words: ['/usr/bin/node', '/src/dist/cli/authdesk.cjs'], kind: 'node-script', flavour: 'posix' });
    expect(code(() => invocationOfProcess({ platform: 'linux', execPath: '/usr/bin/node', standalone: false, script: undefined }))).toBe('CLI_LOCATION_UNKNOWN');
  });
  const app = { platform: 'linux' as NodeJS.Platform, packaged: true, resourcesPath: '/opt/Authdesk/resources', appPath: '/opt/Authdesk/resources/app.asar', appImage: undefined, installedExecutable: undefined, nodeOnPath: undefined };
  it.each([
    ['deb/rpm: the executable in resources', app, ['/opt/Authdesk/resources/bin/authdesk']],
    ['installed copy wins', { ...app, installedExecutable: '/home/a/.local/bin/authdesk' }, ['/home/a/.local/bin/authdesk']],
    ['AppImage with an installed copy', { ...app, appImage: '/home/a/Authdesk.AppImage', installedExecutable: '/home/a/.local/share/authdesk/bin/authdesk' }, ['/home/a/.local/share/authdesk/bin/authdesk']],
    ['Windows', { ...app, platform: 'win32' as NodeJS.Platform, resourcesPath: 'C:\\Program Files\\Authdesk\\resources' }, ['C:\\Program Files\\Authdesk\\resources\\bin\\authdesk.exe']],
    ['a checkout: node on PATH and dist/cli', { ...app, packaged: false, appPath: '/src', nodeOnPath: '/usr/bin/node' }, ['/usr/bin/node', '/src/dist/cli/authdesk.cjs']],
  ])('app, %s', (_, facts, words) => {
    expect(invocationForApp(facts).words).toEqual(words);
  });
  it('an AppImage without an installed copy asks for "Install the command-line tool"', () => {
    expect(code(() => invocationForApp({ ...app, appImage: '/home/a/Authdesk.AppImage' }))).toBe('CLI_NOT_INSTALLED');
  });
});
