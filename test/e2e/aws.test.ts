/**
 * The AWS UI in Chromium (test/e2e/harness.ts): the "Add AWS MFA device" wizard, its failure
 * choices, Resync, console assist and Settings › AWS, through the real handlers, the real SDK
 * (credentials and AWS_ENDPOINT_URL_IAM from the environment) against test/iam-server, the real
 * vault and keychain. Oracles: the server's own code check and Debian's oathtool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { oathtoolTotp } from '../helpers/cli.js';
import { awsTempDir, cleanAwsEnv, keyEnv } from '../helpers/iam-env.js';
import { IamServer, TEST_KEYS } from '../iam-server/server.js';
import { launchBrowser, startApp, type AppHarness } from './harness.js';

const ACCOUNT = '123456789012';
let browser: Browser;
let server: IamServer;
let app: AppHarness;
let dir: ReturnType<typeof awsTempDir>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = await IamServer.start();
  dir = awsTempDir();
  // Main's handlers build the SDK client from the environment, as the app does.
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, cleanAwsEnv({}, dir.path), keyEnv(TEST_KEYS.alice, server.url));
  browser = await launchBrowser();
  app = await startApp({ browser });
  if (!(await app.page.evaluate(() => 'aws' in (globalThis as unknown as { authdesk: object }).authdesk))) {
    throw new Error('The aws IPC area is not wired into the app yet: add `aws` to `areas` in electron/ipc/contract.ts and `aws: createAwsHandlers(...)` to createAppServices (exact lines in docs/aws.md, "Hooks").');
  }
});
afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  dir?.cleanup();
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, savedEnv);
});

async function openWizard(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Add account' }).first().click();
  await page.getByRole('button', { name: /AWS MFA device/ }).click();
}

async function enroll(page: Page, name: string): Promise<void> {
  await openWizard(page);
  await page.getByRole('textbox', { name: 'Device name' }).fill(name);
  await page.getByRole('button', { name: 'Create and enable' }).click();
}

async function accountAction(page: Page, rowName: RegExp, action: string): Promise<void> {
  await page.getByRole('option', { name: rowName }).click({ button: 'right' });
  await page.getByRole('button', { name: action }).click();
}

describe('AWS in the app (e2e)', () => {
  it('the wizard enrolls with the server clock 90 s ahead, showing each step; the device is enabled and in sync', async () => {
    const { page } = app;
    server.setClockOffsetMs(90_000);
    await openWizard(page);
    await page.getByRole('button', { name: 'Check credentials' }).click();
    await expect.poll(() => page.getByTestId('aws-identity').textContent()).toBe(`alice in account ${ACCOUNT}`);
    await page.getByRole('textbox', { name: 'Device name' }).fill('e2e-laptop');
    await page.getByRole('button', { name: 'Create and enable' }).click();
    await page.getByTestId('aws-done').waitFor();
    const steps = await page.getByTestId('aws-steps').locator('li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`));
    expect(steps).toEqual(expect.arrayContaining(['identify:done', 'create:done', 'store:done', 'enable:done', 'activate:done']));
    expect(steps.indexOf('store:done')).toBeLessThan(steps.indexOf('enable:done'));
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/e2e-laptop`;
    expect(await page.getByTestId('aws-done').textContent()).toContain(serial);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('option', { name: /Amazon Web Services, e2e-laptop@123456789012/ }).waitFor();
    expect(server.device(serial)).toMatchObject({ userName: 'alice', driftSteps: 0 });
    const account = (await app.vault.list()).find((a) => a.awsSerial === serial)!;
    expect(account.status).toBe('active');
    expect(await app.vault.revealSecret(account.id)).toBe(server.device(serial)!.seedBase32);
  });

  it('Resync with AWS after the server clock jumps', async () => {
    const { page } = app;
    // Forward: AWS's clock never runs backwards, and the used-code ledger (rightly) waits for a
    // step after the last one AWS accepted, so a backward jump would only make this test wait.
    server.setClockOffsetMs(240_000);
    await accountAction(page, /e2e-laptop/, 'Resync with AWS…');
    await page.getByRole('button', { name: 'Resync' }).click();
    await page.getByTestId('aws-resync-done').waitFor();
    expect(server.count('ResyncMFADevice')).toBe(1);
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('console assist shows MFA code 1 and 2 at once, with validity and copy', async () => {
    const { page } = app;
    const account = (await app.vault.list()).find((a) => a.label === `e2e-laptop@${ACCOUNT}`)!;
    const seed = await app.vault.revealSecret(account.id);
    for (;;) {
      // Not across a step boundary while reading.
      if (30 - ((Date.now() / 1000) % 30) > 4) break;
      await page.waitForTimeout(500);
    }
    await accountAction(page, /e2e-laptop/, 'AWS console codes…');
    const now = Date.now() / 1000;
    await expect.poll(() => page.getByRole('status').or(page.getByLabel('MFA code 1')).first().isVisible()).toBe(true);
    const code1 = ((await page.getByLabel('MFA code 1').textContent()) ?? '').replace(/\s/g, '');
    const code2 = ((await page.getByLabel('MFA code 2').textContent()) ?? '').replace(/\s/g, '');
    expect(code1).toBe(oathtoolTotp(seed, now));
    expect(code2).toBe(oathtoolTotp(seed, now + 30));
    expect(await page.getByTestId('aws-code-1-validity').textContent()).toMatch(/^valid for \d+ s more$/);
    await page.getByRole('button', { name: 'Copy code 2' }).click();
    await expect.poll(() => app.clipboard.writes.at(-1)).toBe(code2);
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('EntityAlreadyExists: the wizard explains and deletes the unused device, then enrolls', async () => {
    const { page } = app;
    server.setClockOffsetMs(0);
    const leftover = server.seedDevice('e2e-console');
    await enroll(page, 'e2e-console');
    const failure = page.getByTestId('aws-failure');
    await failure.waitFor();
    expect(await failure.getAttribute('data-code')).toBe('AWS_DEVICE_NAME_TAKEN');
    expect(await failure.getByRole('alert').textContent()).toContain('unassigned MFA device');
    await page.getByRole('button', { name: 'Delete the unused device and try again' }).click();
    await page.getByTestId('aws-done').waitFor();
    expect(server.device(leftover.serialNumber)?.seedBase32).not.toBe(leftover.seedBase32);
    expect(server.device(leftover.serialNumber)?.userName).toBe('alice');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('a failed Enable keeps the account pending with the choices; "Try again" finishes it', async () => {
    const { page } = app;
    server.injectError('AccessDenied', 'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:EnableMFADevice', 'EnableMFADevice');
    await enroll(page, 'e2e-pending');
    const failure = page.getByTestId('aws-failure');
    await failure.waitFor();
    expect(await failure.getAttribute('data-code')).toBe('AWS_ACCESS_DENIED');
    expect(await failure.getByRole('alert').textContent()).toContain('nothing is lost');
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/e2e-pending`;
    expect((await app.vault.list()).find((a) => a.awsSerial === serial)?.status).toBe('pending');
    for (const label of ['Try again with fresh codes', 'Delete the device on AWS', 'Keep it pending for later']) {
      expect(await page.getByRole('button', { name: label }).isVisible()).toBe(true);
    }
    await page.getByRole('button', { name: 'Try again with fresh codes' }).click();
    await page.getByTestId('aws-done').waitFor();
    expect((await app.vault.list()).find((a) => a.awsSerial === serial)?.status).toBe('active');
    expect(server.device(serial)?.userName).toBe('alice');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('Settings › AWS lists the devices with their Authdesk accounts', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Show devices' }).click();
    const list = page.getByRole('list', { name: 'AWS MFA devices' });
    await list.waitFor();
    const text = (await list.textContent()) ?? '';
    expect(text).toContain(`arn:aws:iam::${ACCOUNT}:mfa/e2e-laptop`);
    expect(text).toContain(`in Authdesk: e2e-laptop@${ACCOUNT}`);
  });
});
