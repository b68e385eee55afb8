/**
 * `authdesk aws credentials` / `aws sessions` end to end: the real CLI as a process (bundled fresh
 * from the sources), the real AWS SDK against the test server's STS over HTTP, the real Secret
 * Service (the session cache), the real ledger files. The server says how many GetSessionToken
 * calls arrived and refuses a reused code as AWS does.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { tempDir, runProcess, type CliResult } from '../helpers/cli.js';
import { awsCliCommand, cleanupAwsCli } from '../helpers/iam-cli.js';
import { cleanAwsEnv, writeProfiles } from '../helpers/iam-env.js';
import { credentialsOf, describeInstancesRaw, sdkClients } from '../helpers/iam-sts.js';
import { ADMIN_POLICY, IamServer, type TestKey } from '../iam-server/server.js';

const LONG = 240_000;
let server: IamServer;
const aws = tempDir('authdesk-sess-aws-');
const clients = sdkClients(() => server);

beforeAll(async () => {
  server = await IamServer.start();
  await awsCliCommand();
});
afterEach(() => {
  server.setClockOffsetMs(0);
  clients.destroyAll();
});
afterAll(async () => {
  await server.close();
  aws.cleanup();
  cleanupAwsCli();
});

/** Run the fresh `authdesk` bundle with exactly `env` (optionally under Debian's faketime). */
async function authdesk(args: string[], env: NodeJS.ProcessEnv, options: { faketime?: string } = {}): Promise<CliResult> {
  const [entry] = await awsCliCommand();
  const argv = [process.execPath, entry!, ...args];
  const [cmd, ...rest] = options.faketime ? ['faketime', '-f', options.faketime, ...argv] : argv;
  return runProcess(cmd!, rest, { env, input: '' });
}

/** Every regular file's bytes under `dir`, except the test keyring's own files (they ARE the keychain). */
function readAllFiles(dir: string): string {
  let text = '';
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (full === path.join(process.env.XDG_DATA_HOME ?? '', 'keyrings')) continue;
    if (entry.isDirectory()) text += readAllFiles(full);
    else if (entry.isFile() && statSync(full).size < 5_000_000) text += readFileSync(full).toString('latin1');
  }
  return text;
}

/** A vault (own data dir) holding the device of `userName`, and an AWS dir whose profile `default` has `key`. */
async function setup(name: string, key: TestKey, device: { seedBase32: string; serialNumber: string }, userName: string) {
  const data = tempDir(`authdesk-sess-${name}-`);
  const awsDir = path.join(aws.path, name);
  spawnSync('mkdir', ['-p', awsDir]);
  const env: NodeJS.ProcessEnv = {
    ...cleanAwsEnv(process.env, awsDir),
    ...writeProfiles(awsDir, { default: { key, endpoint: server.url } }),
    AUTHDESK_DATA_DIR: data.path,
  };
  const added = await authdesk(['add', '--secret', device.seedBase32, '--issuer', 'Amazon Web Services', '--label', `${userName}@123456789012`, '--json'], env);
  expect(added.code, added.stderr).toBe(0);
  const id = JSON.parse(added.stdout).id as string;
  const linked = await authdesk(['aws', 'link', id, device.serialNumber, '--user', userName], env);
  expect(linked.code, linked.stderr).toBe(0);
  return { data, env, awsDir, accountId: id };
}

interface ProcessCredentials { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }

