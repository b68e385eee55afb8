// Approvals end to end (docs/approvals.md): the BUILT `authdesk` CLI as a real process, against the
// app's real main-side services (createAppServices: real vault, real keychain under
// scripts/with-keyring.sh, real activity log) listening on the real Unix socket. The test plays the
// person by answering the prompt through the service's answer() — what the prompt window's IPC
// handler (release.answer) calls. Grants run on a clock the test moves; no sleeps.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, oathtoolTotp, runCli, tempDir, ROOT, type CliResult } from '../helpers/cli.js';
import { openVault } from '../../node/open-vault.js';
import { createAppServices, type AppServices } from '../../electron/main/handlers/index.js';
import { releaseChannelPath } from '../../node/release/paths.js';
import type { ReleaseServer } from '../../node/release/server.js';
import type { VaultApi } from '../../core/vault/api.js';
import type { ReleaseRequest } from '../../core/release/request.js';
import type { ActivityEntry } from '../../core/release/activity.js';

const randomBase32 = (chars: number) => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');
const AWS_SECRET = randomBase32(64);
const GH_SECRET = randomBase32(32);
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const MINUTE = 60_000;

let dir: ReturnType<typeof tempDir>;
let vault: VaultApi;
let services: AppServices;
let server: ReleaseServer | undefined;
let socketPath: string;
let clock = Date.UTC(2026, 11, 6, 12, 0, 0);
const prompts: ReleaseRequest[][] = [];
let awsId = '';
let ghId = '';

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Start `authdesk code QUERY` (stdout a pipe: another program reads it). */
function cliCode(query: string): Promise<CliResult> {
  return runCli(['code', query], { dataDir: dir.path });
}

/** The one prompt the CLI's request raised. */
function nextPrompt(): Promise<ReleaseRequest> {
  return waitFor('a prompt', () => services.release.service.pending()[0]);
}

async function log(): Promise<ActivityEntry[]> {
  const r = await runCli(['log', '--json'], { dataDir: dir.path });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ActivityEntry[];
}

function expectTotp(printed: string, secret: string, before: number, after: number): void {
  expect([oathtoolTotp(secret, before / 1000), oathtoolTotp(secret, after / 1000)]).toContain(printed.trim());
}

beforeAll(async () => {
  ensureCliBuilt();
  dir = tempDir('authdesk-release-');
  vault = await openVault({ dataDir: dir.path });
  awsId = (await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: AWS_SECRET, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: SERIAL })).id;
  ghId = (await vault.add({ type: 'totp', issuer: 'GitHub', label: 'alice', secret: GH_SECRET, algorithm: 'SHA1', digits: 6, period: 30 })).id;
  services = await createAppServices({
    vault,
    clipboard: { writeText: () => undefined, readText: () => '' },
    events: {
      emit(name, payload) {
        if (name === 'release.pending') prompts.push([...(payload as ReleaseRequest[])]);
      },
    },
    appInfo: { version: '0.0.0-test', platform: 'linux' },
    dataDir: dir.path,
    release: { now: () => clock },
  });
  // The path the CLI computes from its environment (AUTHDESK_DATA_DIR set: <dataDir>/run/release.sock).
  socketPath = releaseChannelPath({ ...process.env, AUTHDESK_DATA_DIR: dir.path });
  server = await services.release.startChannel({ socketPath });
});

afterAll(async () => {
  await server?.close();
  services?.dispose();
  for (const account of (await vault?.list().catch(() => [])) ?? []) await vault.remove(account.id).catch(() => undefined);
  dir?.cleanup();
});

describe('the release channel', () => {
  it('is a 0600 socket in a 0700 folder of this user', () => {
    const sock = statSync(socketPath);
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o700);
    expect(sock.uid).toBe(process.getuid!());
  });
});

