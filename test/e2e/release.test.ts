// Approvals in the real renderer (Chromium, the harness's real main-side services and keychain):
// the per-account policy from the account's actions, the prompt page main's prompt window loads
// (#release-prompt) answering the BUILT CLI waiting on the real socket, Settings › Activity, and the
// one-time suggestion to ask for an AWS account that gave a code away under "Always".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_URL, startApp, type AppHarness } from './harness.js';
import { ensureCliBuilt, oathtoolTotp, runCli, type CliResult } from '../helpers/cli.js';
import { releaseChannelPath } from '../../node/release/paths.js';
import type { ReleaseServer } from '../../node/release/server.js';

const randomBase32 = (chars: number) => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');
const ALICE_SECRET = randomBase32(64);
const BOB_SECRET = randomBase32(64);
const ALICE = 'arn:aws:iam::123456789012:mfa/alice';
const BOB = 'arn:aws:iam::123456789012:mfa/bob';

let app: AppHarness;
let server: ReleaseServer;

async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

const code = (serial: string): Promise<CliResult> => runCli(['code', serial], { dataDir: app.dataDir });

beforeAll(async () => {
  ensureCliBuilt();
  app = await startApp({
    async beforeLoad(vault) {
      await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: ALICE_SECRET, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: ALICE });
      await vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'bob@123456789012', secret: BOB_SECRET, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: BOB });
    },
  });
  server = await app.services.release.startChannel({ socketPath: releaseChannelPath({ ...process.env, AUTHDESK_DATA_DIR: app.dataDir }) });
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('approvals in the app', () => {
  it('sets an account to "ask, then allow for 5 min" from its actions', async () => {
    const { page } = app;
    await page.getByRole('option', { name: /alice/ }).getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('button', { name: 'Release to other programs…' }).click();
    const dialog = page.getByTestId('account-release-policy');
    await dialog.getByRole('radio', { name: 'Use the default (Always)' }).waitFor();
    expect(await dialog.getByRole('radio', { name: 'Use the default (Always)' }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: /Ask, then allow that program for/ }).check();
    await dialog.getByRole('combobox', { name: 'Minutes' }).selectOption('5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await app.vault.find(ALICE))[0]?.releasePolicy).toEqual({ mode: 'ask-then-allow', minutes: 5 });
  });

  it('the prompt page names the program and the device; "Allow for 5 min" releases the code to the waiting CLI', async () => {
    const started = Date.now();
    const run = code(ALICE);
    const request = await waitFor(() => app.services.release.service.pending()[0]);
    const prompt = await app.context.newPage();
    try {
      await prompt.goto(`${APP_URL}#release-prompt`);
      const card = prompt.getByTestId('release-request');
      await card.waitFor();
      expect(await card.getByRole('heading').textContent()).toBe('Release a code for Amazon Web Services: alice@123456789012?');
      expect(await card.getByTestId('release-program').textContent()).toContain(`pid ${process.pid}`);
      expect(await card.getByTestId('release-program').textContent()).toContain(request.caller.exe);
      expect(await card.textContent()).toContain(ALICE);
      // The prompt page never receives a code: nothing it was sent looks like one.
      await card.getByRole('button', { name: 'Allow for 5 min' }).click();
      const r = await run;
      expect(r.code, r.stderr).toBe(0);
      expect([oathtoolTotp(ALICE_SECRET, started / 1000), oathtoolTotp(ALICE_SECRET, Date.now() / 1000)]).toContain(r.stdout.trim());
      const answers = app.ipc.filter((c) => c.channel === 'authdesk:release.answer' || c.channel === 'authdesk:release.pending');
      expect(answers.length).toBeGreaterThan(0);
      expect(JSON.stringify(answers)).not.toContain(r.stdout.trim());
      await prompt.getByText('No program is waiting for approval.').waitFor();
    } finally {
      await prompt.close();
    }
    expect(app.services.release.service.grants()).toHaveLength(1);
  });

  it('Settings › Activity lists the releases, newest first, and the timed grant', async () => {
    // Within the grant: released without a prompt.
    const again = await code(ALICE);
    expect(again.code, again.stderr).toBe(0);
    const { page } = app;
    await page.getByRole('button', { name: 'Settings' }).click();
    const activity = page.getByTestId('activity');
    await expect.poll(() => activity.getByTestId('activity-entry').count()).toBe(2);
    const first = activity.getByTestId('activity-entry').nth(0);
    expect(await first.textContent()).toMatch(/^Allowed \(within a timed grant\).*a code for Amazon Web Services: alice@123456789012/);
    expect(await activity.getByTestId('activity-entry').nth(1).textContent()).toMatch(/^Allowed for 5 min/);
    expect(await first.textContent()).toContain(`(pid ${process.pid})`);
    expect(await page.getByTestId('release-settings').textContent()).toMatch(/a code until/);
    await page.getByRole('button', { name: 'Close settings' }).click();
    expect(app.pageErrors).toEqual([]);
  });

  it('suggests "Ask" once when an AWS account under Always gave a code to another program', async () => {
    const r = await code(BOB);
    expect(r.code, r.stderr).toBe(0);
    const banner = app.page.getByTestId('release-suggestion');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Amazon Web Services: bob@123456789012 gave a code to .* without asking/);
    await banner.getByRole('button', { name: 'Ask first' }).click();
    await expect.poll(async () => (await app.vault.find(BOB))[0]?.releasePolicy).toEqual({ mode: 'ask' });
    await expect.poll(() => banner.count()).toBe(0);
    // Main records the answer after it changed the account (whose event already hid the banner).
    await expect.poll(async () => (await app.vault.settings()).releaseSuggestionDone).toBe(true);
    expect(app.pageErrors).toEqual([]);
    expect(app.blockedRequests).toEqual([]);
  });
});
