/**
 * core/iam flows over a fake IamPort (codes checked with the test server's own TOTP, not core/otp)
 * and the real Vault over in-memory stores. Time is fake: sleep() advances the clock.
 */
import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { freshCodePair } from '../../core/iam/codes.js';
import {
  cleanupPendingEnrollment, enrollVirtualMfaDevice, finishPendingEnrollment, linkAccount, listDevices, pendingEnrollments, resyncDevice,
  type FlowDeps, type FlowEvent,
} from '../../core/iam/flows.js';
import { AWS_ERRORS } from '../../core/iam/port.js';
import { FakeClock, FakeIam } from '../helpers/iam-fake.js';
import { openTestVault } from '../helpers/vault-doubles.js';
import { base32Decode, hotp6 } from '../iam-server/totp.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/laptop';

async function setup(options: { awsOffsetMs?: number; localMs?: number } = {}) {
  // 10 s into a step on the local clock, by default.
  const clock = new FakeClock(options.localMs ?? 1_700_000_020_000);
  const iam = new FakeIam(clock, options.awsOffsetMs ?? 0);
  const { vault, secrets } = await openTestVault();
  const events: FlowEvent[] = [];
  const sleeps: number[] = [];
  let enableSawPending = false;
  const deps: FlowDeps = {
    iam, vault, clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.ms += ms;
    },
    onProgress: (e) => {
      events.push(e);
      if (e.step === 'enable' && e.state === 'running') enableSawPending = true;
    },
  };
  return { clock, iam, vault, secrets, deps, events, sleeps, enableSawPending: () => enableSawPending };
}

async function rejected(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!isAuthdeskError(error)) throw error;
    return error;
  }
  throw new Error('expected a rejection');
}

describe('code pairs on AWS clock', () => {
  it('waits past a step boundary that is too close, and never reuses a step', async () => {
    const clock = new FakeClock(1_700_000_038_500); // 1.5 s before a step ends (1_700_000_010_000 starts a step)
    const waits: Array<[number, string]> = [];
    const deps = { iam: { serverClockOffsetMs: () => 0 }, clock, sleep: async (ms: number) => void (clock.ms += ms), onWait: (ms: number, why: string) => waits.push([ms, why]) };
    const steps: number[] = [];
    const codeAt = async (t: number) => (steps.push(Math.floor(t / 30_000)), 'x');
    const first = await freshCodePair(codeAt, 'previous-current', Number.NEGATIVE_INFINITY, deps);
    expect(waits).toEqual([[2_500, 'boundary']]);
    const step = Math.floor(1_700_000_041_000 / 30_000);
    expect(first.step).toBe(step - 1);
    expect(steps).toEqual([step - 1, step]);
    const second = await freshCodePair(codeAt, 'current-next', first.step + 2, deps);
    expect(second.step).toBe(step + 1);
    expect(waits[1]?.[1]).toBe('fresh-step');
  });
});