// AWS-linked accounts never get the same code twice off a terminal (the used-code ledger waits up to
// one 30 s step for a fresh one): hence the generous per-test limit, a hang guard, not a speed bound.
describe('authdesk code off a terminal, by release policy', () => {
  it('Always (the default): prints the code without asking, and logs the release', async () => {
    const before = Date.now();
    const r = await cliCode('GitHub');
    expect(r.code, r.stderr).toBe(0);
    expectTotp(r.stdout, GH_SECRET, before, Date.now());
    expect(services.release.service.pending()).toEqual([]);
    const last = (await log()).at(-1)!;
    expect(last).toMatchObject({ decision: 'allowed', reason: 'policy-always', what: 'code', account: { id: ghId, name: 'GitHub: alice' } });
    // The calling program is this test process (the CLI's parent).
    expect(last.program.pid).toBe(process.pid);
    expect(JSON.stringify(await log())).not.toContain(r.stdout.trim());
  });

  it('Ask, allowed once: the prompt names the program, the account and its serial; the code is released', async () => {
    await services.handlers.release.setAccountPolicy({ id: awsId, policy: { mode: 'ask' } });
    const started = Date.now();
    const run = cliCode(SERIAL);
    const prompt = await nextPrompt();
    expect(prompt.account).toEqual({ id: awsId, name: 'Amazon Web Services: alice@123456789012', awsSerial: SERIAL });
    expect(prompt.what).toBe('code');
    // Read by main from /proc for the pid the peer check proved, not the CLI's claim.
    expect(prompt.caller.verified).toBe(true);
    expect(prompt.caller.pid).toBe(process.pid);
    expect(prompt.caller.exe).toBe(realpathSync(process.execPath));
    expect(prompt.caller.commandLine).toContain(process.argv[1] ?? 'node');
    expect(typeof prompt.caller.parentCommandLine).toBe('string');
    // Plain "ask" offers Allow once / Deny only.
    expect(prompt.grantMinutes).toBeUndefined();
    await services.handlers.release.answer({ id: prompt.id, choice: 'once' });
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expectTotp(r.stdout, AWS_SECRET, started, Date.now());
    expect(services.release.service.pending()).toEqual([]);
    expect((await log()).at(-1)).toMatchObject({ decision: 'allowed', reason: 'once', account: { id: awsId, awsSerial: SERIAL }, program: { pid: process.pid, verified: true } });
  });

  it('Ask, denied: nothing on stdout, one line on stderr, exit 1, logged', async () => {
    const run = cliCode(SERIAL);
    const prompt = await nextPrompt();
    await services.handlers.release.answer({ id: prompt.id, choice: 'deny' });
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^authdesk: you denied a code for Amazon Web Services: alice@123456789012/);
    expect((await log()).at(-1)).toMatchObject({ decision: 'denied', reason: 'denied' });
  });

  it('Ask then allow for N minutes: the grant releases without a prompt until it expires on the clock', async () => {
    await services.handlers.release.setAccountPolicy({ id: awsId, policy: { mode: 'ask-then-allow', minutes: 10 } });
    const first = cliCode(SERIAL);
    const prompt = await nextPrompt();
    expect(prompt.grantMinutes).toBe(10);
    await services.handlers.release.answer({ id: prompt.id, choice: 'grant', minutes: 10 });
    expect((await first).code).toBe(0);
    expect((await log()).at(-1)).toMatchObject({ reason: 'granted', minutes: 10 });
    expect(services.release.service.grants()).toHaveLength(1);

    // 9 minutes later: released with no prompt at all.
    clock += 9 * MINUTE;
    const promptsBefore = prompts.filter((p) => p.length > 0).length;
    const second = await cliCode(SERIAL);
    expect(second.code, second.stderr).toBe(0);
    expect(prompts.filter((p) => p.length > 0).length).toBe(promptsBefore);
    expect((await log()).at(-1)).toMatchObject({ decision: 'allowed', reason: 'grant' });

    // The grant is for this account only: another account under ask-then-allow still asks.
    // And once 10 minutes have passed, this one asks again.
    clock += 1 * MINUTE;
    const third = cliCode(SERIAL);
    const again = await nextPrompt();
    expect(again.account.id).toBe(awsId);
    await services.handlers.release.answer({ id: again.id, choice: 'deny' });
    expect((await third).code).toBe(1);
    expect(services.release.service.grants()).toEqual([]);
  });

  it('app locked: one line, exit 1, no prompt; unlocking lets the prompt through again', async () => {
    await services.handlers.lock.setPassphrase({ next: 'correct horse' });
    services.lock.lock('user');
    const r = await cliCode(SERIAL);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/the app is locked: unlock it and try again/);
    expect((await log()).at(-1)).toMatchObject({ decision: 'denied', reason: 'locked' });
    await services.lock.unlock('correct horse');
    await services.handlers.lock.clearPassphrase({ current: 'correct horse' });
  });

  it('locking while a prompt waits refuses it as locked', async () => {
    await services.handlers.lock.setPassphrase({ next: 'correct horse' });
    const run = cliCode(SERIAL);
    await nextPrompt();
    services.lock.lock('user');
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/locked/);
    await services.lock.unlock('correct horse');
    await services.handlers.lock.clearPassphrase({ current: 'correct horse' });
  });

  it('app absent (no socket): one line, exit 1, logged by the CLI; Always accounts still work', async () => {
    await server?.close();
    server = undefined;
    const r = await cliCode(SERIAL);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/needs your approval .* and the Authdesk app is not running: start it and try again\.$/m);
    expect((await log()).at(-1)).toMatchObject({ decision: 'denied', reason: 'app-absent', account: { id: awsId } });
    const always = await cliCode('GitHub');
    expect(always.code, always.stderr).toBe(0);
    server = await services.release.startChannel({ socketPath });
  });

  it('a code printed on a terminal is not gated (the person is reading it)', async () => {
    // `script` gives the CLI a pseudo-terminal as stdout; under "ask" and no answer it would hang.
    const out = execFileSync('script', ['-qec', `${process.execPath} ${path.join(ROOT, 'dist/cli/authdesk.cjs')} code ${SERIAL}`, '/dev/null'], {
      env: { ...process.env, AUTHDESK_DATA_DIR: dir.path },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.trim()).toMatch(/^\d{6}$/);
    expect(services.release.service.pending()).toEqual([]);
  });
});

