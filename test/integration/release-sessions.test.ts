// Approvals for AWS sessions (docs/approvals.md): `authdesk aws credentials` as a real process
// (fresh bundle), the real SDK against the test STS, the real keychain, and the app's real
// main-side services answering over the real socket. With the device named (--serial), the person
// is asked BEFORE a code is spent; the cached path defers to the full command whenever the policy asks.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, runProcess, type CliResult } from '../helpers/cli.js';
import { awsCliCommand, cleanupAwsCli } from '../helpers/iam-cli.js';
import { cleanAwsEnv, writeProfiles } from '../helpers/iam-env.js';
import { IamServer } from '../iam-server/server.js';
import { openVault } from '../../node/open-vault.js';
import { createAppServices, type AppServices } from '../../electron/main/handlers/index.js';
import { releaseChannelPath } from '../../node/release/paths.js';
import type { ReleaseServer } from '../../node/release/server.js';
import type { VaultApi } from '../../core/vault/api.js';
import type { ActivityEntry } from '../../core/release/activity.js';

let server: IamServer;
const aws = tempDir('authdesk-relsess-aws-');
const data = tempDir('authdesk-relsess-data-');
let env: NodeJS.ProcessEnv;
let vault: VaultApi;
let services: AppServices;
let channel: ReleaseServer;
let serial = '';
let userName = '';

function authdesk(args: string[]): Promise<CliResult> {
  return awsCliCommand().then(([entry]) => runProcess(process.execPath, [entry!, ...args], { env, input: '' }));
}

async function waitForPrompt() {
  for (let i = 0; i < 1200; i++) {
    const request = services.release.service.pending()[0];
    if (request) return request;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no prompt');
}

async function lastLog(): Promise<ActivityEntry | undefined> {
  return (await services.handlers.release.activity())[0];
}

beforeAll(async () => {
  server = await IamServer.start();
  await awsCliCommand();
  const t = server.tutorialUser('relsess');
  userName = t.userName;
  serial = t.device!.serialNumber;
  const awsDir = path.join(aws.path, 'p');
  spawnSync('mkdir', ['-p', awsDir]);
  env = { ...cleanAwsEnv(process.env, awsDir), ...writeProfiles(awsDir, { default: { key: t.key, endpoint: server.url } }), AUTHDESK_DATA_DIR: data.path };
  vault = await openVault({ dataDir: data.path });
  const account = await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: `${userName}@123456789012`, secret: t.device!.seedBase32, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: serial });
  await vault.update(account.id, { releasePolicy: { mode: 'ask' } });
  services = await createAppServices({
    vault,
    clipboard: { writeText: () => undefined, readText: () => '' },
    events: { emit: () => undefined },
    appInfo: { version: '0.0.0-test', platform: 'linux' },
    dataDir: data.path,
  });
  channel = await services.release.startChannel({ socketPath: releaseChannelPath(env) });
});

afterAll(async () => {
  await channel?.close();
  services?.dispose();
  for (const account of (await vault?.list().catch(() => [])) ?? []) await vault.remove(account.id).catch(() => undefined);
  await server?.close();
  data.cleanup();
  aws.cleanup();
  cleanupAwsCli();
});

describe('authdesk aws credentials under "Ask"', () => {
  it('denied: asked before any code is spent; nothing on stdout, one line, exit 1', async () => {
    const run = authdesk(['aws', 'credentials', '--profile', 'default', '--serial', serial]);
    const prompt = await waitForPrompt();
    expect(prompt.what).toBe('session');
    expect(prompt.account.awsSerial).toBe(serial);
    expect(prompt.caller.verified).toBe(true);
    // The person has not answered yet: STS has seen no code.
    expect(server.count('GetSessionToken', { userName })).toBe(0);
    await services.handlers.release.answer({ id: prompt.id, choice: 'deny' });
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/you denied an AWS session for Amazon Web Services/);
    expect(server.count('GetSessionToken', { userName })).toBe(0);
    expect(await lastLog()).toMatchObject({ decision: 'denied', reason: 'denied', what: 'session' });
  });

  it('allowed once: the session is issued; the next call (cached) asks again, then serves the cache', async () => {
    const first = authdesk(['aws', 'credentials', '--profile', 'default', '--serial', serial]);
    await services.handlers.release.answer({ id: (await waitForPrompt()).id, choice: 'once' });
    const r = await first;
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { AccessKeyId: string };
    expect(json.AccessKeyId).toMatch(/^ASIA/);
    expect(server.count('GetSessionToken', { ok: true, userName })).toBe(1);
    expect(JSON.stringify(await services.handlers.release.activity())).not.toContain(json.AccessKeyId);

    const second = authdesk(['aws', 'credentials', '--profile', 'default', '--serial', serial]);
    await services.handlers.release.answer({ id: (await waitForPrompt()).id, choice: 'once' });
    const again = await second;
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(json);
    expect(server.count('GetSessionToken', { userName })).toBe(1);
  });

  it('under "Always" the cached path serves without asking and logs the release', async () => {
    const [account] = await vault.list();
    await services.handlers.release.setAccountPolicy({ id: account!.id, policy: { mode: 'always' } });
    const r = await authdesk(['aws', 'credentials', '--profile', 'default', '--serial', serial]);
    expect(r.code, r.stderr).toBe(0);
    expect(services.release.service.pending()).toEqual([]);
    expect(await lastLog()).toMatchObject({ decision: 'allowed', reason: 'policy-always', what: 'session', account: { awsSerial: serial } });
    // The program named is the one that ran the CLI: this test process (its parent).
    expect((await lastLog())?.program).toMatchObject({ pid: process.pid, exe: realpathSync('/proc/self/exe'), verified: false });
  });
});
