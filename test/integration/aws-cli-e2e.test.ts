/**
 * Issue 11's promise end to end: a user set up as the AWS guide says (Force_MFA, EC2MFA group, a
 * virtual MFA device whose key is in Authdesk) runs `authdesk aws setup-profile work --source-profile
 * default` once, then Debian's AWS CLI (botocore: its own credential_process runner and SigV4) calls
 * `aws ec2 describe-instances --profile work` with no code typed: the first call gets an MFA session,
 * the second reuses it (one GetSessionToken on the server), and no file under the data directory, the
 * AWS directory or HOME holds the session's secret key. The JS SDK's fromProcess / fromIni read the
 * same profile and get the same cached session.
 * Real parts: the CLI as a process (bundled fresh from the sources), the test server over HTTP, the
 * Secret Service (scripts/with-keyring.sh) as the session cache, the ledger files.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { fromProcess } from '@aws-sdk/credential-provider-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../node/open-vault.js';
import { tempDir, runProcess, type CliResult } from '../helpers/cli.js';
import { awsCliCommand, cleanupAwsCli } from '../helpers/iam-cli.js';
import { withEnv } from '../helpers/iam-env.js';
import { describeInstancesRaw, runAwsCli } from '../helpers/iam-sts.js';
import { IamServer, type TutorialUser } from '../iam-server/server.js';

/** Each `aws` run starts Python and botocore, plus one authdesk process: generous, never a speed assertion. */
const LONG = 300_000;
let server: IamServer;
let user: TutorialUser;
let home: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;
let awsDir: string;
let dataDir: string;

beforeAll(async () => {
  server = await IamServer.start();
  user = server.tutorialUser('e2e-work');
  home = tempDir('authdesk-e2e-home-');
  awsDir = path.join(home.path, '.aws');
  dataDir = path.join(home.path, 'authdesk-data');
  mkdirSync(awsDir, { mode: 0o700 });
  // The source profile as `aws configure` leaves it, plus endpoint_url so Authdesk's STS calls reach the server.
  writeFileSync(path.join(awsDir, 'config'), `[default]\nregion = us-east-1\noutput = json\nendpoint_url = ${server.url}\n`, { mode: 0o600 });
  writeFileSync(path.join(awsDir, 'credentials'), `[default]\naws_access_key_id = ${user.key.accessKeyId}\naws_secret_access_key = ${user.key.secretAccessKey}\n`, { mode: 0o600 });
  const vault = await openVault({ dataDir });
  await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'e2e-work@123456789012', secret: user.device!.seedBase32, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: user.device!.serialNumber, awsUser: user.userName });
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('AUTHDESK_DATA')) base[k] = v;
  env = {
    ...base, HOME: home.path, AUTHDESK_DATA_DIR: dataDir,
    AWS_CONFIG_FILE: path.join(awsDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
  };
  await awsCliCommand();
});
afterAll(async () => {
  await server?.close();
  home?.cleanup();
  cleanupAwsCli();
});

async function authdesk(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const [entry] = await awsCliCommand();
  return runProcess(process.execPath, [entry!, ...args], { env: { ...env, ...extra } });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : e.isFile() ? [full] : [];
  });
}

const sessionsIssued = () => server.count('GetSessionToken', { ok: true, userName: user.userName });

describe('setup-profile once, then aws --profile work all day', () => {
  it('Debian\'s aws: the first describe-instances gets a session, the second reuses it; no file holds its secret', async () => {
    const setup = await authdesk(['aws', 'setup-profile', 'work', '--source-profile', 'default']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(readFileSync(path.join(awsDir, 'config'), 'utf8')).toMatch(/\[profile work\]\n# Authdesk.*\ncredential_process = .* aws credentials --profile default --serial arn:aws:iam::123456789012:mfa\/e2e-work\nregion = us-east-1\n$/);

    // Without the profile, Force_MFA refuses EC2 to the long-term keys.
    const refused = await runAwsCli(server, ['ec2', 'describe-instances'], env);
    expect(refused.stderr).toContain('UnauthorizedOperation');

    const first = await runAwsCli(server, ['ec2', 'describe-instances', '--profile', 'work'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('i-0123456789abcdef0');
    expect(sessionsIssued()).toBe(1);
    const second = await runAwsCli(server, ['ec2', 'describe-instances', '--profile', 'work'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(sessionsIssued()).toBe(1);

    const session = server.sessions({ userName: user.userName, kind: 'session' });
    expect(session).toHaveLength(1);
    const ok = server.calls('DescribeInstances', { service: 'ec2', ok: true });
    expect(ok.map((r) => r.accessKeyId)).toEqual([session[0]!.accessKeyId, session[0]!.accessKeyId]);
    // Not in the vault's folder, not in ~/.aws (botocore keeps no cache for credential_process), nowhere in HOME.
    // (The scan can find a key: the long-term one is in ~/.aws/credentials, as `aws configure` puts it.)
    expect(files(home.path).some((f) => readFileSync(f).includes(user.key.secretAccessKey))).toBe(true);
    for (const file of files(home.path)) {
      if (statSync(file).size > 50_000_000) continue;
      expect(readFileSync(file).includes(session[0]!.secretAccessKey), file).toBe(false);
    }
  }, LONG);

  it('the JS SDK\'s fromProcess and fromIni with the same profile get the cached session (no new GetSessionToken)', async () => {
    const before = sessionsIssued();
    const cached = server.sessions({ userName: user.userName, kind: 'session' }).at(-1)!;
    for (const provider of [fromProcess({ profile: 'work', ignoreCache: true }), fromIni({ profile: 'work', ignoreCache: true })]) {
      const credentials = await withEnv(env, () => provider());
      expect(credentials.accessKeyId).toBe(cached.accessKeyId);
      expect(credentials.sessionToken).toBe(cached.sessionToken);
      expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now());
      const response = await describeInstancesRaw(server, credentials);
      expect(response.status, response.body).toBe(200);
    }
    expect(sessionsIssued()).toBe(before);
  }, LONG);

  it('authdesk aws doctor --profile work: the session is accepted and EC2 allowed, the profile names a held device', async () => {
    const before = sessionsIssued();
    // The aws runs above passed --endpoint-url; the doctor takes the endpoint as the SDKs do.
    const result = await authdesk(['aws', 'doctor', '--profile', 'work', '--json'], { AWS_ENDPOINT_URL: server.url });
    expect(result.code, result.stderr).toBe(0);
    const { findings } = JSON.parse(result.stdout) as { findings: Array<{ check: string; status: string; message: string }> };
    expect(findings.find((f) => f.check === 'credentials')).toMatchObject({ status: 'ok', message: expect.stringContaining('temporary: a session') });
    expect(findings.find((f) => f.check === 'mfa-demanded')).toMatchObject({ status: 'ok', message: expect.stringContaining('allowed with these credentials') });
    expect(findings.filter((f) => f.check === 'profiles')).toEqual([expect.objectContaining({ status: 'ok' })]);
    expect(sessionsIssued()).toBe(before);
  }, LONG);
});
