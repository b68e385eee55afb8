/**
 * The `aws` IPC area: request schemas (electron/ipc/channels/aws.ts) and main's handlers
 * (electron/main/handlers/aws.ts) over the fake IamPort and the real Vault on in-memory stores.
 */
import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { aws, type AwsProgress } from '../../electron/ipc/channels/aws.js';
import { createAwsHandlers } from '../../electron/main/handlers/aws.js';
import { FakeClock, FakeIam } from '../helpers/iam-fake.js';
import { oathTotp, openTestVault } from '../helpers/vault-doubles.js';

async function setup() {
  const clock = new FakeClock(1_700_000_020_000);
  const iam = new FakeIam(clock, 90_000);
  const { vault } = await openTestVault({ nowMs: clock.ms });
  const progress: AwsProgress[] = [];
  let changed = 0;
  const profilesAsked: Array<string | undefined> = [];
  const handlers = createAwsHandlers({
    vault,
    emitProgress: (p) => progress.push(p),
    emitAccountsChanged: () => void changed++,
    createPort: async (profile) => {
      profilesAsked.push(profile);
      return Object.assign(iam, { destroy: () => undefined });
    },
    listProfiles: async () => [{ name: 'default', kind: 'static-keys' }],
    sleep: async (ms) => void (clock.ms += ms),
    now: () => clock.ms,
  });
  return { clock, iam, vault, handlers, progress, changed: () => changed, profilesAsked };
}

describe('aws IPC area', () => {
  it('validates requests: exact keys, names and ids', () => {
    const enroll = aws.channels.enroll.request;
    expect(enroll.parse({ operationId: 'op1', deviceName: 'laptop' })).toEqual({ operationId: 'op1', deviceName: 'laptop' });
    for (const bad of [{ operationId: 'op1' }, { operationId: 'op 1', deviceName: 'x' }, { operationId: 'op1', deviceName: 'x', status: 'active' }, { operationId: 'op1', deviceName: 'x', profile: 'a b' }]) {
      expect(() => enroll.parse(bad)).toThrow(/Invalid request/);
    }
    expect(() => aws.channels.consolePair.request.parse({ id: '../x y' })).toThrow(/account id/);
  });

  it('enroll reports each step with the operation id, uses the settings profile, and says the list changed', async () => {
    const t = await setup();
    await t.vault.updateSettings({ awsProfile: 'work' });
    const view = await t.handlers.enroll({ operationId: 'op7', deviceName: 'laptop' });
    expect(view).toMatchObject({ serialNumber: 'arn:aws:iam::123456789012:mfa/laptop', userName: 'alice', alreadyEnabled: false, account: { status: 'active' } });
    expect(t.profilesAsked).toEqual(['work']);
    expect(new Set(t.progress.map((p) => p.operationId))).toEqual(new Set(['op7']));
    expect(t.progress.map((p) => `${p.event.step}:${p.event.state}`)).toEqual(expect.arrayContaining(['identify:done', 'create:done', 'store:done', 'enable:done', 'activate:done']));
    expect(t.changed()).toBe(1);
    expect(JSON.stringify(view)).not.toContain(t.iam.devices.get(view.serialNumber)!.seed);
  });

  it('a failed enroll leaves a pending account, finish completes it; the list is refreshed both times', async () => {
    const t = await setup();
    t.iam.window = { from: 50, to: 50 };
    let error: unknown;
    await Promise.resolve(t.handlers.enroll({ operationId: 'a', deviceName: 'laptop' })).catch((e: unknown) => (error = e));
    expect(isAuthdeskError(error, 'AWS_INVALID_CODE')).toBe(true);
    const [pending] = await t.handlers.pending();
    expect(pending?.status).toBe('pending');
    t.iam.window = { from: -1, to: 0 };
    expect((await t.handlers.finish({ operationId: 'b', id: pending!.id })).account.status).toBe('active');
    expect(t.changed()).toBe(2);
  });

  it('consolePair: code 1 and code 2 on the corrected clock, with validity', async () => {
    const t = await setup();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const account = await t.vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'console@123456789012', secret, algorithm: 'SHA1', digits: 6, period: 30 });
    const pair = await t.handlers.consolePair({ id: account.id });
    const seconds = Math.floor(t.clock.ms / 1000);
    expect(pair).toEqual({
      code1: oathTotp(secret, seconds), code2: oathTotp(secret, seconds + 30),
      code1ValidUntil: (Math.floor(t.clock.ms / 30_000) + 1) * 30_000, code2ValidUntil: (Math.floor(t.clock.ms / 30_000) + 2) * 30_000, now: t.clock.ms,
    });
  });

  it('whoami, profiles, devices, link', async () => {
    const t = await setup();
    expect(await t.handlers.whoami({})).toEqual({ userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', clockOffsetMs: 90_000 });
    expect(await t.handlers.profiles()).toEqual([{ name: 'default', kind: 'static-keys' }]);
    t.iam.devices.set('arn:aws:iam::123456789012:mfa/left', { serialNumber: 'arn:aws:iam::123456789012:mfa/left', seed: 'A' });
    expect(await t.handlers.devices({ unassigned: true })).toEqual([{ serialNumber: 'arn:aws:iam::123456789012:mfa/left', assigned: false }]);
    await t.handlers.deleteDevice({ serial: 'arn:aws:iam::123456789012:mfa/left' });
    expect(t.iam.devices.size).toBe(0);
    const account = await t.vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'x', secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30 });
    await expect(t.handlers.link({ id: account.id, serial: 'arn:aws:iam::123456789012:user/alice' })).rejects.toMatchObject({ code: 'AWS_SERIAL_IS_USER_ARN' });
    expect((await t.handlers.link({ id: account.id, serial: 'arn:aws:iam::123456789012:mfa/x' })).awsSerial).toBe('arn:aws:iam::123456789012:mfa/x');
  });
});
