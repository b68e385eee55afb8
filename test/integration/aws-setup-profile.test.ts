/**
 * `authdesk aws setup-profile` as a real process over a real vault (keychain: run under
 * scripts/with-keyring.sh) and AWS files in a temp folder (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../node/open-vault.js';
import { CLI, ensureCliBuilt, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { cleanAwsEnv } from '../helpers/iam-env.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice-laptop';
const SERIAL2 = 'arn:aws:iam::123456789012:mfa/alice-phone';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let data: ReturnType<typeof tempDir>;
let base: NodeJS.ProcessEnv;
let caseNo = 0;

beforeAll(async () => {
  ensureCliBuilt();
  data = tempDir('authdesk-setup-profile-');
  base = { ...cleanAwsEnv(process.env, data.path), AUTHDESK_DATA_DIR: path.join(data.path, 'vault') };
  const vault = await openVault({ dataDir: path.join(data.path, 'vault') });
  await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: SERIAL, awsUser: 'alice' });
});
afterAll(() => data.cleanup());

function expectExit(result: CliResult, code: number): void {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(code);
}

/** A fresh AWS folder with the given config and a credentials file holding "default" keys. */
function awsDir(config: string | undefined, credentials = '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n') {
  const dir = path.join(data.path, `aws-${++caseNo}`);
  mkdirSync(dir);
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  if (config !== undefined) writeFileSync(configFile, config, { mode: 0o640 });
  writeFileSync(credentialsFile, credentials, { mode: 0o600 });
  return { dir, configFile, env: { ...base, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile } };
}

