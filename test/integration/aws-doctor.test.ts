/**
 * `authdesk aws doctor` as a real process against test/iam-server (STS, IAM, EC2 with the tutorial's
 * Force_MFA policy) with a vault in a temp data dir and the real keychain (scripts/with-keyring.sh).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../node/open-vault.js';
import { ensureCliBuilt, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { cleanAwsEnv } from '../helpers/iam-env.js';
import { IamServer, type TutorialUser } from '../iam-server/server.js';

let server: IamServer;
let data: ReturnType<typeof tempDir>;
let caseNo = 0;

beforeAll(async () => {
  ensureCliBuilt();
  server = await IamServer.start();
  data = tempDir('authdesk-doctor-');
});
afterAll(async () => {
  await server.close();
  data.cleanup();
});

function expectExit(result: CliResult, code: number): void {
  expect(result.code, `exit ${result.code}; stdout: ${result.stdout}; stderr: ${result.stderr}`).toBe(code);
}

/** A fresh vault (holding the user's device when `hold`) and AWS files with the user's keys as "default". */
async function setup(user: TutorialUser, options: { hold: boolean; config?: string; secret?: string }) {
  const dir = path.join(data.path, `case-${++caseNo}`);
  mkdirSync(dir);
  const dataDir = path.join(dir, 'data');
  if (options.hold && user.device) {
    const vault = await openVault({ dataDir });
    await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: `${user.userName}@123456789012`, secret: user.device.seedBase32, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: user.device.serialNumber, awsUser: user.userName });
  }
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  writeFileSync(configFile, options.config ?? '[default]\nregion = us-east-1\n');
  writeFileSync(credentialsFile, `[default]\naws_access_key_id = ${user.key.accessKeyId}\naws_secret_access_key = ${options.secret ?? user.key.secretAccessKey}\n`);
  const env = { ...cleanAwsEnv(process.env, dir), AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_ENDPOINT_URL: server.url, AUTHDESK_DATA_DIR: dataDir };
  return { env, dataDir };
}

function line(result: CliResult, check: string): string {
  return result.stdout.split('\n').find((l) => l.slice(2).startsWith(check)) ?? '';
}

describe('authdesk aws doctor', () => {
  it('a tutorial user whose device the vault holds: all good, MFA demanded and satisfied with one session', async () => {
    const user = server.tutorialUser('doc-alice');
    const { env } = await setup(user, { hold: true });
    const sessionsBefore = server.count('GetSessionToken');
    const result = await runCli(['aws', 'doctor', '--profile', 'default'], { env });
    expectExit(result, 0);
    expect(line(result, 'credentials')).toMatch(/^✓ credentials +Credentials of profile "default" found and accepted by AWS \(long-term access keys\)/);
    expect(line(result, 'caller')).toContain('arn:aws:iam::123456789012:user/doc-alice');
    expect(line(result, 'devices')).toMatch(new RegExp(`^✓ devices .*${user.device!.serialNumber} is in the vault`));
    expect(line(result, 'mfa-demanded')).toMatch(/^✓ mfa-demanded MFA is demanded: ec2:DescribeInstances is refused without MFA and allowed with an MFA session/);
    expect(line(result, 'clock')).toMatch(/^✓ clock/);
    expect(line(result, 'profiles')).toMatch(/^✓ profiles/);
    expect(server.count('GetSessionToken') - sessionsBefore).toBe(1);
    expect(server.count('DescribeInstances', { userName: 'doc-alice', ok: true })).toBe(1);
    expect(server.count('DescribeInstances', { userName: 'doc-alice', ok: false })).toBe(1);
    // The session's secret is used once and never printed.
    const secret = server.sessions({ userName: 'doc-alice' }).at(-1)!;
    expect(`${result.stdout}${result.stderr}`).not.toContain((secret as unknown as { secretAccessKey: string }).secretAccessKey);
  });

  it('the server clock 100 s ahead: the clock is flagged, and the MFA session still works (codes on AWS\'s clock)', async () => {
    const user = server.tutorialUser('doc-clock');
    const { env } = await setup(user, { hold: true });
    server.setClockOffsetMs(100_000);
    try {
      const result = await runCli(['aws', 'doctor', '--profile', 'default', '--json'], { env });
      expectExit(result, 0);
      const { findings } = JSON.parse(result.stdout) as { findings: Array<{ check: string; status: string; message: string; fix?: string }> };
      expect(findings.map((f) => f.check)).toEqual(['credentials', 'caller', 'devices', 'mfa-demanded', 'clock', 'profiles']);
      const clock = findings.find((f) => f.check === 'clock')!;
      expect(clock.status).toBe('warn');
      expect(clock.message).toMatch(/clock is (99|100|101) s behind AWS/);
      expect(clock.fix).toBeTruthy();
      expect(findings.find((f) => f.check === 'mfa-demanded')).toMatchObject({ status: 'ok' });
    } finally {
      server.setClockOffsetMs(0);
    }
  });

  it('a device the vault does not hold, an unassigned device and profiles naming unknown devices: each a finding with its fix', async () => {
    const user = server.tutorialUser('doc-bob');
    const config = [
      '[default]', 'region = us-east-1', '',
      '[profile legacy]', 'source_profile = default', 'mfa_serial = arn:aws:iam::123456789012:mfa/somebody-else', '',
      '[profile broken]', 'credential_process = /usr/bin/authdesk aws credentials --profile default --serial arn:aws:iam::123456789012:mfa/gone', '',
    ].join('\n');
    const leftover = server.seedDevice('doc-bob-old');
    const { env } = await setup(user, { hold: false, config });
    const result = await runCli(['aws', 'doctor', '--profile', 'default'], { env });
    expectExit(result, 1); // the broken profile fails every command: a failure
    expect(result.stdout).toContain(`! devices      ${user.device!.serialNumber} is enabled for doc-bob but Authdesk does not hold its key`);
    expect(result.stdout).toContain(`! devices      ${leftover.serialNumber} is an unassigned virtual device`);
    expect(result.stdout).toContain(`fix: authdesk aws delete ${leftover.serialNumber} --profile default`);
    expect(result.stdout).toMatch(/! mfa-demanded ec2:DescribeInstances is refused without MFA, and the vault holds none of this user's devices/);
    expect(result.stdout).toContain('! profiles     Profile "legacy": mfa_serial arn:aws:iam::123456789012:mfa/somebody-else is not a device Authdesk holds');
    expect(result.stdout).toContain('✗ profiles     Profile "broken": its credential_process uses arn:aws:iam::123456789012:mfa/gone');
    expect(result.stdout).toMatch(/fix: authdesk aws setup-profile broken --source-profile default --force/);
    expect(server.count('GetSessionToken', { userName: 'doc-bob' })).toBe(0);
  });

  it('keys AWS refuses: one failure with its fix, the other checks skipped', async () => {
    const user = server.tutorialUser('doc-carol');
    const { env } = await setup(user, { hold: true, secret: 'wrong-secret-key-wrong-secret-key-000000' });
    const result = await runCli(['aws', 'doctor'], { env });
    expectExit(result, 1);
    expect(line(result, 'credentials')).toMatch(/^✗ credentials +AWS refused the credentials of the default profile/);
    expect(result.stdout).toMatch(/fix: check the access key/);
    expect(line(result, 'mfa-demanded')).toMatch(/^- mfa-demanded +Whether MFA is demanded was not checked/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
