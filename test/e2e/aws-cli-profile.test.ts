/**
 * The app's "Use with the AWS CLI…" (account action) and Settings › Command line › "Install the
 * command-line tool": the built renderer in Chromium with the real handlers (test/e2e/harness.ts),
 * the real vault and keychain (scripts/with-keyring.sh), and AWS files in a temp folder.
 * The invocation and the install facts are the checkout's (an unpackaged app has no resources/bin),
 * injected as Electron main injects the packaged app's (electron/main/cli-tool.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { installCli, planCliInstall } from '../../node/cli-install.js';
import { CLI, ensureCliBuilt, tempDir } from '../helpers/cli.js';
import { cleanAwsEnv } from '../helpers/iam-env.js';
import { launchBrowser, startApp, type AppHarness } from './harness.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/e2e-cli';
const savedEnv = { ...process.env };
let browser: Browser;
let app: AppHarness;
let dir: ReturnType<typeof tempDir>;
let configFile: string;
const BEFORE = '# my settings\n[default]\nregion = eu-central-1\n';

beforeAll(async () => {
  ensureCliBuilt();
  dir = tempDir('authdesk-e2e-cli-');
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, cleanAwsEnv({}, dir.path));
  configFile = path.join(dir.path, 'config');
  writeFileSync(configFile, BEFORE);
  writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n');
  process.env.AWS_CONFIG_FILE = configFile;
  // A stand-in for <resources>/bin of a packaged app: the installer links or copies from here.
  const resources = path.join(dir.path, 'resources', 'bin');
  mkdirSync(resources, { recursive: true });
  writeFileSync(path.join(resources, 'authdesk'), '#!/bin/sh\necho 0.1.0\n', { mode: 0o755 });
  browser = await launchBrowser();
  app = await startApp({
    browser,
    aws: {
      cliInvocation: async () => ({ words: [process.execPath, CLI], kind: 'node-script', flavour: 'posix' }),
      installCli: () => installCli(planCliInstall({ platform: 'linux', home: path.join(dir.path, 'home'), bundled: path.join(resources, 'authdesk'), appImage: undefined, pathVariable: '/usr/bin' })),
    },
    beforeLoad: async (vault) => {
      await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'e2e-cli@123456789012', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30, awsSerial: SERIAL, awsUser: 'e2e-cli' });
    },
  });
});
afterAll(async () => {
  await app?.close();
  await browser?.close();
  dir?.cleanup();
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, savedEnv);
});

async function accountAction(page: Page, rowName: RegExp, action: string): Promise<void> {
  await page.getByRole('option', { name: rowName }).click({ button: 'right' });
  await page.getByRole('button', { name: action }).click();
}

describe('Use with the AWS CLI… (e2e)', () => {
  it('previews the exact lines, then writes them after the untouched file', async () => {
    const { page } = app;
    await accountAction(page, /e2e-cli/, 'Use with the AWS CLI…');
    const form = page.getByRole('form', { name: 'Use with the AWS CLI' });
    await form.getByRole('textbox', { name: 'Profile name' }).fill('e2e-work');
    const preview = page.getByTestId('aws-cli-preview');
    await expect.poll(() => preview.textContent()).toContain('[profile e2e-work]');
    const lines = (await preview.textContent()) ?? '';
    expect(lines).toContain(`credential_process = ${process.execPath} ${CLI} aws credentials --profile default --serial ${SERIAL}`);
    expect(lines).toContain('region = eu-central-1');
    expect(readFileSync(configFile, 'utf8')).toBe(BEFORE); // a preview writes nothing

    await form.getByRole('button', { name: 'Add profile' }).click();
    await expect.poll(() => page.getByTestId('aws-cli-done').textContent()).toContain(`Added the profile “e2e-work” in ${configFile}`);
    const after = readFileSync(configFile, 'utf8');
    expect(after).toBe(`${BEFORE}\n${lines.endsWith('\n') ? lines : `${lines}\n`}`);
    expect(readFileSync(`${configFile}.authdesk-backup`, 'utf8')).toBe(BEFORE);
    // The written line runs the CLI from anywhere.
    const words = JSON.parse(execFileSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', /credential_process = (.*)/.exec(after)![1]!], { encoding: 'utf8' })) as string[];
    expect(execFileSync(words[0]!, [words[1]!, '--version'], { cwd: '/', encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('an existing profile: the sentence says so until "Replace" is ticked', async () => {
    const { page } = app;
    await accountAction(page, /e2e-cli/, 'Use with the AWS CLI…');
    const form = page.getByRole('form', { name: 'Use with the AWS CLI' });
    await form.getByRole('textbox', { name: 'Profile name' }).fill('e2e-work');
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/already has a profile "e2e-work".*--force/);
    expect(await form.getByRole('button', { name: /profile/ }).isDisabled()).toBe(true);
    await form.getByRole('checkbox', { name: 'Replace a profile of that name' }).check();
    await expect.poll(() => form.getByRole('button', { name: 'Replace profile' }).isEnabled()).toBe(true);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });
});

describe('Install the command-line tool (e2e)', () => {
  it('Settings › Command line links ~/.local/bin/authdesk and says when that folder is not on PATH', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Install the command-line tool' }).click();
    await expect.poll(() => page.getByTestId('cli-install-done').textContent()).toMatch(/\.local\/bin is not on your PATH yet/);
    const link = path.join(dir.path, 'home', '.local', 'bin', 'authdesk');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(path.join(dir.path, 'resources', 'bin', 'authdesk'));
    expect(existsSync(link)).toBe(true);
  });
});