describe('another user', () => {
  let clientScript: string;
  let clientDir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    // The release client (node/release/client.ts) as a script the other user can run.
    clientDir = tempDir('authdesk-release-client-');
    chmodSync(clientDir.path, 0o755);
    clientScript = path.join(clientDir.path, 'ask.mjs');
    await build({
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: clientScript,
      logLevel: 'silent',
      stdin: {
        resolveDir: ROOT,
        loader: 'ts',
        contents: `
          import { askApp } from './node/release/client.ts';
          const [socketPath, accountId, pid] = process.argv.slice(2);
          try {
            const answer = await askApp(socketPath, { v: 1, type: 'release', pid: Number(pid) || process.pid, accountId, what: 'code', caller: { exe: '/usr/bin/aws-vault', pid: 1, commandLine: 'forged', verified: true } });
            console.log(JSON.stringify(answer));
          } catch (error) { console.log(JSON.stringify({ kind: 'error', code: error.code, message: error.message })); }
        `,
      },
    });
    chmodSync(clientScript, 0o644);
  });

  afterAll(() => clientDir?.cleanup());

  function runAs(user: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', process.execPath, clientScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', () => (out ? resolve(out.trim()) : reject(new Error(err))));
    });
  }

  it('cannot even open the socket (0600 in a 0700 folder): refused by the kernel', async () => {
    const answer = JSON.parse(await runAs('65534', [socketPath, awsId])) as { kind: string; code?: string };
    expect(answer).toMatchObject({ kind: 'error', code: 'RELEASE_CHANNEL_FORBIDDEN' });
    expect(services.release.service.pending()).toEqual([]);
  });

  it('with the folder and socket made world-open by mistake, the peer check still refuses it', async () => {
    const runDir = path.dirname(socketPath);
    const modes = [dir.path, runDir].map((p) => [p, statSync(p).mode & 0o777] as const);
    try {
      chmodSync(dir.path, 0o711);
      chmodSync(runDir, 0o711);
      chmodSync(socketPath, 0o666);
      const answer = JSON.parse(await runAs('65534', [socketPath, awsId])) as { kind: string; outcome?: { outcome: string; message: string } };
      expect(answer.kind).toBe('answer');
      expect(answer.outcome?.outcome).toBe('refused');
      expect(answer.outcome?.message).toMatch(/belongs to another user \(uid 65534\)/);
      // Claiming to be a process of ours (this test's pid) does not help: that process does not hold the connection.
      const forged = JSON.parse(await runAs('65534', [socketPath, awsId, String(process.pid)])) as { outcome?: { outcome: string; message: string } };
      expect(forged.outcome?.outcome).toBe('refused');
      expect(forged.outcome?.message).toMatch(new RegExp(`process ${process.pid} does not hold the other end`));
      expect(services.release.service.pending()).toEqual([]);
      expect(prompts.flat().every((p) => p.caller.pid !== 1)).toBe(true);
    } finally {
      for (const [p, mode] of modes) chmodSync(p, mode);
      chmodSync(socketPath, 0o600);
    }
  });
});

describe('authdesk log', () => {
  it('prints one escaped line per entry and never a code', async () => {
    const r = await runCli(['log'], { dataDir: dir.path });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe((await log()).length);
    expect(lines.some((l) => /allowed \(granted 10 min\)/.test(l))).toBe(true);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('the log file is 0600 and holds no code that was printed', async () => {
    const file = path.join(dir.path, 'activity.log');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const code = oathtoolTotp(AWS_SECRET, Date.now() / 1000);
    const r = await runCli(['log', '--json'], { dataDir: dir.path });
    expect(r.stdout).not.toContain(AWS_SECRET);
    expect(r.stdout).not.toContain(GH_SECRET);
    expect(r.stdout).not.toContain(`"${code}"`);
  });
});