describe('authdesk aws credentials', () => {
  it('prints credential_process JSON; the second call reuses the keychain cache (one GetSessionToken); no file holds the secret', async () => {
    const t = server.tutorialUser('sess-cache');
    const s = await setup('cache', t.key, t.device!, t.userName);
    const first = await authdesk(['aws', 'credentials', '--profile', 'default'], s.env);
    expect(first.code, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as ProcessCredentials;
    expect(Object.keys(json).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
    expect(json.Version).toBe(1);
    expect(json.AccessKeyId).toMatch(/^ASIA/);
    expect(new Date(json.Expiration).toISOString()).toBe(json.Expiration);
    expect(Math.abs(Date.parse(json.Expiration) - (Date.now() + 43_200_000))).toBeLessThan(120_000); // default 12 h
    expect(first.stdout.trim().split('\n')).toHaveLength(1); // nothing else on stdout
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);

    // The session is an MFA session: EC2 (MFA only under the tutorial's policy) accepts it.
    expect((await describeInstancesRaw(server, credentialsOf(json))).status).toBe(200);

    const second = await authdesk(['aws', 'credentials', '--profile', 'default'], s.env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(json);
    expect(second.stderr).toBe('');
    expect(server.count('GetSessionToken', { userName: t.userName })).toBe(1);

    // The secret is in the keychain (service authdesk-sessions) and nowhere on disk.
    const items = spawnSync('secret-tool', ['search', '--all', 'service', 'authdesk-sessions'], { encoding: 'utf8' });
    expect(items.stdout).toContain(json.SecretAccessKey);
    for (const dir of [s.data.path, s.awsDir, process.env.HOME!]) {
      const text = readAllFiles(dir);
      expect(text).not.toContain(json.SecretAccessKey);
      expect(text).not.toContain(json.SessionToken);
    }
    s.data.cleanup();
  }, LONG);

  it('aws sessions lists without secrets; clear removes; the next call gets a new session', async () => {
    const t = server.tutorialUser('sess-list');
    const s = await setup('list', t.key, t.device!, t.userName);
    const got = await authdesk(['aws', 'credentials', '--profile', 'default', '--duration', '3600'], s.env);
    expect(got.code, got.stderr).toBe(0);
    const secret = (JSON.parse(got.stdout) as ProcessCredentials).SecretAccessKey;
    const listed = await authdesk(['aws', 'sessions', '--json'], s.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain(secret);
    const rows = JSON.parse(listed.stdout) as Array<{ profile: string; serial: string; secondsLeft: number; reusable: boolean }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ profile: 'default', serial: t.device!.serialNumber, reusable: true });
    expect(rows[0]!.secondsLeft).toBeGreaterThan(3000);
    const text = await authdesk(['aws', 'sessions'], s.env);
    expect(text.stdout).toMatch(/^default {2}arn:aws:iam::123456789012:mfa\/sess-list {2}expires .+\(\d+ min left\)\n$/);

    expect((await authdesk(['aws', 'sessions', 'clear'], s.env)).code).toBe(2); // needs a filter or --all
    const none = await authdesk(['aws', 'sessions', 'clear', '--profile', 'other'], s.env);
    expect(none.stdout).toMatch(/nothing was removed/);
    const cleared = await authdesk(['aws', 'sessions', 'clear', '--profile', 'default'], s.env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/Removed 1 cached session/);
    expect(JSON.parse((await authdesk(['aws', 'sessions', '--json'], s.env)).stdout)).toEqual([]);

    const again = await authdesk(['aws', 'credentials', '--profile', 'default', '--duration', '3600'], s.env);
    expect(again.code, again.stderr).toBe(0);
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(2);
    expect(server.count('GetSessionToken', { ok: false, userName: t.userName })).toBe(0); // the fresh step was waited for
    s.data.cleanup();
  }, LONG);

  it('renews a session near its expiry with a fresh code, without a prompt', async () => {
    const t = server.tutorialUser('sess-renew');
    const s = await setup('renew', t.key, t.device!, t.userName);
    const first = await authdesk(['aws', 'credentials', '--duration', '900'], s.env);
    expect(first.code, first.stderr).toBe(0);
    // 5 minutes later (faketime): 10 minutes left, less than the 11-minute margin.
    const later = await authdesk(['aws', 'credentials', '--duration', '900'], s.env, { faketime: '+300s' });
    expect(later.code, later.stderr).toBe(0);
    expect(JSON.parse(later.stdout).AccessKeyId).not.toBe(JSON.parse(first.stdout).AccessKeyId);
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(2);
    expect(server.count('GetSessionToken', { ok: false, userName: t.userName })).toBe(0);
    s.data.cleanup();
  }, LONG);

  it("a server clock 100 s ahead costs no refused call (codes on AWS's clock)", async () => {
    server.setClockOffsetMs(100_000);
    const t = server.tutorialUser('sess-skew');
    const s = await setup('skew', t.key, t.device!, t.userName);
    const got = await authdesk(['aws', 'credentials', '--no-cache'], s.env);
    expect(got.code, got.stderr).toBe(0);
    expect(server.count('GetSessionToken', { ok: false, userName: t.userName })).toBe(0);
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);
    s.data.cleanup();
  }, LONG);

  it('two `authdesk code` calls in a row off a terminal give two codes STS both accepts', async () => {
    const t = server.tutorialUser('sess-code');
    const s = await setup('code', t.key, t.device!, t.userName);
    const a = await authdesk(['code', t.device!.serialNumber], s.env);
    const b = await authdesk(['code', t.device!.serialNumber], s.env);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).not.toBe(b.stdout);
    const sts = clients.sts(credentialsOf(t.key));
    for (const code of [a.stdout.trim(), b.stdout.trim()]) {
      const out = await sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: code, DurationSeconds: 900 }));
      expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    }
    s.data.cleanup();
  }, LONG);

  it('an enrollment (a pair) followed at once by a session request works', async () => {
    const t = server.tutorialUser('sess-enroll', { device: false });
    const data = tempDir('authdesk-sess-enroll-');
    const awsDir = path.join(aws.path, 'enroll');
    spawnSync('mkdir', ['-p', awsDir]);
    const env = { ...cleanAwsEnv(process.env, awsDir), ...writeProfiles(awsDir, { default: { key: t.key, endpoint: server.url } }), AUTHDESK_DATA_DIR: data.path };
    const enrolled = await authdesk(['aws', 'enroll', '--name', 'sess-enroll', '--profile', 'default'], env);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const got = await authdesk(['aws', 'credentials', '--profile', 'default'], env);
    expect(got.code, got.stderr).toBe(0);
    expect(server.count('EnableMFADevice', { ok: false })).toBe(0);
    expect(server.count('GetSessionToken', { ok: false, userName: t.userName })).toBe(0);
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);
    data.cleanup();
  }, LONG);

  it('AssumeRole with the MFA; the chaining cap is a usage error with a sentence', async () => {
    const admin = server.adminUser('sess-admin');
    const device = server.seedDevice('sess-admin', { userName: 'sess-admin' });
    const role = server.createRole({ name: 'SessAdmin', requireMfa: true, maxSessionDuration: 7_200, policies: [ADMIN_POLICY] });
    const s = await setup('role', admin.key, device, 'sess-admin');
    const got = await authdesk(['aws', 'credentials', '--role-arn', role.arn, '--role-session-name', 'alice-work', '--duration', '7200'], s.env);
    expect(got.code, got.stderr).toBe(0);
    const creds = JSON.parse(got.stdout) as ProcessCredentials;
    const issued = server.sessions({ kind: 'role' }).find((x) => x.accessKeyId === creds.AccessKeyId);
    expect(issued).toMatchObject({ roleArn: role.arn, roleSessionName: 'alice-work', mfa: true, chained: false, serialNumber: device.serialNumber });

    // A source profile with temporary credentials: role chaining, capped at 1 hour.
    const chainedDir = path.join(aws.path, 'role-chained');
    spawnSync('mkdir', ['-p', chainedDir]);
    const chainedEnv = {
      ...s.env,
      ...writeProfiles(chainedDir, { temp: { key: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken, userName: 'sess-admin' }, endpoint: server.url } }),
    };
    const refused = await authdesk(['aws', 'credentials', '--profile', 'temp', '--role-arn', role.arn, '--duration', '7200'], chainedEnv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/role chaining/);
    expect(refused.stdout).toBe('');
    // Within the cap it works, with the MFA the source session carries (no code sent).
    const chainedOk = await authdesk(['aws', 'credentials', '--profile', 'temp', '--role-arn', role.arn, '--role-session-name', 'chained', '--duration', '3600'], chainedEnv);
    expect(chainedOk.code, chainedOk.stderr).toBe(0);
    expect(server.sessions({ kind: 'role' }).find((x) => x.accessKeyId === JSON.parse(chainedOk.stdout).AccessKeyId)).toMatchObject({ chained: true, mfa: true });
    const noSession = await authdesk(['aws', 'credentials', '--profile', 'temp'], chainedEnv);
    expect(noSession.code).toBe(1);
    expect(noSession.stderr).toMatch(/long-term access keys/);
    s.data.cleanup();
  }, LONG);

  it('under Force_MFA, where a code on AssumeRole does not count for the caller\'s own policies: an MFA session first, then the role with it', async () => {
    const t = server.tutorialUser('sess-fm-role');
    const role = server.createRole({ name: 'FmRole', requireMfa: true, trustedPrincipals: [t.arn], policies: [ADMIN_POLICY] });
    const s = await setup('fm-role', t.key, t.device!, t.userName);
    server.assumeRoleCodeCountsForCaller = false;
    try {
      const got = await authdesk(['aws', 'credentials', '--role-arn', role.arn, '--role-session-name', 'fm'], s.env);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stderr).toContain('AWS requires MFA before AssumeRole (Force_MFA): assuming the role with an MFA session of the user');
      const creds = JSON.parse(got.stdout) as ProcessCredentials;
      // The role session came from the user's MFA session (a user's session, not role chaining), with its MFA.
      expect(server.sessions({ kind: 'role' }).find((x) => x.accessKeyId === creds.AccessKeyId)).toMatchObject({ roleArn: role.arn, roleSessionName: 'fm', chained: false, mfa: true });
      expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);
      // The refused first try spent its code: the session used a later step (never the same code twice).
      const codes = server.requests.filter((r) => r.userName === t.userName && r.params.TokenCode).map((r) => r.params.TokenCode);
      expect(codes).toHaveLength(2);
      expect(new Set(codes).size).toBe(2);
      // The user's session is cached as `aws credentials` without --role-arn would cache it: reused, no new code.
      const plain = await authdesk(['aws', 'credentials'], s.env);
      expect(plain.code, plain.stderr).toBe(0);
      expect(server.count('GetSessionToken', { userName: t.userName })).toBe(1);

      // The role's session renewed (it lasts an hour; here cleared): straight through the user's
      // cached MFA session — no AssumeRole for Force_MFA to refuse, no code spent, no wait.
      expect(server.count('AssumeRole', { ok: false, userName: t.userName })).toBe(1);
      const cleared = await authdesk(['aws', 'sessions', 'clear', '--role-arn', role.arn], s.env);
      expect(cleared.code, cleared.stderr).toBe(0);
      const identities = server.count('GetCallerIdentity', { userName: t.userName });
      const renewed = await authdesk(['aws', 'credentials', '--role-arn', role.arn, '--role-session-name', 'fm'], s.env);
      expect(renewed.code, renewed.stderr).toBe(0);
      // The good cached user session is used as it is: one look at AWS's clock, not a second
      // round of the session flow for the user's session.
      expect(server.count('GetCallerIdentity', { userName: t.userName }) - identities).toBe(1);
      expect(renewed.stderr).not.toContain('AWS requires MFA before AssumeRole');
      const again = JSON.parse(renewed.stdout) as ProcessCredentials;
      expect(again.AccessKeyId).not.toBe(creds.AccessKeyId);
      expect(server.sessions({ kind: 'role' }).find((x) => x.accessKeyId === again.AccessKeyId)).toMatchObject({ roleArn: role.arn, chained: false, mfa: true });
      expect(server.count('AssumeRole', { ok: false, userName: t.userName })).toBe(1);
      expect(server.requests.filter((r) => r.userName === t.userName && r.params.TokenCode)).toHaveLength(2);
      expect(server.count('GetSessionToken', { userName: t.userName })).toBe(1);
    } finally {
      server.assumeRoleCodeCountsForCaller = true;
      s.data.cleanup();
    }
  }, LONG);

  it('refuses a source profile whose credential_process is Authdesk itself, and bad durations', async () => {
    const t = server.tutorialUser('sess-loop');
    const s = await setup('loop', t.key, t.device!, t.userName);
    const config = `${readFileSync(s.env.AWS_CONFIG_FILE!, 'utf8')}\n[profile work]\ncredential_process = authdesk aws credentials --profile work\n`;
    writeFileSync(s.env.AWS_CONFIG_FILE!, config);
    const loop = await authdesk(['aws', 'credentials', '--profile', 'work'], s.env);
    expect(loop.code).toBe(1);
    expect(loop.stderr).toMatch(/gets its credentials from Authdesk itself/);
    const tooLong = await authdesk(['aws', 'credentials', '--duration', '200000'], s.env);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/--duration 200000 is out of range: an MFA session \(GetSessionToken\) lasts 900 to 129,600 seconds/);
    expect(server.count('GetSessionToken', { userName: t.userName })).toBe(0);
    s.data.cleanup();
  }, LONG);
});