/** The words the AWS CLI (Python shlex) splits a credential_process line into. */
function shlexSplit(line: string): string[] {
  return JSON.parse(execFileSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', line], { encoding: 'utf8' })) as string[];
}

function credentialProcessOf(configText: string, profile: string): string {
  const section = configText.split(`[profile ${profile}]`)[1] ?? '';
  return /^credential_process = (.*)$/m.exec(section)?.[1] ?? '';
}

describe('authdesk aws setup-profile', () => {
  it('adds the profile after the untouched file, keeps a backup and the mode, and the line runs this CLI from anywhere', async () => {
    const before = '# my AWS settings\r\n[default]\r\nregion = eu-west-1\r\noutput=json   \r\n';
    const aws = awsDir(before);
    const result = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default'], { env: aws.env });
    expectExit(result, 0);
    expect(result.stdout).toContain('Added [profile work]');
    const after = readFileSync(aws.configFile, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length).replace(/\r\n/g, '')).not.toContain('\n');
    expect(after).toContain('output=json   \r\n\r\n[profile work]\r\n');
    expect(readFileSync(`${aws.configFile}.authdesk-backup`, 'utf8')).toBe(before);
    expect(statSync(aws.configFile).mode & 0o777).toBe(0o640);

    const words = shlexSplit(credentialProcessOf(after.replace(/\r\n/g, '\n'), 'work'));
    expect(words).toEqual([process.execPath, CLI, 'aws', 'credentials', '--profile', 'default', '--serial', SERIAL]);
    // The region came from the source profile.
    expect(after).toMatch(/\[profile work\][^[]*region = eu-west-1/);
    // Absolute: the same invocation runs from an unrelated folder.
    const version = execFileSync(words[0]!, [words[1]!, '--version'], { cwd: '/', encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('creates a missing config file with mode 0600 and --region', async () => {
    const aws = awsDir(undefined);
    const result = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default', '--region', 'us-east-2', '--role-arn', 'arn:aws:iam::123456789012:role/admin'], { env: aws.env });
    expectExit(result, 0);
    const text = readFileSync(aws.configFile, 'utf8');
    expect(text.startsWith('[profile work]\n# Authdesk')).toBe(true);
    expect(text).toContain('region = us-east-2\n');
    expect(shlexSplit(credentialProcessOf(text, 'work')).slice(-2)).toEqual(['--role-arn', 'arn:aws:iam::123456789012:role/admin']);
    expect(statSync(aws.configFile).mode & 0o777).toBe(0o600);
    expect(existsSync(`${aws.configFile}.authdesk-backup`)).toBe(false);
  });

  it('replaces an existing profile only with --force', async () => {
    const before = '[default]\nregion = us-east-1\n\n[profile work]\nregion = old\n\n# next\n[profile other]\nregion = x\n';
    const aws = awsDir(before);
    const refused = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default'], { env: aws.env });
    expectExit(refused, 1);
    expect(refused.stderr).toMatch(/already has a profile "work" \(line 4\)\. Nothing was changed; add --force/);
    expect(readFileSync(aws.configFile, 'utf8')).toBe(before);

    const forced = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default', '--force'], { env: aws.env });
    expectExit(forced, 0);
    const after = readFileSync(aws.configFile, 'utf8');
    expect(after.startsWith('[default]\nregion = us-east-1\n\n[profile work]\n# Authdesk')).toBe(true);
    expect(after.endsWith('\n\n# next\n[profile other]\nregion = x\n')).toBe(true);
    expect(after).not.toContain('region = old');
  });

  it('writes through a symlinked config file (the link stays a link)', async () => {
    const aws = awsDir(undefined);
    const real = path.join(aws.dir, 'dotfiles-config');
    writeFileSync(real, '[default]\nregion = us-east-1\n');
    chmodSync(real, 0o600);
    symlinkSync(real, aws.configFile);
    expectExit(await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default'], { env: aws.env }), 0);
    expect(lstatSync(aws.configFile).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('[profile work]');
  });

  it('--print shows the lines and writes nothing', async () => {
    const aws = awsDir('[default]\n');
    const result = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default', '--print'], { env: aws.env });
    expectExit(result, 0);
    expect(result.stdout).toMatch(/^\[profile work\]\n# Authdesk.*\ncredential_process = .* aws credentials --profile default --serial arn:aws:iam::123456789012:mfa\/alice-laptop\n$/);
    expect(readFileSync(aws.configFile, 'utf8')).toBe('[default]\n');
  });

  it.each([
    ['a missing source profile', ['--source-profile', 'nope'], /no AWS profile "nope".*Profiles found: default/],
    ['a source profile that is itself Authdesk', ['--source-profile', 'mfa'], /already gets its credentials from Authdesk/],
    ['a serial the vault does not hold', ['--source-profile', 'default', '--serial', 'arn:aws:iam::123456789012:mfa/other'], /holds no enrolled device arn:aws:iam::123456789012:mfa\/other/],
    ['a role that is not a role ARN', ['--source-profile', 'default', '--role-arn', 'admin'], /is not a role ARN/],
    ['a bad profile name', ['--source-profile', 'default'], /cannot be an AWS profile name/, 'my work'],
  ])('refuses %s with one sentence and changes nothing', async (_, args, message, name = 'work') => {
    const before = '[default]\nregion = us-east-1\n[profile mfa]\ncredential_process = /usr/bin/authdesk aws credentials --profile default\n';
    const aws = awsDir(before);
    const result = await runCli(['aws', 'setup-profile', name, ...args], { env: aws.env });
    expectExit(result, 1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')[0]).toMatch(/^authdesk: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(aws.configFile, 'utf8')).toBe(before);
  });

  it('asks for --serial when the vault holds two AWS devices, and takes a name query', async () => {
    const vault = await openVault({ dataDir: path.join(data.path, 'vault') });
    await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'phone@123456789012', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA1', digits: 6, period: 30, awsSerial: SERIAL2 });
    const aws = awsDir('[default]\n');
    const ambiguous = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default'], { env: aws.env });
    expectExit(ambiguous, 1);
    expect(ambiguous.stderr).toContain('holds 2 AWS MFA devices; choose one with --serial');
    const byName = await runCli(['aws', 'setup-profile', 'work', '--source-profile', 'default', '--serial', 'phone', '--print'], { env: aws.env });
    expectExit(byName, 0);
    expect(byName.stdout).toContain(`--serial ${SERIAL2}`);
  });
});
