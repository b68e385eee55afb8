/**
 * The test IAM server's fidelity, checked through the real @aws-sdk/client-iam and raw HTTP,
 * with Debian's oathtool (not the server's own code arithmetic) as the oracle for codes.
 */
import {
  CreateVirtualMFADeviceCommand, DeactivateMFADeviceCommand, DeleteVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GetUserCommand, IAMClient, ListMFADevicesCommand, ListVirtualMFADevicesCommand, ResyncMFADeviceCommand,
} from '@aws-sdk/client-iam';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp } from '../helpers/cli.js';
import { IAM_NAMESPACE, IamServer, TEST_ACCOUNT_ID, TEST_KEYS, type TestKey } from '../iam-server/server.js';

let server: IamServer;
const clients: IAMClient[] = [];

function client(key: TestKey = TEST_KEYS.alice, overrides: { secretAccessKey?: string; maxAttempts?: number } = {}): IAMClient {
  const c = new IAMClient({
    region: 'us-east-1',
    endpoint: server.url,
    maxAttempts: overrides.maxAttempts ?? 3,
    credentials: {
      accessKeyId: key.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? key.secretAccessKey,
      ...(key.sessionToken ? { sessionToken: key.sessionToken } : {}),
    },
  });
  clients.push(c);
  return c;
}

/** Two consecutive codes from oathtool at a server-clock time. */
function pairAt(seed: string, serverMs: number): [string, string] {
  return [oathtoolTotp(seed, serverMs / 1000), oathtoolTotp(seed, serverMs / 1000 + 30)];
}

async function fault(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; fault: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
    return { name: e.name, status: e.$metadata?.httpStatusCode, fault: e.$fault, message: e.message };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await IamServer.start();
});
afterEach(() => {
  server.setClockOffsetMs(0);
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  await server.close();
});

