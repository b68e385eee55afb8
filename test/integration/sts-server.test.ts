/**
 * The test server's STS (GetSessionToken, AssumeRole, GetCallerIdentity), its temporary credentials
 * and the tutorial's Force_MFA policy, checked through the real @aws-sdk/client-sts and
 * @aws-sdk/client-iam, EC2 DescribeInstances signed by the SDK's SigV4 signer, and Debian's
 * oathtool (not the server's own arithmetic) as the oracle for codes.
 */
import {
  CreateVirtualMFADeviceCommand, DeactivateMFADeviceCommand, DeleteVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GetUserCommand, ListMFADevicesCommand, ListVirtualMFADevicesCommand, ResyncMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp } from '../helpers/cli.js';
import { credentialsOf, describeInstancesRaw, presignedGet, sdkClients, signedQuery } from '../helpers/iam-sts.js';
import { IamServer, STS_MESSAGES, STS_NAMESPACE, TEST_ACCOUNT_ID, type TutorialUser } from '../iam-server/server.js';

let server: IamServer;
const clients = sdkClients(() => server);
let serial = 0;

/** A fresh tutorial user per test: codes and sessions of one test never meet another's. */
function tutorial(options: { device?: boolean } = {}): TutorialUser {
  return server.tutorialUser(`tutorial-${++serial}`, options);
}

