/**
 * `authdesk aws ...` end to end: a real process, the real SDK, the real keychain (run under
 * scripts/with-keyring.sh) and the vault in a temp AUTHDESK_DATA_DIR, against test/iam-server.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../node/open-vault.js';
import { tempDir, type CliResult } from '../helpers/cli.js';
import { awsCliCommand, cleanupAwsCli, runAws, startAws } from '../helpers/iam-cli.js';
import { cleanAwsEnv, keyEnv, writeProfiles } from '../helpers/iam-env.js';
import { oathtoolTotp } from '../helpers/cli.js';
import { IamServer, TEST_KEYS } from '../iam-server/server.js';

const ACCOUNT = '123456789012';
let server: IamServer;
let data: ReturnType<typeof tempDir>;
let base: NodeJS.ProcessEnv;
let alice: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await IamServer.start();
  data = tempDir('authdesk-aws-cli-');
  base = { ...cleanAwsEnv(process.env, data.path), AUTHDESK_DATA_DIR: data.path };
  alice = { ...base, ...keyEnv(TEST_KEYS.alice, server.url) };
  await awsCliCommand();
});
afterAll(async () => {
  await server.close();
  data.cleanup();
  cleanupAwsCli();
});

async function vaultSeedOf(serial: string): Promise<{ id: string; status: string; seed: string } | undefined> {
  const vault = await openVault({ dataDir: data.path });
  const account = (await vault.list()).find((a) => a.awsSerial === serial);
  if (!account) return undefined;
  return { id: account.id, status: account.status, seed: await vault.revealSecret(account.id) };
}

/** The exit status, with the process's stderr in the failure message (the reason, when it differs). */
function expectExit(result: CliResult, code: number): void {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(code);
}

