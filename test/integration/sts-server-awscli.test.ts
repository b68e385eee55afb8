/**
 * Debian's AWS CLI (botocore, an independent client and SigV4 signer) against the test server:
 * a tutorial user gets an MFA session with `aws sts get-session-token` and calls
 * `aws ec2 describe-instances` with it; with long-term keys EC2 refuses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp, tempDir } from '../helpers/cli.js';
import { awsCliEnv, credentialsOf, runAwsCli } from '../helpers/iam-sts.js';
import { IamServer, TEST_ACCOUNT_ID } from '../iam-server/server.js';

/** Each `aws` run starts Python and botocore (seconds on a busy machine): generous, never a speed assertion. */
const CLI_TEST_TIMEOUT = 240_000;
let server: IamServer;
let dir: { path: string; cleanup(): void };

beforeAll(async () => {
  server = await IamServer.start();
  dir = tempDir('authdesk-awscli-');
});
afterEach(() => server.setClockOffsetMs(0));
afterAll(async () => {
  await server.close();
  dir.cleanup();
});

describe('Debian awscli against the test server', () => {
  it('get-session-token with the device code, then describe-instances with the session; long-term keys are refused by EC2', async () => {
    server.setClockOffsetMs(100_000);
    const t = server.tutorialUser('cli-tutorial');
    const longTerm = awsCliEnv(dir.path, credentialsOf(t.key));
    const denied = await runAwsCli(server, ['ec2', 'describe-instances'], longTerm);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: You are not authorized to perform this operation.');

    const tokenCode = oathtoolTotp(t.device!.seedBase32, server.now() / 1000);
    const got = await runAwsCli(server, ['sts', 'get-session-token', '--serial-number', t.device!.serialNumber, '--token-code', tokenCode, '--duration-seconds', '3600'], longTerm);
    expect(got.stderr).toBe('');
    expect(got.code).toBe(0);
    const { Credentials } = JSON.parse(got.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string } };
    expect(Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(Math.abs(Date.parse(Credentials.Expiration) - (server.now() + 3_600_000))).toBeLessThan(10_000);
    expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);

    const again = await runAwsCli(server, ['sts', 'get-session-token', '--serial-number', t.device!.serialNumber, '--token-code', tokenCode], longTerm);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('An error occurred (AccessDenied) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code.');

    const sessionEnv = awsCliEnv(dir.path, credentialsOf(Credentials));
    const identity = await runAwsCli(server, ['sts', 'get-caller-identity'], sessionEnv);
    expect(JSON.parse(identity.stdout)).toMatchObject({ Arn: t.arn, Account: TEST_ACCOUNT_ID });
    const ec2 = await runAwsCli(server, ['ec2', 'describe-instances'], sessionEnv);
    expect(ec2.stderr).toBe('');
    const reservations = (JSON.parse(ec2.stdout) as { Reservations: Array<{ Instances: Array<{ InstanceId: string; State: { Name: string }; Tags: Array<{ Key: string; Value: string }> }> }> }).Reservations;
    expect(reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId))).toEqual(['i-0123456789abcdef0', 'i-0123456789abcdef1', 'i-0fedcba9876543210']);
    expect(reservations[0]!.Instances[0]!.State.Name).toBe('running');
    const one = await runAwsCli(server, ['ec2', 'describe-instances', '--instance-ids', 'i-0fedcba9876543210', '--query', 'Reservations[].Instances[].Tags[0].Value', '--output', 'text'], sessionEnv);
    expect(one.stdout.trim()).toBe('db-1');
    expect(server.calls('DescribeInstances', { service: 'ec2', ok: true }).map((r) => r.accessKeyId)).toEqual([Credentials.AccessKeyId, Credentials.AccessKeyId]);
  }, CLI_TEST_TIMEOUT);

  it('assume-role with the device code; from the role session a second assume-role is capped at one hour', async () => {
    const admin = server.adminUser('cli-admin');
    const device = server.seedDevice('cli-admin', { userName: admin.userName });
    const role = server.createRole({ name: 'CliOps', requireMfa: true, maxSessionDuration: 43_200, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }] });
    const env = awsCliEnv(dir.path, credentialsOf(admin.key));
    const tokenCode = oathtoolTotp(device.seedBase32, server.now() / 1000);
    const got = await runAwsCli(server, ['sts', 'assume-role', '--role-arn', role.arn, '--role-session-name', 'ops', '--serial-number', device.serialNumber, '--token-code', tokenCode, '--duration-seconds', '7200'], env);
    expect(got.stderr).toBe('');
    const out = JSON.parse(got.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }; AssumedRoleUser: { Arn: string } };
    expect(out.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/CliOps/ops`);
    const chained = await runAwsCli(server, ['sts', 'assume-role', '--role-arn', role.arn, '--role-session-name', 'again', '--duration-seconds', '7200'], awsCliEnv(dir.path, credentialsOf(out.Credentials)));
    expect(chained.code).not.toBe(0);
    expect(chained.stderr).toContain('An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }, CLI_TEST_TIMEOUT);

  it('reports an expired session as the CLI shows it, and a forged token', async () => {
    const t = server.tutorialUser('cli-expiry');
    const tokenCode = oathtoolTotp(t.device!.seedBase32, server.now() / 1000);
    const got = await runAwsCli(server, ['sts', 'get-session-token', '--serial-number', t.device!.serialNumber, '--token-code', tokenCode, '--duration-seconds', '900'], awsCliEnv(dir.path, credentialsOf(t.key)));
    const creds = credentialsOf((JSON.parse(got.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }).Credentials);
    const forged = await runAwsCli(server, ['sts', 'get-caller-identity'], awsCliEnv(dir.path, { ...creds, sessionToken: 'forged' }));
    expect(forged.stderr).toContain('An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.');
    // The server's clock past the 900-second session; the CLI's clock follows it (faketime), so only the token has expired.
    server.setClockOffsetMs(901_000);
    const expired = await runAwsCli(server, ['sts', 'get-caller-identity'], awsCliEnv(dir.path, creds), { clockOffsetSeconds: 901 });
    expect(expired.code).not.toBe(0);
    expect(expired.stderr).toContain('An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired');
    const ec2 = await runAwsCli(server, ['ec2', 'describe-instances'], awsCliEnv(dir.path, creds), { clockOffsetSeconds: 901 });
    expect(ec2.stderr).toContain('(RequestExpired)');
  }, CLI_TEST_TIMEOUT);
});