describe('enroll', () => {
  it.each([90_000, -90_000, 0])('enables with codes on AWS clock (offset %i ms), after storing the seed as pending', async (offset) => {
    const t = await setup({ awsOffsetMs: offset });
    const result = await enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps);
    expect(result).toMatchObject({ serialNumber: SERIAL, userName: 'alice', accountId: '123456789012' });
    expect(result.account).toMatchObject({ status: 'active', issuer: 'Amazon Web Services', label: 'laptop@123456789012', awsSerial: SERIAL, awsUser: 'alice' });
    const device = t.iam.devices.get(SERIAL)!;
    expect(device.userName).toBe('alice');
    expect(await t.vault.revealSecret(result.account.id)).toBe(device.seed);
    expect(t.iam.calls).toEqual(['GetUser', 'ListMFADevices', 'CreateVirtualMFADevice', 'EnableMFADevice']);
    const steps = t.events.map((e) => `${e.step}:${e.state}`);
    expect(steps.indexOf('store:done')).toBeLessThan(steps.indexOf('enable:running'));
    // Enabled with previous+current on AWS's clock.
    expect(t.iam.pairSteps).toEqual([Math.floor((t.clock.ms + offset) / 30_000) - 1]);
  });

  it('re-measures the clock after InvalidAuthenticationCode and retries once with fresh steps', async () => {
    const t = await setup({ awsOffsetMs: 90_000 });
    t.iam.failures.set('EnableMFADevice', [AWS_ERRORS.INVALID_CODE]);
    const result = await enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps);
    expect(result.account.status).toBe('active');
    expect(t.iam.calls).toEqual(['GetUser', 'ListMFADevices', 'CreateVirtualMFADevice', 'EnableMFADevice', 'GetUser', 'EnableMFADevice']);
    const [first, second] = t.iam.pairSteps;
    // The first attempt sent steps first and first+1; the retry starts after them.
    expect(second! - first!).toBeGreaterThanOrEqual(2);
    expect(t.sleeps.length).toBe(1);
  });

  it('leaves the account pending with its seed and the choices after two refusals', async () => {
    const t = await setup();
    t.iam.window = { from: 50, to: 50 }; // AWS accepts nothing we send
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    expect(error.code).toBe(AWS_ERRORS.INVALID_CODE);
    expect(error.details).toMatchObject({ pending: true, serialNumber: SERIAL, userName: 'alice', choices: ['retry', 'delete-device', 'keep'] });
    expect(error.message).toContain('nothing is lost');
    const pending = await pendingEnrollments(t.vault);
    expect(pending.map((a) => a.awsSerial)).toEqual([SERIAL]);
    expect(await t.vault.revealSecret(pending[0]!.id)).toBe(t.iam.devices.get(SERIAL)!.seed);
    // Later: finish with AWS accepting again.
    t.iam.window = { from: -1, to: 0 };
    const finished = await finishPendingEnrollment(pending[0]!.id, t.deps);
    expect(finished.account.status).toBe('active');
    expect(finished.alreadyEnabled).toBeUndefined();
  });

  it('reports EntityAlreadyExists of an unassigned device with its choices, and replaces it on request', async () => {
    const t = await setup();
    t.iam.devices.set(SERIAL, { serialNumber: SERIAL, seed: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' });
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    expect(error.code).toBe('AWS_DEVICE_NAME_TAKEN');
    expect(error.details).toMatchObject({ serialNumber: SERIAL, assigned: false, choices: ['delete-and-retry', 'rename'] });
    expect(await t.vault.list()).toEqual([]);
    const result = await enrollVirtualMfaDevice({ deviceName: 'laptop', replaceUnassigned: true }, t.deps);
    expect(result.account.status).toBe('active');
    expect(t.iam.devices.get(SERIAL)!.seed).not.toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(t.iam.calls.filter((c) => c === 'DeleteVirtualMFADevice')).toHaveLength(1);
  });

  it('refuses a name in use by another user, and never deletes an assigned device', async () => {
    const t = await setup();
    t.iam.devices.set(SERIAL, { serialNumber: SERIAL, seed: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', userName: 'bob' });
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop', replaceUnassigned: true }, t.deps));
    expect(error).toMatchObject({ code: 'AWS_DEVICE_NAME_IN_USE', details: { assignedTo: 'bob' } });
    expect(t.iam.calls).not.toContain('DeleteVirtualMFADevice');
  });

  it('says LimitExceeded before creating anything when the user has 8 devices', async () => {
    const t = await setup();
    for (let i = 0; i < 8; i++) t.iam.devices.set(`${SERIAL}${i}`, { serialNumber: `${SERIAL}${i}`, seed: 'A', userName: 'alice' });
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    expect(error.code).toBe(AWS_ERRORS.LIMIT_EXCEEDED);
    expect((error.details?.devices as string[]).length).toBe(8);
    expect(t.iam.calls).not.toContain('CreateVirtualMFADevice');
  });

  it.each([AWS_ERRORS.ACCESS_DENIED, AWS_ERRORS.NETWORK, AWS_ERRORS.THROTTLED, AWS_ERRORS.EXPIRED_CREDENTIALS])('keeps the seed pending when Enable fails with %s', async (code) => {
    const t = await setup();
    t.iam.failures.set('EnableMFADevice', [code]);
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ pending: true, choices: ['retry', 'delete-device', 'keep'] });
    expect((await pendingEnrollments(t.vault)).length).toBe(1);
  });

  it('asks AWS after a lost answer: an Enable that went through is active, not pending', async () => {
    const t = await setup();
    t.iam.applyThenFail.add('EnableMFADevice');
    const result = await enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps);
    expect(result).toMatchObject({ alreadyEnabled: true, account: { status: 'active' } });
  });

  it('deletes the new device again when the seed cannot be saved, so nothing dangles', async () => {
    const t = await setup();
    t.secrets.failSetAt = 1;
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    expect(error).toMatchObject({ code: 'AWS_ENROLL_NOT_SAVED', details: { deviceDeleted: true } });
    expect(t.iam.devices.has(SERIAL)).toBe(false);
  });

  it('refuses to start over a pending enrollment of the same device', async () => {
    const t = await setup();
    t.iam.window = { from: 50, to: 50 };
    await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps));
    expect(error.code).toBe('AWS_ENROLL_ALREADY_PENDING');
  });

  it('names a missing user plainly', async () => {
    const t = await setup();
    const error = await rejected(enrollVirtualMfaDevice({ deviceName: 'laptop', userName: 'nobody' }, t.deps));
    expect(error.code).toBe(AWS_ERRORS.NO_SUCH_ENTITY);
    expect(error.message).toContain('"nobody"');
  });
});