describe('authdesk aws', () => {
  it('whoami with env keys and with a profile whose endpoint_url points at the server', async () => {
    const env = await runAws(['whoami'], alice);
    expectExit(env, 0);
    expect(env.stdout).toContain(`alice  arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(env.stderr).toBe('');
    const files = writeProfiles(data.path, { work: { key: TEST_KEYS.alice, endpoint: server.url } });
    const profile = await runAws(['whoami', '--profile', 'work', '--json'], { ...base, ...files });
    expectExit(profile, 0);
    expect(JSON.parse(profile.stdout)).toMatchObject({ userName: 'alice', accountId: ACCOUNT });
  });

  it('enroll with the server 90 s ahead, then resync after it jumps 120 s further ahead', async () => {
    server.setClockOffsetMs(90_000);
    const enrolled = await runAws(['enroll', '--name', 'laptop'], alice);
    expect(enrolled.stderr).not.toMatch(/[A-Z2-7]{64}/);
    expectExit(enrolled, 0);
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/laptop`;
    expect(enrolled.stdout).toContain(`Enabled ${serial} for IAM user alice.`);
    expect(enrolled.stdout).toContain(`laptop@${ACCOUNT}`);
    const device = server.device(serial)!;
    expect(device).toMatchObject({ userName: 'alice', driftSteps: 0 });
    const stored = await vaultSeedOf(serial);
    expect(stored).toMatchObject({ status: 'active', seed: device.seedBase32 });
    expect(server.verifySignIn(serial, oathtoolTotp(stored!.seed, server.now() / 1000))).toBe(true);

    // Forward: AWS's clock never runs backwards, and the used-code ledger (rightly) waits for a
    // step after the last one AWS accepted, so a backward jump would only make this test wait.
    server.setClockOffsetMs(210_000);
    const resync = await runAws(['resync', 'laptop'], alice);
    expectExit(resync, 0);
    expect(resync.stdout).toContain(`Resynchronized ${serial} (IAM user alice).`);
    expect(server.count('ResyncMFADevice')).toBe(1);
    server.setClockOffsetMs(0);

    const devices = await runAws(['devices', '--json'], alice);
    expectExit(devices, 0);
    expect(JSON.parse(devices.stdout)).toEqual([expect.objectContaining({ serialNumber: serial, userName: 'alice', accountId: stored!.id, accountStatus: 'active' })]);
  });

  it('survives being killed between Create and Enable: the pending seed is kept; finish and cleanup work', async () => {
    server.hold('EnableMFADevice');
    try {
      for (const name of ['crash1', 'crash2']) {
        const held = new Promise((resolve) => server.events.once('held', resolve));
        const dropped = new Promise((resolve) => server.events.once('dropped', resolve));
        const running = await startAws(['enroll', '--name', name], alice);
        await held;
        running.child.kill('SIGKILL');
        expectExit(await running.result, -1);
        await dropped;
        const serial = `arn:aws:iam::${ACCOUNT}:mfa/${name}`;
        expect(server.device(serial)?.userName).toBeUndefined();
        const stored = await vaultSeedOf(serial);
        expect(stored).toMatchObject({ status: 'pending', seed: server.device(serial)!.seedBase32 });
      }
    } finally {
      server.release('EnableMFADevice');
    }
    const pending = await runAws(['pending', '--json'], base);
    const rows = JSON.parse(pending.stdout) as Array<{ id: string; awsSerial: string }>;
    expect(rows.map((r) => r.awsSerial).sort()).toEqual([`arn:aws:iam::${ACCOUNT}:mfa/crash1`, `arn:aws:iam::${ACCOUNT}:mfa/crash2`]);

    const again = await runAws(['enroll', '--name', 'crash1'], alice);
    expectExit(again, 1);
    expect(again.stderr).toContain('already pending');

    const finish = await runAws(['finish', rows.find((r) => r.awsSerial.endsWith('crash1'))!.id], alice);
    expectExit(finish, 0);
    expect(server.device(`arn:aws:iam::${ACCOUNT}:mfa/crash1`)).toMatchObject({ userName: 'alice', driftSteps: 0 });
    expect((await vaultSeedOf(`arn:aws:iam::${ACCOUNT}:mfa/crash1`))?.status).toBe('active');

    const crash2 = rows.find((r) => r.awsSerial.endsWith('crash2'))!.id;
    expectExit(await runAws(['cleanup', crash2], alice), 2); // no terminal, no --yes
    const cleanup = await runAws(['cleanup', crash2, '--yes'], alice);
    expectExit(cleanup, 0);
    expect(server.device(`arn:aws:iam::${ACCOUNT}:mfa/crash2`)).toBeUndefined();
    expect(await vaultSeedOf(`arn:aws:iam::${ACCOUNT}:mfa/crash2`)).toBeUndefined();
  });

  it('EntityAlreadyExists with an unassigned device: explains, then --replace-unassigned', async () => {
    const leftover = server.seedDevice('console');
    const taken = await runAws(['enroll', '--name', 'console'], alice);
    expectExit(taken, 1);
    expect(taken.stderr).toContain('unassigned MFA device');
    expect(taken.stderr).toContain('--replace-unassigned');
    const listed = await runAws(['devices', '--unassigned'], alice);
    expect(listed.stdout).toContain(leftover.serialNumber);
    const replaced = await runAws(['enroll', '--name', 'console', '--replace-unassigned'], alice);
    expectExit(replaced, 0);
    expect(server.device(leftover.serialNumber)?.seedBase32).not.toBe(leftover.seedBase32);
  });

  it('LimitExceeded lists the devices; AccessDenied, throttling and a dead network say what to do', async () => {
    for (let i = 0; i < 8; i++) server.seedDevice(`dave-${i}`, { userName: 'dave' });
    const limit = await runAws(['enroll', '--name', 'ninth', '--user', 'dave'], alice);
    expectExit(limit, 1);
    expect(limit.stderr).toContain('already has 8 MFA devices');
    expect(limit.stderr).toContain(`arn:aws:iam::${ACCOUNT}:mfa/dave-0`);

    const denied = await runAws(['enroll', '--name', 'bobs'], { ...base, ...keyEnv(TEST_KEYS.bob, server.url) });
    expectExit(denied, 1);
    expect(denied.stderr).toContain('lack the permission iam:');

    server.throttle(3, 'GetUser');
    const throttled = await runAws(['whoami'], alice);
    expectExit(throttled, 1);
    expect(throttled.stderr).toContain('throttling');

    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const dead = await runAws(['whoami'], { ...base, ...keyEnv(TEST_KEYS.alice, `http://127.0.0.1:${closed}`) });
    expectExit(dead, 1);
    expect(dead.stderr).toContain('Could not reach AWS IAM');
    expect(dead.stderr).not.toContain('    at ');
    const vault = await openVault({ dataDir: data.path });
    expect((await vault.list()).some((a) => a.awsSerial?.endsWith('/bobs') || a.awsSerial?.endsWith('/ninth'))).toBe(false);
  });

  it('deactivate and delete confirm, refuse a user ARN, and report DeleteConflict', async () => {
    const device = server.seedDevice('old-phone', { userName: 'alice' });
    expectExit(await runAws(['delete', device.serialNumber], alice), 2);
    const conflict = await runAws(['delete', device.serialNumber, '--yes'], alice);
    expectExit(conflict, 1);
    expect(conflict.stderr).toContain('deactivate it first');
    const userArn = await runAws(['deactivate', `arn:aws:iam::${ACCOUNT}:user/alice`, '--yes'], alice);
    expectExit(userArn, 1);
    expect(userArn.stderr).toContain(':user/');
    expectExit(await runAws(['deactivate', device.serialNumber, '--yes'], alice), 0);
    expectExit(await runAws(['delete', device.serialNumber, '--yes'], alice), 0);
    expect(server.device(device.serialNumber)).toBeUndefined();
  });
});
