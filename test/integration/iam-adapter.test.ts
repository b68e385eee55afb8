/**
 * node/aws (the real @aws-sdk/client-iam) against test/iam-server: endpoint and credential settings
 * the SDK honours by itself, AWS's clock, error mapping, and the core flows end to end over the
 * adapter (vault doubles here; the CLI tests use the real keychain).
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AWS_ERRORS } from '../../core/iam/port.js';
import { listAwsProfiles } from '../../node/aws/profiles.js';
import { iamSdkFixture, keyEnv, withEnv, writeProfiles } from '../helpers/iam-env.js';
import { TEST_KEYS } from '../iam-server/server.js';

const fx = iamSdkFixture();
const { env, port, withKey, failure } = fx;


describe('SDK settings honoured without code of ours', () => {
  it('AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL with env credentials', async () => {
    for (const variable of ['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL'] as const) {
      const user = await withEnv(env(keyEnv(TEST_KEYS.alice, fx.server.url, variable)), async () => (await port()).getUser());
      expect(user).toMatchObject({ userName: 'alice', accountId: '123456789012', partition: 'aws' });
    }
  });

  it('a profile with endpoint_url and keys in the shared files, and lists profiles without secrets', async () => {
    const files = writeProfiles(fx.dir.path, {
      default: { key: TEST_KEYS.bob, endpoint: fx.server.url },
      work: { key: TEST_KEYS.alice, endpoint: fx.server.url },
      temp: { key: TEST_KEYS.daveSession, endpoint: fx.server.url },
    });
    await withEnv(env(files), async () => {
      expect((await (await port({ profile: 'work' })).getUser()).userName).toBe('alice');
      expect((await (await port({ profile: 'temp' })).getUser()).userName).toBe('dave');
      expect((await (await port()).getUser()).userName).toBe('bob');
      const profiles = await listAwsProfiles();
      expect(profiles.map((p) => p.name)).toEqual(['default', 'temp', 'work']);
      expect(profiles[2]).toEqual({ name: 'work', sources: ['config', 'credentials'], kind: 'static-keys', region: 'us-east-1', endpointUrl: fx.server.url });
      expect(JSON.stringify(profiles)).not.toContain(TEST_KEYS.alice.secretAccessKey);
      const missing = await failure((await port({ profile: 'nope' })).getUser());
      expect(missing.code).toBe(AWS_ERRORS.NO_CREDENTIALS);
      expect(missing.message).toContain('"nope"');
    });
  });

  it("an explicit profile's endpoint_url or services section, with no default profile (the SDK alone ignores them)", async () => {
    const files = writeProfiles(fx.dir.path, { work: { key: TEST_KEYS.alice, endpoint: fx.server.url }, svc: { key: TEST_KEYS.bob } });
    appendFileSync(files.AWS_CONFIG_FILE!, `[profile svc]\nservices = local\n\n[services local]\niam =\n  endpoint_url = ${fx.server.url}\n`);
    await withEnv(env(files), async () => {
      expect((await (await port({ profile: 'work' })).getUser()).userName).toBe('alice');
      expect((await (await port({ profile: 'svc' })).getUser()).userName).toBe('bob');
    });
    // AWS_ENDPOINT_URL_IAM wins over the profile (left to the SDK).
    await withEnv(env({ ...files, AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9' }), async () => {
      expect((await failure((await port({ profile: 'work', maxAttempts: 1 })).getUser())).code).toBe(AWS_ERRORS.NETWORK);
    });
  });

  it("learns AWS's clock from the responses, 90 s ahead and behind", async () => {
    for (const offset of [90_000, -90_000]) {
      fx.server.setClockOffsetMs(offset);
      await withKey(TEST_KEYS.alice, async (p) => {
        expect(p.serverClockOffsetMs()).toBe(0);
        await p.getUser();
        expect(Math.abs(p.serverClockOffsetMs() - offset)).toBeLessThan(1_500);
      });
    }
  });
  it('a clock 20 minutes off: AWS rejects the signature as expired, the SDK corrects from the Date and retries', async () => {
    fx.server.setClockOffsetMs(20 * 60_000);
    const before = fx.server.requests.length;
    await withKey(TEST_KEYS.alice, async (p) => {
      expect((await p.getUser()).userName).toBe('alice');
      expect(Math.abs(p.serverClockOffsetMs() - 20 * 60_000)).toBeLessThan(1_500);
    });
    expect(fx.server.requests.slice(before).map((r) => r.errorCode ?? r.status)).toEqual(['SignatureDoesNotMatch', 200]);
  });
});

describe('errors mapped to AwsError', () => {
  it.each([
    ['AccessDenied', TEST_KEYS.bob, AWS_ERRORS.ACCESS_DENIED, 'iam:CreateVirtualMFADevice'],
    ['ExpiredToken', TEST_KEYS.carolExpired, AWS_ERRORS.EXPIRED_CREDENTIALS, 'expired'],
    ['InvalidClientTokenId', { ...TEST_KEYS.alice, accessKeyId: 'AKIAUNKNOWN000000000' }, AWS_ERRORS.INVALID_CREDENTIALS, 'does not recognise'],
    ['SignatureDoesNotMatch', { ...TEST_KEYS.alice, secretAccessKey: 'wrong' }, AWS_ERRORS.INVALID_CREDENTIALS, 'secret access key'],
  ])('%s', async (_name, key, code, text) => {
    const error = await withKey(key, (p) => failure(p.createVirtualMfaDevice('denied', '/')));
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
    expect(error.message).not.toContain(TEST_KEYS.alice.secretAccessKey);
  });

  it('no credentials at all', async () => {
    const error = await withEnv(env({ AWS_ENDPOINT_URL_IAM: fx.server.url }), async () => failure((await port()).getUser()));
    expect(error.code).toBe(AWS_ERRORS.NO_CREDENTIALS);
  });

  it('persistent throttling (after the SDK retried)', async () => {
    fx.server.throttle(2, 'GetUser');
    const error = await withKey(TEST_KEYS.alice, (p) => failure(p.getUser()));
    expect(error).toMatchObject({ code: AWS_ERRORS.THROTTLED, details: { awsCode: 'Throttling', httpStatus: 400 } });
  });

  it('a closed port is a network failure; a silent server a timeout', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const network = await withEnv(env(keyEnv(TEST_KEYS.alice, `http://127.0.0.1:${closed}`)), async () => failure((await port({ maxAttempts: 1 })).getUser()));
    expect(network.code).toBe(AWS_ERRORS.NETWORK);
    expect(network.message).toContain('ECONNREFUSED');
    fx.server.hold('GetUser');
    try {
      const timeout = await withKey(TEST_KEYS.alice, (p) => failure(p.getUser()), { maxAttempts: 1, requestTimeoutMs: 400 });
      expect(timeout.code).toBe(AWS_ERRORS.TIMEOUT);
    } finally {
      fx.server.release('GetUser');
    }
  });

  it('NoSuchEntity, DeleteConflict and ValidationError', async () => {
    await withKey(TEST_KEYS.alice, async (p) => {
      expect((await failure(p.getUser('nobody'))).code).toBe(AWS_ERRORS.NO_SUCH_ENTITY);
      const device = fx.server.seedDevice('conflict', { userName: 'alice' });
      expect((await failure(p.deleteVirtualMfaDevice(device.serialNumber))).code).toBe(AWS_ERRORS.DELETE_CONFLICT);
      expect((await failure(p.enableMfaDevice('alice', device.serialNumber, '12', '34'))).code).toBe(AWS_ERRORS.VALIDATION);
    });
  });
});
