/**
 * core/iam flows over node/aws (the real @aws-sdk/client-iam) against test/iam-server, with a
 * skewed server clock (vault doubles here; the CLI tests use the real keychain). The wrong-codes
 * case waits for fresh steps (up to 30 s) by design: a code is never sent twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { cleanupPendingEnrollment, enrollVirtualMfaDevice, pendingEnrollments, resyncDevice, type FlowDeps } from '../../core/iam/flows.js';
import { AWS_ERRORS } from '../../core/iam/port.js';
import { createIamPort, type AwsClientOptions, type SdkIamPort } from '../../node/aws/iam-client.js';
import { awsTempDir, cleanAwsEnv, keyEnv, withEnv } from '../helpers/iam-env.js';
import { openTestVault } from '../helpers/vault-doubles.js';
import { IamServer, TEST_KEYS, type TestKey } from '../iam-server/server.js';

let server: IamServer;
let dir: ReturnType<typeof awsTempDir>;
const ports: SdkIamPort[] = [];

beforeAll(async () => {
  server = await IamServer.start();
  dir = awsTempDir();
});
afterEach(() => {
  server.setClockOffsetMs(0);
  for (const p of ports.splice(0)) p.destroy();
});
afterAll(async () => {
  await server.close();
  dir.cleanup();
});

function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...cleanAwsEnv(process.env, dir.path), ...extra };
}

async function port(options: AwsClientOptions = {}): Promise<SdkIamPort> {
  const p = await createIamPort({ maxAttempts: 2, ...options });
  ports.push(p);
  return p;
}

async function withKey<T>(key: TestKey, fn: (p: SdkIamPort) => Promise<T>, options: AwsClientOptions = {}): Promise<T> {
  return withEnv(env(keyEnv(key, server.url)), async () => fn(await port(options)));
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!isAuthdeskError(error)) throw error;
    return error;
  }
  throw new Error('expected a failure');
}

function deps(iam: SdkIamPort, vault: FlowDeps['vault']): FlowDeps {
  return { iam, vault, clock: { now: () => Date.now() }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
}

describe('flows over the SDK', () => {
  it.each([90_000, -90_000])('enrolls with the server clock %i ms off, codes accepted and in sync; resyncs after a jump', async (offset) => {
    server.setClockOffsetMs(offset);
    const { vault } = await openTestVault();
    await withKey(TEST_KEYS.alice, async (p) => {
      const name = `skew${offset > 0 ? 'ahead' : 'behind'}`;
      const result = await enrollVirtualMfaDevice({ deviceName: name }, deps(p, vault));
      const device = server.device(result.serialNumber)!;
      expect(device.userName).toBe('alice');
      expect(device.driftSteps).toBe(0);
      expect(await vault.revealSecret(result.account.id)).toBe(device.seedBase32);
      // A sign-in with Authdesk's code on AWS's clock is accepted.
      expect(server.verifySignIn(result.serialNumber, (await vault.code(result.account.id, Date.now() + p.serverClockOffsetMs())).code)).toBe(true);
      // The server's clock jumps by 4 minutes: resync still uses AWS's clock.
      server.setClockOffsetMs(offset + 240_000);
      const resynced = await resyncDevice(result.account.id, deps(p, vault));
      expect(resynced.userName).toBe('alice');
      expect(device.driftSteps).toBe(0);
    });
  });

  it('wrong codes (a misissued seed) leave the enrollment pending with its seed, and cleanup removes both', async () => {
    const { vault } = await openTestVault();
    server.misissueNextSeed();
    await withKey(TEST_KEYS.alice, async (p) => {
      const error = await failure(enrollVirtualMfaDevice({ deviceName: 'wrongcodes' }, deps(p, vault)));
      expect(error).toMatchObject({ code: AWS_ERRORS.INVALID_CODE, details: { pending: true, choices: ['retry', 'delete-device', 'keep'] } });
      expect(server.count('EnableMFADevice')).toBeGreaterThanOrEqual(2);
      const [pending] = await pendingEnrollments(vault);
      expect(pending?.awsSerial).toBe('arn:aws:iam::123456789012:mfa/wrongcodes');
      expect(await cleanupPendingEnrollment(pending!.id, deps(p, vault))).toEqual({ deviceDeleted: true });
      expect(server.device(pending!.awsSerial!)).toBeUndefined();
      expect(await vault.list()).toEqual([]);
    });
  }, 60_000); // the retry waits for fresh steps (up to ~35 s) by design

  it('EntityAlreadyExists from a cancelled console enrollment, then replace; LimitExceeded lists nothing created', async () => {
    const { vault } = await openTestVault();
    const leftover = server.seedDevice('console');
    await withKey(TEST_KEYS.alice, async (p) => {
      const taken = await failure(enrollVirtualMfaDevice({ deviceName: 'console' }, deps(p, vault)));
      expect(taken).toMatchObject({ code: 'AWS_DEVICE_NAME_TAKEN', details: { serialNumber: leftover.serialNumber, assigned: false } });
      const result = await enrollVirtualMfaDevice({ deviceName: 'console', replaceUnassigned: true }, deps(p, vault));
      expect(server.device(result.serialNumber)?.seedBase32).not.toBe(leftover.seedBase32);
      for (let i = 0; i < 8; i++) server.seedDevice(`carol-full-${i}`, { userName: 'carol' });
      const before = server.allDevices().length;
      const limit = await failure(enrollVirtualMfaDevice({ deviceName: 'ninth', userName: 'carol' }, deps(p, vault)));
      expect(limit.code).toBe(AWS_ERRORS.LIMIT_EXCEEDED);
      expect(server.allDevices().length).toBe(before);
    });
  });
});