describe('the automatic MFA session under Force_MFA', () => {
  it('deactivating a device with long-term keys succeeds through an MFA session, and says so; a delete only an administrator may do gets that sentence', async () => {
    const t = server.tutorialUser('force-deact');
    const s = await setup('force', t.key, t.device!, t.userName);
    const serial = t.device!.serialNumber;
    const done = await authdesk(['aws', 'deactivate', serial, '--yes', '--profile', 'default'], s.env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`AWS requires MFA for iam:DeactivateMFADevice (Force_MFA): retrying with an MFA session from ${serial}.`);
    expect(done.stdout).toContain(`Deactivated ${serial}.`);
    expect(server.count('DeactivateMFADevice', { ok: false, userName: t.userName })).toBe(1); // the long-term keys' try
    expect(server.count('DeactivateMFADevice', { ok: true })).toBe(1);
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);
    expect(server.device(serial)?.userName).toBeUndefined();
    // The session went to the same cache `aws credentials` uses.
    expect(JSON.parse((await authdesk(['aws', 'sessions', '--json'], s.env)).stdout)).toMatchObject([{ profile: 'default', serial }]);

    const refused = await authdesk(['aws', 'delete', serial, '--yes', '--profile', 'default'], s.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/AWS refuses iam:DeleteVirtualMFADevice to these credentials even with MFA .* An IAM administrator \(someone allowed iam:DeleteVirtualMFADevice, e\.g\. with AdministratorAccess\) can do it\./);
    expect(refused.stderr).not.toMatch(/at .*\.(m?js|ts):\d+/);
    expect(server.device(serial)).toBeDefined();
    s.data.cleanup();
  }, LONG);
});