/** The device's code at a server-clock time, from oathtool. */
function code(t: TutorialUser, serverMs = server.now()): string {
  return oathtoolTotp(t.device!.seedBase32, serverMs / 1000);
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

async function mfaSession(t: TutorialUser, durationSeconds?: number) {
  const out = await clients.sts(credentialsOf(t.key)).send(new GetSessionTokenCommand({
    SerialNumber: t.device!.serialNumber, TokenCode: code(t), ...(durationSeconds ? { DurationSeconds: durationSeconds } : {}),
  }));
  return out.Credentials!;
}

beforeAll(async () => {
  server = await IamServer.start();
});
afterEach(() => {
  server.setClockOffsetMs(0);
  clients.destroyAll();
});
afterAll(async () => {
  await server.close();
});

describe('GetSessionToken', () => {
  it('issues ASIA credentials with a token, 12 hours by default on the server clock, and counts the call', async () => {
    server.setClockOffsetMs(100_000);
    const t = tutorial();
    const before = server.count('GetSessionToken', { ok: true });
    const creds = await mfaSession(t);
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.SecretAccessKey).toHaveLength(40);
    expect(creds.SessionToken!.length).toBeGreaterThan(300);
    expect(Math.abs(creds.Expiration!.getTime() - (server.now() + 43_200_000))).toBeLessThan(5_000);
    expect(server.count('GetSessionToken', { ok: true }) - before).toBe(1);
    const [session] = server.sessions({ userName: t.userName });
    expect(session).toMatchObject({ kind: 'session', accessKeyId: creds.AccessKeyId, mfa: true, serialNumber: t.device!.serialNumber, durationSeconds: 43_200 });
    const last = server.calls('GetSessionToken').at(-1)!;
    expect(last).toMatchObject({ service: 'sts', userName: t.userName, principalArn: t.arn, params: { Version: '2011-06-15' } });
  });

  it('keeps DurationSeconds within 900..129,600 with AWS validation messages; the root user gets at most one hour', async () => {
    const t = tutorial({ device: false });
    const sts = clients.sts(credentialsOf(t.key));
    expect(await failure(sts.send(new GetSessionTokenCommand({ DurationSeconds: 899 })))).toMatchObject({
      name: 'ValidationError', status: 400,
      message: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
    expect((await failure(sts.send(new GetSessionTokenCommand({ DurationSeconds: 129_601 })))).message).toBe(
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    );
    for (const seconds of [900, 129_600]) {
      const out = await sts.send(new GetSessionTokenCommand({ DurationSeconds: seconds }));
      expect(Math.abs(out.Credentials!.Expiration!.getTime() - (server.now() + seconds * 1000))).toBeLessThan(5_000);
    }
    const root = clients.sts(credentialsOf(server.rootKey()));
    for (const [asked, got] of [[undefined, 3_600], [7_200, 3_600], [900, 900]] as const) {
      const out = await root.send(new GetSessionTokenCommand(asked ? { DurationSeconds: asked } : {}));
      expect(Math.abs(out.Credentials!.Expiration!.getTime() - (server.now() + got * 1000))).toBeLessThan(5_000);
    }
    const identity = await clients.sts(credentialsOf(server.sessions().at(-1)!)).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:root`, UserId: TEST_ACCOUNT_ID, Account: TEST_ACCOUNT_ID });
  });

  it('validates SerialNumber and TokenCode like AWS (length, pattern, both or neither)', async () => {
    const t = tutorial();
    const sts = clients.sts(credentialsOf(t.key));
    const serialNumber = t.device!.serialNumber;
    expect((await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: serialNumber, TokenCode: '12345' })))).message).toBe(
      "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
    );
    expect((await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: serialNumber, TokenCode: '12a456' })))).message).toBe(
      "1 validation error detected: Value '12a456' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
    );
    expect(await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: 'short', TokenCode: '1234567' })))).toMatchObject({
      name: 'ValidationError',
      message: "2 validation errors detected: Value 'short' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9; "
        + "Value '1234567' at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6",
    });
    expect(await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: serialNumber })))).toMatchObject({ name: 'AccessDenied', status: 403, message: STS_MESSAGES.serialAndCode });
  });

  it('refuses a code it already accepted, and any earlier one, with AWS message; the next step is accepted', async () => {
    const t = tutorial();
    const sts = clients.sts(credentialsOf(t.key));
    const now = server.now();
    const current = code(t, now);
    await sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: current }));
    const again = await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: current })));
    expect(again).toMatchObject({ name: 'AccessDenied', status: 403, message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.' });
    const refusedBefore = server.calls('GetSessionToken', { ok: false }).length;
    const next = code(t, now + 30_000);
    await sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: next }));
    // Now the step before it (still inside the ±1 window) is refused too.
    expect((await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: code(t, now - 30_000) })))).message)
      .toBe(STS_MESSAGES.invalidCode);
    expect(server.calls('GetSessionToken', { ok: false }).length - refusedBefore).toBe(1);
    expect(await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: code(t, now + 5 * 30_000) }))))
      .toMatchObject({ name: 'AccessDenied', message: STS_MESSAGES.invalidCode });
  });

  it('shares the reuse rule with EnableMFADevice and ResyncMFADevice', async () => {
    const t = tutorial({ device: false });
    const iam = clients.iam(credentialsOf(t.key));
    const created = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: t.userName }));
    const seed = Buffer.from(created.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    const serialNumber = created.VirtualMFADevice!.SerialNumber!;
    const now = server.now();
    const at = (ms: number) => oathtoolTotp(seed, ms / 1000);
    // A person's pair: the previous code and the current one.
    await iam.send(new EnableMFADeviceCommand({ UserName: t.userName, SerialNumber: serialNumber, AuthenticationCode1: at(now - 30_000), AuthenticationCode2: at(now) }));
    const sts = clients.sts(credentialsOf(t.key));
    expect((await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: serialNumber, TokenCode: at(now) })))).message).toBe(STS_MESSAGES.invalidCode);
    await sts.send(new GetSessionTokenCommand({ SerialNumber: serialNumber, TokenCode: at(now + 30_000) }));
    // A resync pair that overlaps the step STS just accepted is refused as an invalid code; a later one works.
    expect(await failure(iam.send(new ResyncMFADeviceCommand({ UserName: t.userName, SerialNumber: serialNumber, AuthenticationCode1: at(now), AuthenticationCode2: at(now + 30_000) }))))
      .toMatchObject({ name: 'InvalidAuthenticationCodeException', status: 403 });
    await iam.send(new ResyncMFADeviceCommand({ UserName: t.userName, SerialNumber: serialNumber, AuthenticationCode1: at(now + 60_000), AuthenticationCode2: at(now + 90_000) }));
    expect(server.device(serialNumber)?.lastUsedStep).toBe(Math.floor((now + 90_000) / 30_000));
  });

  it('refuses a serial that is not the caller\'s with AWS message', async () => {
    const t = tutorial();
    const other = tutorial();
    const sts = clients.sts(credentialsOf(t.key));
    for (const serialNumber of [other.device!.serialNumber, `arn:aws:iam::${TEST_ACCOUNT_ID}:mfa/nobody-has-this`]) {
      expect(await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: serialNumber, TokenCode: code(other) })))).toMatchObject({
        name: 'AccessDenied', status: 403,
        message: 'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.',
      });
    }
    // The other user's code was not consumed by those refusals.
    await clients.sts(credentialsOf(other.key)).send(new GetSessionTokenCommand({ SerialNumber: other.device!.serialNumber, TokenCode: code(other) }));
  });

  it('checks codes on its own clock: 100 s ahead, a code of the machine clock is refused and one of the server clock accepted', async () => {
    server.setClockOffsetMs(100_000);
    const t = tutorial();
    const sts = clients.sts(credentialsOf(t.key));
    const machine = code(t, Date.now());
    expect(machine).not.toBe(code(t));
    expect((await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: machine })))).message).toBe(STS_MESSAGES.invalidCode);
    const out = await sts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: code(t) }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    // The SDK learned the server's clock from the Date header.
    expect(Math.abs((sts.config.systemClockOffset ?? 0) - 100_000)).toBeLessThan(1_500);
  });

  it('refuses GetSessionToken from session credentials', async () => {
    const t = tutorial();
    const creds = await mfaSession(t);
    expect(await failure(clients.sts(credentialsOf(creds)).send(new GetSessionTokenCommand({}))))
      .toMatchObject({ name: 'AccessDenied', status: 403, message: 'Cannot call GetSessionToken with session credentials' });
    const federation = await signedQuery(server, 'sts', credentialsOf(creds), { Action: 'GetFederationToken', Version: '2011-06-15', Name: 'x' });
    expect(federation.status).toBe(403);
    expect(federation.body).toContain('<Message>Cannot call GetFederationToken with session credentials</Message>');
  });
});

describe('temporary credentials', () => {
  it('must carry their own X-Amz-Security-Token (header or query), and expire on the server clock', async () => {
    const t = tutorial();
    const creds = credentialsOf(await mfaSession(t, 900));
    const { sessionToken, ...withoutToken } = creds;
    expect(await failure(clients.sts(withoutToken).send(new GetCallerIdentityCommand({}))))
      .toMatchObject({ name: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' });
    expect(await failure(clients.sts({ ...creds, sessionToken: `${sessionToken!.slice(0, -4)}AAAA` }).send(new GetCallerIdentityCommand({}))))
      .toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await failure(clients.sts({ ...credentialsOf(t.key), sessionToken: sessionToken! }).send(new GetCallerIdentityCommand({}))))
      .toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect((await clients.sts(creds).send(new GetCallerIdentityCommand({}))).Arn).toBe(t.arn);
    const inQuery = await signedQuery(server, 'sts', creds, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, { tokenInQuery: true });
    expect(inQuery.status).toBe(200);
    expect(inQuery.body).toContain(`<Arn>${t.arn}</Arn>`);
    // 901 s later on the server's clock the 900-second session is over (the signature itself stays fresh: the SDK follows the clock).
    server.setClockOffsetMs(901_000);
    const expired = clients.sts(creds, { maxAttempts: 1 });
    expired.config.systemClockOffset = 901_000;
    expect(await failure(expired.send(new GetCallerIdentityCommand({}))))
      .toMatchObject({ name: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' });
  });

  it('work in presigned URLs (query-string SigV4 with the token in the query), until the URL expires', async () => {
    const t = tutorial();
    const creds = credentialsOf(await mfaSession(t));
    const ok = await presignedGet(server, 'sts', creds, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, 30);
    expect(ok.url).toContain('X-Amz-Security-Token=');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain(`<Arn>${t.arn}</Arn>`);
    const tampered = await fetch(ok.url.replace(/X-Amz-Security-Token=[^&]+/, 'X-Amz-Security-Token=forged'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    server.setClockOffsetMs(60_000);
    const late = await fetch(ok.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Message>Request has expired</Message>');
  });

  it('carry aws:MultiFactorAuthAge: a policy limiting it denies an old MFA session', async () => {
    const t = tutorial();
    server.attachUserPolicy(t.userName, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } }],
    });
    const session = credentialsOf(await mfaSession(t));
    expect((await describeInstancesRaw(server, session)).status).toBe(200);
    server.setClockOffsetMs(2 * 3_600_000);
    const old = await describeInstancesRaw(server, session, { signingDate: new Date(server.now()) });
    expect(old.status).toBe(403);
    expect(old.body).toContain('<Code>UnauthorizedOperation</Code>');
    // Long-term keys have no MultiFactorAuthAge at all: that Deny does not apply to them (Force_MFA's does).
    expect((await describeInstancesRaw(server, credentialsOf(t.key), { signingDate: new Date(server.now()) })).body).toContain('with an explicit deny');
  });

  it('answers errors in STS XML and in EC2 XML, each for its own service', async () => {
    const post = (body: string) => fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const sts = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(sts.status).toBe(403);
    expect(await sts.text()).toMatch(new RegExp(`^<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>[^<]+</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`));
    const ec2 = await post('Action=DescribeInstances&Version=2016-11-15');
    expect(ec2.status).toBe(401);
    expect(await ec2.text()).toMatch(/<Response><Errors><Error><Code>AuthFailure<\/Code><Message>AWS was not able to validate the provided access credentials<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  it('STS and EC2 answer for the region the client signs for; IAM only for us-east-1', async () => {
    const admin = server.adminUser(`region-admin-${++serial}`);
    const creds = credentialsOf(admin.key);
    expect((await clients.sts(creds, { region: 'eu-west-1' }).send(new GetCallerIdentityCommand({}))).Arn).toBe(admin.arn);
    expect((await describeInstancesRaw(server, creds, { region: 'ap-southeast-2' })).status).toBe(200);
    const iam = await signedQuery(server, 'iam', creds, { Action: 'GetUser', Version: '2010-05-08' }, { region: 'eu-west-1' });
    expect(iam.status).toBe(403);
    expect(iam.body).toContain('<Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a valid region. </Message>');
  });
});

describe('Force_MFA for a user of the EC2MFA group', () => {
  it('with long-term keys: only the listed actions; DeactivateMFADevice and DescribeInstances denied explicitly', async () => {
    const t = tutorial();
    const iam = clients.iam(credentialsOf(t.key));
    expect((await iam.send(new GetUserCommand({}))).User?.Arn).toBe(t.arn);
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices?.map((d) => d.SerialNumber)).toEqual([t.device!.serialNumber]);
    expect(await failure(iam.send(new DeactivateMFADeviceCommand({ UserName: t.userName, SerialNumber: t.device!.serialNumber })))).toMatchObject({
      name: 'AccessDenied', status: 403,
      message: `User: ${t.arn} is not authorized to perform: iam:DeactivateMFADevice on resource: ${t.arn} with an explicit deny in an identity-based policy`,
    });
    const ec2 = await describeInstancesRaw(server, credentialsOf(t.key));
    expect(ec2.status).toBe(403);
    expect(ec2.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>UnauthorizedOperation<\/Code><Message>You are not authorized to perform this operation\. User: [^<]+ is not authorized to perform: ec2:DescribeInstances on resource: \* with an explicit deny in an identity-based policy<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
    // GetCallerIdentity is never denied.
    expect((await clients.sts(credentialsOf(t.key)).send(new GetCallerIdentityCommand({}))).Arn).toBe(t.arn);
  });

  it('with an MFA session: DescribeInstances and DeactivateMFADevice allowed; DeleteVirtualMFADevice still denied (no Allow)', async () => {
    const t = tutorial();
    const session = credentialsOf(await mfaSession(t));
    const ec2 = await describeInstancesRaw(server, session);
    expect(ec2.status).toBe(200);
    expect(ec2.body).toContain('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(ec2.body).toContain('<instanceId>i-0123456789abcdef0</instanceId>');
    const iam = clients.iam(session);
    await iam.send(new DeactivateMFADeviceCommand({ UserName: t.userName, SerialNumber: t.device!.serialNumber }));
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);
    expect(await failure(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: t.device!.serialNumber })))).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${t.arn} is not authorized to perform: iam:DeleteVirtualMFADevice on resource: ${t.device!.serialNumber} because no identity-based policy allows the iam:DeleteVirtualMFADevice action`,
    });
    // An administrator (no Force_MFA) may delete it with long-term keys.
    const admin = server.adminUser(`admin-${++serial}`);
    await clients.iam(credentialsOf(admin.key)).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: t.device!.serialNumber }));
    expect(server.device(t.device!.serialNumber)).toBeUndefined();
  });

  it('a session without MFA: no IAM at all, and Force_MFA still denies EC2 (aws:MultiFactorAuthPresent false)', async () => {
    const t = tutorial();
    const out = await clients.sts(credentialsOf(t.key)).send(new GetSessionTokenCommand({}));
    const session = credentialsOf(out.Credentials!);
    expect(server.sessions({ userName: t.userName })[0]?.mfa).toBe(false);
    expect(await failure(clients.iam(session).send(new GetUserCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    const ec2 = await describeInstancesRaw(server, session);
    expect(ec2.status).toBe(403);
    expect(ec2.body).toContain('with an explicit deny in an identity-based policy');
    expect((await clients.sts(session).send(new GetCallerIdentityCommand({}))).Arn).toBe(t.arn);
  });
});

describe('AssumeRole', () => {
  const assume = (name: string) => ({ Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${name}` }] });

  it('returns role credentials whose caller is the assumed-role ARN; chaining is capped at one hour', async () => {
    const n = ++serial;
    const admin = server.adminUser(`role-admin-${n}`);
    const first = server.createRole({ name: `first-${n}`, maxSessionDuration: 43_200, policies: [assume(`second-${n}`)] });
    const second = server.createRole({ name: `second-${n}`, maxSessionDuration: 43_200 });
    const out = await clients.sts(credentialsOf(admin.key)).send(new AssumeRoleCommand({ RoleArn: first.arn, RoleSessionName: 'work', DurationSeconds: 7_200 }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(Math.abs(out.Credentials!.Expiration!.getTime() - (server.now() + 7_200_000))).toBeLessThan(5_000);
    expect(out.AssumedRoleUser).toEqual({ Arn: `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/first-${n}/work`, AssumedRoleId: `${first.roleId}:work` });
    const roleSts = clients.sts(credentialsOf(out.Credentials!));
    expect(await roleSts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/first-${n}/work`, UserId: `${first.roleId}:work` });
    expect(await failure(roleSts.send(new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 'chain', DurationSeconds: 3_601 })))).toMatchObject({
      name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    const chained = await roleSts.send(new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 'chain', DurationSeconds: 3_600 }));
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/second-${n}/chain`);
    expect(server.sessions({ kind: 'role' }).at(-1)).toMatchObject({ chained: true, sourceArn: `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/first-${n}/work` });
    // A role session may not call GetSessionToken.
    expect((await failure(roleSts.send(new GetSessionTokenCommand({})))).message).toBe(STS_MESSAGES.sessionCredentials);
  });

  it('role sessions call IAM under the role\'s policies, and must name the user', async () => {
    const n = ++serial;
    const admin = server.adminUser(`role-admin-${n}`);
    const role = server.createRole({ name: `auditor-${n}`, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:List*'], Resource: '*' }] }] });
    const out = await clients.sts(credentialsOf(admin.key)).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'audit' }));
    const iam = clients.iam(credentialsOf(out.Credentials!));
    const t = tutorial();
    const listed = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(listed.VirtualMFADevices?.map((d) => d.SerialNumber)).toContain(t.device!.serialNumber);
    expect(await failure(iam.send(new ListMFADevicesCommand({})))).toMatchObject({ name: 'ValidationError', message: 'Must specify userName when calling with non-User credentials' });
    expect((await failure(iam.send(new GetUserCommand({ UserName: t.userName })))).message)
      .toBe(`User: arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/auditor-${n}/audit is not authorized to perform: iam:GetUser on resource: ${t.arn} because no identity-based policy allows the iam:GetUser action`);
  });

  it('enforces the role\'s MaxSessionDuration, its ExternalId, and who may assume it', async () => {
    const n = ++serial;
    const admin = server.adminUser(`role-admin-${n}`);
    const role = server.createRole({ name: `partner-${n}`, externalId: 'ext-12345' });
    const sts = clients.sts(credentialsOf(admin.key));
    expect(await failure(sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1', ExternalId: 'ext-12345', DurationSeconds: 3_601 })))).toMatchObject({
      name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    const denied = `User: ${admin.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`;
    expect(await failure(sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1', ExternalId: 'wrong-id' })))).toMatchObject({ name: 'AccessDenied', status: 403, message: denied });
    expect((await failure(sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' })))).message).toBe(denied);
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1', ExternalId: 'ext-12345' }));
    expect(Math.abs(out.Credentials!.Expiration!.getTime() - (server.now() + 3_600_000))).toBeLessThan(5_000);
    // A user without sts:AssumeRole in its policies, and a missing role, get the same refusal.
    const t = tutorial();
    const session = credentialsOf(await mfaSession(t));
    const tutorialArn = t.arn;
    expect((await failure(clients.sts(session).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's2', ExternalId: 'ext-12345' })))).message)
      .toBe(`User: ${tutorialArn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`);
    expect((await failure(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/missing`, RoleSessionName: 's3' })))).message)
      .toBe(`User: ${admin.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${TEST_ACCOUNT_ID}:role/missing`);
    expect((await failure(sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'x' })))).message)
      .toBe("1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
  });

  it('an MFA trust policy: refused without a code, accepted with one or from an MFA session; Force_MFA denies it from long-term keys without a code', async () => {
    const n = ++serial;
    const role = server.createRole({ name: `mfa-role-${n}`, requireMfa: true });
    const t = tutorial();
    server.attachUserPolicy(t.userName, assume(role.name));
    const admin = server.adminUser(`role-admin-${n}`);
    const adminDevice = server.seedDevice(`admin-device-${n}`, { userName: admin.userName });
    const adminSts = clients.sts(credentialsOf(admin.key));
    const refused = `User: ${admin.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`;
    expect((await failure(adminSts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'no-mfa' })))).message).toBe(refused);
    const out = await adminSts.send(new AssumeRoleCommand({
      RoleArn: role.arn, RoleSessionName: 'with-mfa', SerialNumber: adminDevice.serialNumber, TokenCode: oathtoolTotp(adminDevice.seedBase32, server.now() / 1000),
    }));
    expect(server.sessions({ kind: 'role' }).at(-1)).toMatchObject({ accessKeyId: out.Credentials!.AccessKeyId, mfa: true, serialNumber: adminDevice.serialNumber });
    // The tutorial user's long-term keys: without a code Force_MFA's Deny applies (no MFA context)...
    const tutorialSts = clients.sts(credentialsOf(t.key));
    expect((await failure(tutorialSts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'direct' })))).message)
      .toBe(`User: ${t.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn} with an explicit deny in an identity-based policy`);
    // ...with one, the call's MFA context satisfies both the Deny and the trust policy (the aws-vault pattern).
    const now = server.now();
    const direct = await tutorialSts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'direct', SerialNumber: t.device!.serialNumber, TokenCode: code(t, now) }));
    expect(direct.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/mfa-role-${n}/direct`);
    // Or an MFA session first (next step's code: the first one is used), whose MFA AssumeRole carries to the trust policy.
    const session = credentialsOf((await tutorialSts.send(new GetSessionTokenCommand({ SerialNumber: t.device!.serialNumber, TokenCode: code(t, now + 30_000) }))).Credentials!);
    const viaSession = await clients.sts(session).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'via-session' }));
    expect(viaSession.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/mfa-role-${n}/via-session`);
    expect(server.sessions({ kind: 'role' }).at(-1)).toMatchObject({ mfa: true, chained: false, userName: t.userName });
  });
});
