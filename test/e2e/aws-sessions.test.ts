/**
 * Settings › AWS › MFA sessions and the fresh-code countdown, in Chromium (test/e2e/harness.ts)
 * through the real handlers: a real session obtained by the real CLI (`authdesk aws credentials`
 * against test/iam-server's STS) into the real keychain, listed without secrets and revoked; and a
 * resync right after an enrollment waiting for a fresh code with a countdown.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CLI, ensureCliBuilt } from '../helpers/cli.js';
import { awsTempDir, cleanAwsEnv, keyEnv, writeProfiles } from '../helpers/iam-env.js';
import { IamServer, TEST_KEYS } from '../iam-server/server.js';
import { KeychainSessionCache } from '../../node/aws/session-cache.js';
import { launchBrowser, startApp, type AppHarness } from './harness.js';

let browser: Browser;
let server: IamServer;
let app: AppHarness;
let dir: ReturnType<typeof awsTempDir>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  ensureCliBuilt();
  server = await IamServer.start();
  dir = awsTempDir();
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, cleanAwsEnv({}, dir.path), keyEnv(TEST_KEYS.alice, server.url, 'AWS_ENDPOINT_URL'));
  browser = await launchBrowser();
  app = await startApp({ browser });
});
afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  dir?.cleanup();
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, savedEnv);
});

describe('MFA sessions in the app (e2e)', () => {
  it('lists a cached session (profile, device, time left) without its secret; Revoke removes it from the keychain', async () => {
    const t = server.tutorialUser('ui-sessions');
    const cliEnv = {
      ...cleanAwsEnv(process.env, dir.path), ...writeProfiles(path.join(dir.path), { default: { key: t.key, endpoint: server.url } }),
      AUTHDESK_DATA_DIR: app.dataDir,
    };
    // Asynchronously: the test server runs in this process and must answer while the CLI waits.
    const run = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const added = await run(['add', '--secret', t.device!.seedBase32, '--issuer', 'Amazon Web Services', '--label', 'ui-sessions', '--json']);
    expect(added.status, added.stderr).toBe(0);
    expect((await run(['aws', 'link', JSON.parse(added.stdout).id, t.device!.serialNumber, '--user', t.userName])).status).toBe(0);
    const got = await run(['aws', 'credentials', '--profile', 'default']);
    expect(got.status, got.stderr).toBe(0);
    const secret = JSON.parse(got.stdout).SecretAccessKey as string;

    const { page } = app;
    await page.getByRole('button', { name: 'Settings' }).click();
    const row = page.getByTestId('aws-session');
    await row.waitFor();
    expect(await row.textContent()).toContain('default');
    expect(await row.textContent()).toContain(t.device!.serialNumber);
    expect(await page.getByTestId('aws-session-left').textContent()).toMatch(/^1[12] h \d+ min left$/);
    expect(await page.content()).not.toContain(secret);
    expect(JSON.stringify(app.ipc)).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('No cached MFA sessions.').waitFor();
    expect(await new KeychainSessionCache(app.vault.vaultId).list()).toEqual([]);
    await page.keyboard.press('Escape');
  }, 120_000);

  it('a resync right after an enrollment waits for a fresh code with a countdown, then succeeds', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /AWS MFA device/ }).click();
    await page.getByRole('textbox', { name: 'Device name' }).fill('ui-countdown');
    await page.getByRole('button', { name: 'Create and enable' }).click();
    await page.getByTestId('aws-done').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('option', { name: /ui-countdown/ }).click({ button: 'right' });
    await page.getByRole('button', { name: 'Resync with AWS…' }).click();
    await page.getByRole('button', { name: 'Resync' }).click();
    const countdown = page.getByTestId('aws-wait-countdown');
    await countdown.waitFor();
    const first = Number(await countdown.getAttribute('data-seconds'));
    expect(await countdown.textContent()).toMatch(/^Waiting \d+ s for fresh codes/);
    await expect.poll(async () => Number(await countdown.getAttribute('data-seconds').catch(() => '-1')), { timeout: 10_000 }).toBeLessThan(first);
    await page.getByTestId('aws-resync-done').waitFor({ timeout: 90_000 });
    expect(server.count('ResyncMFADevice', { ok: true })).toBe(1);
    expect(server.count('EnableMFADevice', { ok: false })).toBe(0);
  }, 150_000);

  it('Settings › AWS: a deactivation Force_MFA refuses to long-term keys goes through an automatic MFA session, and the app says so', async () => {
    const t = server.tutorialUser('ui-force-mfa');
    const serial = t.device!.serialNumber;
    await app.vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: `${t.userName}@123456789012`, secret: t.device!.seedBase32, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: serial });
    const alice = { ...process.env };
    // The app's AWS calls use the standard chain: here the tutorial user's long-term keys.
    Object.assign(process.env, keyEnv(t.key, server.url, 'AWS_ENDPOINT_URL'));
    try {
      await app.load(); // a fresh page: the previous test leaves its resync dialog open
      const { page } = app;
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Show devices' }).click();
      const row = page.getByRole('list', { name: 'AWS MFA devices' }).getByRole('listitem').filter({ hasText: serial });
      await row.getByRole('button', { name: 'Deactivate' }).click();
      await row.getByRole('button', { name: 'Confirm deactivate' }).click();
      const notes = page.getByTestId('aws-notes');
      await expect.poll(async () => (await notes.textContent().catch(() => '')) ?? '', { timeout: 120_000 }).toContain(`Deactivated ${serial}.`);
      const text = await notes.textContent();
      // First what main did (its note, from the same sentence the CLI prints), then the outcome.
      expect(text).toBe(`AWS requires MFA for iam:DeactivateMFADevice (Force_MFA): retrying with an MFA session from ${serial}.Deactivated ${serial}.`);
      expect(app.events.filter((e) => e.name === 'aws.note')).toHaveLength(1);
      expect(server.count('DeactivateMFADevice', { ok: false, userName: t.userName })).toBe(1);
      expect(server.count('GetSessionToken', { ok: true, userName: t.userName })).toBe(1);
      expect(server.count('DeactivateMFADevice', { ok: true })).toBe(1);
      // The session it made is cached like `aws credentials`' and listed at once.
      await page.getByTestId('aws-session').filter({ hasText: serial }).waitFor();
      await page.keyboard.press('Escape');
    } finally {
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      Object.assign(process.env, Object.fromEntries(Object.entries(alice).filter(([k]) => k.startsWith('AWS_'))));
    }
  }, 240_000);
});
