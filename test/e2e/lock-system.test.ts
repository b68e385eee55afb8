/**
 * "Unlock with Touch ID" in Chromium through the real dispatcher, handlers, vault and keychain
 * (test/e2e/harness.ts), with a fake SystemAuth in place of macOS's Touch ID prompt.
 * Oracle for codes: Debian's oathtool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import type { SystemAuth } from '../../node/app-lock.js';
import { launchBrowser, rowCode, startApp, type AppHarness } from './harness.js';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // made up for this test
const PASSPHRASE = 'correct horse';

function oathtool(secret: string, unixSeconds: number): string {
  const result = spawnSync('oathtool', ['--totp', '-b', `--now=@${unixSeconds}`, secret], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

function fakeTouchId(answer: boolean): SystemAuth & { prompts: string[] } {
  const prompts: string[] = [];
  return { name: 'Touch ID', prompts, available: async () => true, prompt: async (reason) => (prompts.push(reason), answer) };
}

/** An app with one account, a passphrase set (so it starts locked) and, optionally, Touch ID turned on. */
function start(browser: Browser, systemAuth: SystemAuth | undefined, useSystemAuth: boolean): Promise<AppHarness> {
  return startApp({
    browser,
    ...(systemAuth ? { systemAuth } : {}),
    beforeLoad: async (vault, services) => {
      await vault.add({ type: 'totp', issuer: 'Fastmail', label: 'me@example.com', secret: KEY, algorithm: 'SHA1', digits: 6, period: 30 });
      await services.handlers.lock.setPassphrase({ next: PASSPHRASE });
      if (useSystemAuth) await services.handlers.settings.update({ useSystemAuth: true });
      services.lock.lock('startup');
    },
  });
}

/** The lock screen has asked main whether Touch ID can unlock (so an absent button means "not offered"). */
async function systemAuthAnswered(app: AppHarness): Promise<void> {
  await app.page.getByRole('heading', { name: 'Authdesk is locked' }).waitFor();
  await expect.poll(() => app.ipc.some((r) => r.channel === 'authdesk:lock.systemAuthStatus')).toBe(true);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('unlock with system authentication (e2e)', () => {
  it('turned on in Settings, Touch ID approving unlocks from the lock screen; reveal still needs the passphrase', async () => {
    const touchId = fakeTouchId(true);
    const app = await start(browser, touchId, false);
    try {
      const { page } = app;
      // Available but not turned on yet: the lock screen offers only the passphrase.
      await systemAuthAnswered(app);
      expect(await page.getByRole('button', { name: 'Unlock with Touch ID' }).count()).toBe(0);
      await page.getByPlaceholder('Passphrase').fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page.getByRole('option', { name: /Fastmail/ }).waitFor();

      await page.getByRole('button', { name: 'Settings' }).click();
      const toggle = page.getByRole('region', { name: 'App lock' }).getByRole('switch', { name: /Unlock with Touch ID/ });
      expect(await toggle.isChecked()).toBe(false);
      await toggle.click();
      await expect.poll(() => toggle.isChecked()).toBe(true);
      expect((await app.vault.settings()).useSystemAuth).toBe(true);
      await page.getByRole('button', { name: 'Close settings' }).click();

      await page.getByRole('button', { name: 'Lock now' }).click();
      await page.getByRole('heading', { name: 'Authdesk is locked' }).waitFor();
      expect(await page.locator('.code').count()).toBe(0);
      await page.getByRole('button', { name: 'Unlock with Touch ID' }).click();
      await page.getByRole('option', { name: /Fastmail/ }).waitFor();
      expect(touchId.prompts).toEqual(['unlock your codes']);
      expect(app.services.lock.isLocked()).toBe(false);
      expect(await rowCode(page, 'Fastmail')).toBe(oathtool(KEY, Math.floor(Date.now() / 1000)));

      // Presence is not knowledge: the secret key still needs the passphrase typed again.
      const id = (await app.vault.list())[0]!.id;
      const reveal = (passphrase: string) =>
        page.evaluate(
          ([i, p]) => (globalThis as unknown as { authdesk: { accounts: { reveal(r: unknown): Promise<unknown> } } }).authdesk.accounts.reveal({ id: i, passphrase: p }),
          [id, passphrase] as const,
        );
      expect(await reveal('wrong one')).toMatchObject({ ok: false, error: { code: 'LOCK_WRONG_PASSPHRASE' } });
      expect(await reveal(PASSPHRASE)).toMatchObject({ ok: true, value: { secret: KEY } });
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('a cancelled Touch ID prompt leaves the app locked with a message; the passphrase still unlocks', async () => {
    const touchId = fakeTouchId(false);
    const app = await start(browser, touchId, true);
    try {
      const { page } = app;
      await page.getByRole('heading', { name: 'Authdesk is locked' }).waitFor();
      await page.getByRole('button', { name: 'Unlock with Touch ID' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Touch ID did not confirm it is you (cancelled or not recognised). Try again, or enter your passphrase.');
      expect(touchId.prompts).toHaveLength(1);
      expect(app.services.lock.isLocked()).toBe(true);
      expect(await page.locator('.code').count()).toBe(0);
      expect(await page.content()).not.toMatch(/Fastmail/);
      // The button is still there to try again, and the passphrase works.
      expect(await page.getByRole('button', { name: 'Unlock with Touch ID' }).isEnabled()).toBe(true);
      await page.getByPlaceholder('Passphrase').fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page.getByRole('option', { name: /Fastmail/ }).waitFor();
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('where the OS offers none (this Linux harness, no port): no button, and Settings says it plainly', async () => {
    const app = await start(browser, undefined, true);
    try {
      const { page } = app;
      await systemAuthAnswered(app);
      expect(await page.getByRole('button', { name: /Unlock with/ }).count()).toBe(0);
      await page.getByPlaceholder('Passphrase').fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page.getByRole('option', { name: /Fastmail/ }).waitFor();

      await page.getByRole('button', { name: 'Settings' }).click();
      const section = page.getByRole('region', { name: 'App lock' });
      await section.getByText('System authentication is not available on Linux', { exact: false }).waitFor();
      expect(await section.getByRole('switch', { name: /Unlock with/ }).count()).toBe(0);
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