describe('after a crash between Create and Enable', () => {
  async function crashed() {
    const t = await setup({ awsOffsetMs: -90_000 });
    const created = await t.iam.createVirtualMfaDevice('laptop', '/');
    const account = await t.vault.add({
      type: 'totp', issuer: 'Amazon Web Services', label: 'laptop@123456789012', secret: created.base32Seed,
      algorithm: 'SHA1', digits: 6, period: 30, awsSerial: SERIAL, awsUser: 'alice', status: 'pending',
    });
    t.iam.calls.length = 0;
    return { ...t, account };
  }

  it('finish enables an unassigned device with fresh codes', async () => {
    const t = await crashed();
    const result = await finishPendingEnrollment(t.account.id, t.deps);
    expect(result.account.status).toBe('active');
    expect(t.iam.calls).toEqual(['GetUser', 'ListVirtualMFADevices', 'EnableMFADevice']);
  });

  it('finish marks active a device AWS had already enabled', async () => {
    const t = await crashed();
    t.iam.devices.get(SERIAL)!.userName = 'alice';
    const result = await finishPendingEnrollment(t.account.id, t.deps);
    expect(result).toMatchObject({ alreadyEnabled: true, account: { status: 'active' } });
    expect(t.iam.calls).not.toContain('EnableMFADevice');
  });

  it('finish explains a device deleted meanwhile', async () => {
    const t = await crashed();
    t.iam.devices.delete(SERIAL);
    expect(await rejected(finishPendingEnrollment(t.account.id, t.deps))).toMatchObject({ code: 'AWS_PENDING_DEVICE_GONE', details: { choices: ['remove-local'] } });
  });

  it('cleanup deletes the device on AWS and then the pending account', async () => {
    const t = await crashed();
    expect(await cleanupPendingEnrollment(t.account.id, t.deps)).toEqual({ deviceDeleted: true });
    expect(t.iam.devices.has(SERIAL)).toBe(false);
    expect(await t.vault.list()).toEqual([]);
  });

  it('cleanup refuses when AWS already enabled the device, and keeps the seed when the delete fails', async () => {
    const t = await crashed();
    t.iam.failures.set('DeleteVirtualMFADevice', [AWS_ERRORS.ACCESS_DENIED]);
    expect((await rejected(cleanupPendingEnrollment(t.account.id, t.deps))).code).toBe(AWS_ERRORS.ACCESS_DENIED);
    expect((await t.vault.list()).length).toBe(1);
    t.iam.devices.get(SERIAL)!.userName = 'alice';
    expect((await rejected(cleanupPendingEnrollment(t.account.id, t.deps))).code).toBe('AWS_PENDING_ALREADY_ENABLED');
    expect((await t.vault.list()).length).toBe(1);
  });
});

describe('resync, link, list', () => {
  it('resyncs with codes on AWS clock after the clock moved', async () => {
    const t = await setup({ awsOffsetMs: 0 });
    const { account } = await enrollVirtualMfaDevice({ deviceName: 'laptop' }, t.deps);
    t.iam.awsOffsetMs = 120_000;
    const result = await resyncDevice(account.id, t.deps);
    expect(result).toMatchObject({ userName: 'alice', attempts: 1 });
    const seed = base32Decode(t.iam.devices.get(SERIAL)!.seed);
    const step = t.iam.pairSteps.at(-1)!;
    expect(step).toBe(Math.floor((t.clock.ms + 120_000) / 30_000) - 1);
    expect(hotp6(seed, step)).toMatch(/^\d{6}$/);
  });

  it('refuses to resync an account without a serial', async () => {
    const t = await setup();
    const plain = await t.vault.add({ type: 'totp', issuer: 'X', label: 'y', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA1', digits: 6, period: 30 });
    expect((await rejected(resyncDevice(plain.id, t.deps))).code).toBe('AWS_NOT_LINKED');
    expect((await rejected(linkAccount(t.vault, plain.id, 'arn:aws:iam::123456789012:user/alice'))).code).toBe('AWS_SERIAL_IS_USER_ARN');
    const linked = await linkAccount(t.vault, plain.id, SERIAL, 'alice');
    expect(linked).toMatchObject({ awsSerial: SERIAL, awsUser: 'alice' });
    const rows = await listDevices(t.deps, { unassigned: true });
    expect(rows).toEqual([]);
  });
});
