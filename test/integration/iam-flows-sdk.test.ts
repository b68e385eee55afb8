/**
 * core/iam flows over node/aws (the real @aws-sdk/client-iam) against test/iam-server, with a
 * skewed server clock (vault doubles here; the CLI tests use the real keychain). The wrong-codes
 * case waits for fresh steps (up to 30 s) by design: a code is never sent twice.
 */
import { describe, expect, it } from 'vitest';
import { cleanupPendingEnrollment, enrollVirtualMfaDevice, pendingEnrollments, resyncDevice, type FlowDeps } from '../../core/iam/flows.js';
import { AWS_ERRORS } from '../../core/iam/port.js';
import type { SdkIamPort } from '../../node/aws/iam-client.js';
import { iamSdkFixture } from '../helpers/iam-env.js';
import { openTestVault } from '../helpers/vault-doubles.js';
import { TEST_KEYS } from '../iam-server/server.js';

const fx = iamSdkFixture();
const { withKey, failure } = fx;

function deps(iam: SdkIamPort, vault: FlowDeps['vault']): FlowDeps {
  return { iam, vault, clock: { now: () => Date.now() }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
}

describe('flows over the SDK', () => {
  it.each([90_000, -90_000])('enrolls with the server clock %i ms off, codes accepted and in sync; resyncs after a jump', async (offset) => {
    fx.server.setClockOffsetMs(offset);
    const { vault } = await openTestVault();
    await withKey(TEST_KEYS.alice, async (p) => {
      const name = `skew${offset > 0 ? 'ahead' : 'behind'}`;
      const result = await enrollVirtualMfaDevice({ deviceName: name }, deps(p, vault));
      const device = fx.server.device(result.serialNumber)!;
      expect(device.userName).toBe('alice');
      expect(device.driftSteps).toBe(0);
      expect(await vault.revealSecret(result.account.id)).toBe(device.seedBase32);
      // A sign-in with Authdesk's code on AWS's clock is accepted.
      expect(fx.server.verifySignIn(result.serialNumber, (await vault.code(result.account.id, Date.now() + p.serverClockOffsetMs())).code)).toBe(true);
      // The server's clock jumps by 4 minutes: resync still uses AWS's clock.
      fx.server.setClockOffsetMs(offset + 240_000);
      const resynced = await resyncDevice(result.account.id, deps(p, vault));
      expect(resynced.userName).toBe('alice');
      expect(device.driftSteps).toBe(0);
    });
  });

  it('wrong codes (a misissued seed) leave the enrollment pending with its seed, and cleanup removes both', async () => {
    const { vault } = await openTestVault();
    fx.server.misissueNextSeed();
    await withKey(TEST_KEYS.alice, async (p) => {
      const error = await failure(enrollVirtualMfaDevice({ deviceName: 'wrongcodes' }, deps(p, vault)));
      expect(error).toMatchObject({ code: AWS_ERRORS.INVALID_CODE, details: { pending: true, choices: ['retry', 'delete-device', 'keep'] } });
      expect(fx.server.count('EnableMFADevice')).toBeGreaterThanOrEqual(2);
      const [pending] = await pendingEnrollments(vault);
      expect(pending?.awsSerial).toBe('arn:aws:iam::123456789012:mfa/wrongcodes');
      expect(await cleanupPendingEnrollment(pending!.id, deps(p, vault))).toEqual({ deviceDeleted: true });
      expect(fx.server.device(pending!.awsSerial!)).toBeUndefined();
      expect(await vault.list()).toEqual([]);
    });
  }); // the retry waits for fresh steps (up to ~35 s) by design

  it('EntityAlreadyExists from a cancelled console enrollment, then replace; LimitExceeded lists nothing created', async () => {
    const { vault } = await openTestVault();
    const leftover = fx.server.seedDevice('console');
    await withKey(TEST_KEYS.alice, async (p) => {
      const taken = await failure(enrollVirtualMfaDevice({ deviceName: 'console' }, deps(p, vault)));
      expect(taken).toMatchObject({ code: 'AWS_DEVICE_NAME_TAKEN', details: { serialNumber: leftover.serialNumber, assigned: false } });
      const result = await enrollVirtualMfaDevice({ deviceName: 'console', replaceUnassigned: true }, deps(p, vault));
      expect(fx.server.device(result.serialNumber)?.seedBase32).not.toBe(leftover.seedBase32);
      for (let i = 0; i < 8; i++) fx.server.seedDevice(`carol-full-${i}`, { userName: 'carol' });
      const before = fx.server.allDevices().length;
      const limit = await failure(enrollVirtualMfaDevice({ deviceName: 'ninth', userName: 'carol' }, deps(p, vault)));
      expect(limit.code).toBe(AWS_ERRORS.LIMIT_EXCEEDED);
      expect(fx.server.allDevices().length).toBe(before);
    });
  });
});
