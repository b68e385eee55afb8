/**
 * The standalone `authdesk` executable (scripts/build-cli-exe.mjs: a Node single executable
 * application with @napi-rs/keyring's .node beside it) run with no Node anywhere on PATH, against the
 * real keychain (run under scripts/with-keyring.sh). The build is slow, so it is cached per content
 * hash of its inputs in the temp folder and reused by later runs.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without types
import { buildCliExecutable, inputHash } from '../../scripts/build-cli-exe.mjs';
import { oathtoolTotp, tempDir, runProcess, type CliResult } from '../helpers/cli.js';
import { describeInstancesRaw } from '../helpers/iam-sts.js';
import { IamServer } from '../iam-server/server.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let home: ReturnType<typeof tempDir>;
/** The executable, copied into a folder whose path has a space (as "Program Files" or "Authdesk.app" paths can). */
let exe: string;

beforeAll(async () => {
  const cacheDir = path.join(tmpdir(), 'authdesk-cli-exe', (inputHash as () => string)());
  const built = await (buildCliExecutable as (dir: string) => Promise<{ exe: string }>)(cacheDir);
  home = tempDir('authdesk-exe-');
  const dir = path.join(home.path, 'Authdesk CLI');
  mkdirSync(dir);
  exe = path.join(dir, 'authdesk');
  copyFileSync(built.exe, exe);
  copyFileSync(path.join(cacheDir, 'keyring.node'), path.join(dir, 'keyring.node'));
  mkdirSync(path.join(home.path, 'aws'));
}, 900_000);
afterAll(() => home?.cleanup());

/** Run the executable with an environment that has no Node: PATH points nowhere. */
function runExe(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: '/nonexistent',
    HOME: home.path,
    AUTHDESK_DATA_DIR: path.join(home.path, 'data'),
    AWS_CONFIG_FILE: path.join(home.path, 'aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home.path, 'aws', 'credentials'),
    // The private Secret Service of scripts/with-keyring.sh.
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
    ...extra,
  };
  return runProcess(exe, args, { env, cwd: '/' });
}

function expectExit(result: CliResult, code: number): void {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(code);
}

describe('the standalone authdesk executable, with no Node on PATH', () => {
  it('--version and help, with nothing on stderr (no experimental-feature warning)', async () => {
    const version = await runExe(['--version']);
    expectExit(version, 0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version.stderr).toBe('');
    const help = await runExe(['help']);
    expectExit(help, 0);
    expect(help.stdout).toContain('Commands:');
    expect(help.stdout).not.toContain('(unavailable)');
  });

  it('add stores the key in the real keychain; code gives the code oathtool gives', async () => {
    const added = await runExe(['add', '--secret', SECRET, '--issuer', 'Example', '--label', 'exe@example.com']);
    expectExit(added, 0);
    const result = await runExe(['code', 'exe@example.com', '--json']);
    expectExit(result, 0);
    const view = JSON.parse(result.stdout) as { code: string; validUntil: string };
    // The middle of the code's own 30 s step, so the two sides cannot straddle a boundary.
    expect(view.code).toBe(oathtoolTotp(SECRET, Date.parse(view.validUntil) / 1000 - 15));
  });

  it('AWS commands are in it (the SDK is bundled): setup-profile writes the executable\'s own quoted path', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(home.path, 'aws', 'credentials'), '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n');
    const linked = await runExe(['add', '--secret', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '--issuer', 'Amazon Web Services', '--label', 'alice@123456789012', '--aws-serial', 'arn:aws:iam::123456789012:mfa/alice']);
    expectExit(linked, 0);
    const result = await runExe(['aws', 'setup-profile', 'work', '--source-profile', 'default', '--print']);
    expectExit(result, 0);
    expect(result.stdout).toContain(`credential_process = "${exe}" aws credentials --profile default --serial arn:aws:iam::123456789012:mfa/alice\n`);
  });

  it('aws credentials (the credential_process path) gives an MFA session from the test server, then the cached one', async () => {
    const server = await IamServer.start();
    try {
      const user = server.tutorialUser('exe-user');
      const dir = path.join(home.path, 'aws-exe');
      mkdirSync(dir);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(dir, 'config'), `[default]\nregion = us-east-1\nendpoint_url = ${server.url}\n`);
      writeFileSync(path.join(dir, 'credentials'), `[default]\naws_access_key_id = ${user.key.accessKeyId}\naws_secret_access_key = ${user.key.secretAccessKey}\n`);
      const extra = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AUTHDESK_DATA_DIR: path.join(dir, 'data') };
      expectExit(await runExe(['add', '--secret', user.device!.seedBase32, '--issuer', 'Amazon Web Services', '--label', 'exe-user@123456789012', '--aws-serial', user.device!.serialNumber], extra), 0);
      const args = ['aws', 'credentials', '--profile', 'default', '--serial', user.device!.serialNumber];
      const first = await runExe(args, extra);
      expectExit(first, 0);
      const creds = JSON.parse(first.stdout) as { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      expect(creds.Version).toBe(1);
      const response = await describeInstancesRaw(server, { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken });
      expect(response.status, response.body).toBe(200);
      const second = await runExe(args, extra);
      expectExit(second, 0);
      expect((JSON.parse(second.stdout) as { AccessKeyId: string }).AccessKeyId).toBe(creds.AccessKeyId);
      expect(server.count('GetSessionToken', { ok: true, userName: 'exe-user' })).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('an image command says it needs the app or the npm package, in one line', async () => {
    const result = await runExe(['scan', '/etc/hostname']);
    expectExit(result, 1);
    expect(result.stderr.trim()).toBe('authdesk: Reading images (QR codes in pictures and screenshots) is not part of the standalone authdesk executable. Use the Authdesk app, or the npm package (npm install -g authdesk), for this command.');
  });

  it('without keyring.node beside it, the keychain commands fail with a sentence, not a stack', async () => {
    const lonely = path.join(home.path, 'lonely');
    mkdirSync(lonely);
    copyFileSync(exe, path.join(lonely, 'authdesk'));
    const saved = exe;
    exe = path.join(lonely, 'authdesk');
    try {
      const result = await runExe(['list']);
      expectExit(result, 1);
      expect(result.stderr).toMatch(/^authdesk: .*keyring\.node/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      exe = saved;
      rmSync(lonely, { recursive: true, force: true });
    }
  });
});