describe('IAM-compatible server', () => {
  it('answers GetUser for the caller, with the Query protocol and IAM XML', async () => {
    const out = await client().send(new GetUserCommand({}));
    expect(out.User?.UserName).toBe('alice');
    expect(out.User?.Arn).toBe(`arn:aws:iam::${TEST_ACCOUNT_ID}:user/alice`);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const last = server.requests.at(-1)!;
    expect(last.params).toMatchObject({ Action: 'GetUser', Version: '2010-05-08' });
    const bob = await client().send(new GetUserCommand({ UserName: 'bob' }));
    expect(bob.User?.Arn).toBe(`arn:aws:iam::${TEST_ACCOUNT_ID}:user/staff/bob`);
  });

  it('rejects unsigned requests with an ErrorResponse document, and sends Date from its own clock', async () => {
    server.setClockOffsetMs(3_600_000);
    const response = await fetch(server.url, { method: 'POST', body: 'Action=GetUser&Version=2010-05-08', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toMatch(new RegExp(`^<ErrorResponse xmlns="${IAM_NAMESPACE}"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>[^<]+</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`));
    const date = Date.parse(response.headers.get('date') ?? '');
    expect(Math.abs(date - (Date.now() + 3_600_000))).toBeLessThan(2_000);
  });

  it('verifies SigV4: a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId, an expired session ExpiredToken', async () => {
    expect(await fault(client(TEST_KEYS.alice, { secretAccessKey: 'wrong-secret' }).send(new GetUserCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403, fault: 'client' });
    expect(await fault(client({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x', userName: 'alice' }).send(new GetUserCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await fault(client(TEST_KEYS.carolExpired).send(new GetUserCommand({})))).toMatchObject({ name: 'ExpiredToken', status: 403 });
    const { sessionToken: _dropped, ...withoutToken } = TEST_KEYS.daveSession;
    expect(await fault(client(withoutToken).send(new GetUserCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect((await client(TEST_KEYS.daveSession).send(new GetUserCommand({}))).User?.UserName).toBe('dave');
  });

  it('lets the SDK learn its clock offset from the Date header, 90 s ahead and behind', async () => {
    for (const offset of [90_000, -90_000]) {
      server.setClockOffsetMs(offset);
      const c = client();
      await c.send(new GetUserCommand({}));
      expect(Math.abs((c.config.systemClockOffset ?? 0) - offset)).toBeLessThan(1_500);
    }
  });

  it('issues a seed as base64 of the 64-character base32 text and a real QR PNG of the otpauth URI', async () => {
    const out = await client().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'qr-check', Path: '/team/' }));
    const device = out.VirtualMFADevice!;
    expect(device.SerialNumber).toBe(`arn:aws:iam::${TEST_ACCOUNT_ID}:mfa/team/qr-check`);
    const seed = Buffer.from(device.Base32StringSeed!).toString('ascii');
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);
    const png = Buffer.from(device.QRCodePNG!);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const qr = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height, { inversionAttempts: 'dontInvert' });
    expect(qr?.data).toBe(`otpauth://totp/Amazon%20Web%20Services:qr-check@${TEST_ACCOUNT_ID}?secret=${seed}&issuer=Amazon%20Web%20Services`);
    expect(server.codeAt(device.SerialNumber!)).toBe(oathtoolTotp(seed, server.now() / 1000));
    expect(await fault(client().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'qr-check', Path: '/team/' })))).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    expect(await fault(client().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bad name!' })))).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('enables with two consecutive codes on its own clock, lists, refuses deleting an assigned device, deactivates and deletes', async () => {
    server.setClockOffsetMs(-90_000);
    const c = client();
    const created = await c.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'lifecycle' }));
    const serial = created.VirtualMFADevice!.SerialNumber!;
    const seed = Buffer.from(created.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    // Codes on the machine's clock are three steps ahead of the server's: refused.
    expect(await fault(c.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: pairAt(seed, Date.now())[0], AuthenticationCode2: pairAt(seed, Date.now())[1] }))))
      .toMatchObject({ name: 'InvalidAuthenticationCodeException', status: 403 });
    const [c1, c2] = pairAt(seed, server.now());
    await c.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    expect(server.device(serial)?.driftSteps).toBe(0);
    expect(server.verifySignIn(serial, oathtoolTotp(seed, server.now() / 1000))).toBe(true);
    const mine = await c.send(new ListMFADevicesCommand({}));
    expect(mine.MFADevices?.map((d) => d.SerialNumber)).toContain(serial);
    const assigned = await c.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    const entry = assigned.VirtualMFADevices?.find((d) => d.SerialNumber === serial);
    expect(entry?.User?.UserName).toBe('alice');
    expect(entry?.EnableDate).toBeInstanceOf(Date);
    const unassigned = await c.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices?.some((d) => d.SerialNumber === serial)).toBe(false);
    expect(await fault(c.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: c1, AuthenticationCode2: c2 })))).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    expect(await fault(c.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })))).toMatchObject({ name: 'DeleteConflictException', status: 409 });
    await c.send(new DeactivateMFADeviceCommand({ UserName: 'alice', SerialNumber: serial }));
    expect(await fault(c.send(new DeactivateMFADeviceCommand({ UserName: 'alice', SerialNumber: serial })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    await c.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
    expect(await fault(c.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('accepts late codes but leaves the device out of sync until a resync', async () => {
    const c = client();
    const created = await c.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'late' }));
    const serial = created.VirtualMFADevice!.SerialNumber!;
    const seed = Buffer.from(created.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    const [l1, l2] = pairAt(seed, server.now() - 4 * 60_000);
    await c.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: l1, AuthenticationCode2: l2 }));
    expect(server.device(serial)?.driftSteps).toBeLessThan(-1);
    expect(server.verifySignIn(serial, oathtoolTotp(seed, server.now() / 1000))).toBe(false);
    expect(await fault(c.send(new ResyncMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: '000000', AuthenticationCode2: '000000' }))))
      .toMatchObject({ name: 'InvalidAuthenticationCodeException', status: 403 });
    const [r1, r2] = pairAt(seed, server.now());
    await c.send(new ResyncMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: r1, AuthenticationCode2: r2 }));
    expect(server.verifySignIn(serial, oathtoolTotp(seed, server.now() / 1000))).toBe(true);
    expect(await fault(c.send(new ResyncMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: r1, AuthenticationCode2: r2 })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('limits a user to 8 MFA devices', async () => {
    for (let i = 0; i < 8; i++) server.seedDevice(`carol-${i}`, { userName: 'carol' });
    const c = client();
    const created = await c.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'carol-9' }));
    const seed = Buffer.from(created.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    const [c1, c2] = pairAt(seed, server.now());
    expect(await fault(c.send(new EnableMFADeviceCommand({ UserName: 'carol', SerialNumber: created.VirtualMFADevice!.SerialNumber!, AuthenticationCode1: c1, AuthenticationCode2: c2 }))))
      .toMatchObject({ name: 'LimitExceededException', status: 409, message: 'Cannot exceed quota for MFADevicesPerUser: 8' });
    const listed = await c.send(new ListMFADevicesCommand({ UserName: 'carol', MaxItems: 5 }));
    expect(listed.IsTruncated).toBe(true);
    const rest = await c.send(new ListMFADevicesCommand({ UserName: 'carol', Marker: listed.Marker! }));
    expect((listed.MFADevices?.length ?? 0) + (rest.MFADevices?.length ?? 0)).toBe(8);
  });

  it('denies a user without permission, and reports missing users', async () => {
    const denied = await fault(client(TEST_KEYS.bob).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bobs' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('is not authorized to perform: iam:CreateVirtualMFADevice');
    expect((await client(TEST_KEYS.bob).send(new GetUserCommand({}))).User?.UserName).toBe('bob');
    expect(await fault(client().send(new GetUserCommand({ UserName: 'nobody' })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('throttles on demand: the SDK retries a single Throttling and surfaces a persistent one', async () => {
    server.throttle(1, 'GetUser');
    const before = server.count('GetUser');
    await client().send(new GetUserCommand({}));
    expect(server.count('GetUser') - before).toBe(2);
    server.throttle(2, 'GetUser');
    expect(await fault(client(TEST_KEYS.alice, { maxAttempts: 2 }).send(new GetUserCommand({})))).toMatchObject({ name: 'Throttling', status: 400 });
  });

  it('holds a request until released, and drops it unprocessed when the client goes away', async () => {
    server.hold('CreateVirtualMFADevice');
    const abort = new AbortController();
    const held = new Promise((resolve) => server.events.once('held', resolve));
    const dropped = new Promise((resolve) => server.events.once('dropped', resolve));
    const call = client().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'held' }), { abortSignal: abort.signal });
    await held;
    abort.abort();
    await expect(call).rejects.toThrow();
    await dropped;
    expect(server.allDevices().some((d) => d.name === 'held')).toBe(false);
    const second = client().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'held' }));
    await new Promise((resolve) => server.events.once('held', resolve));
    server.release('CreateVirtualMFADevice');
    expect((await second).VirtualMFADevice?.SerialNumber).toBe(`arn:aws:iam::${TEST_ACCOUNT_ID}:mfa/held`);
  });
});
