/**
 * Writes docs/screenshots/*.png (light and dark, empty and with accounts, the add form) from the
 * real app in Chromium, and checks that each rendered what it should (and without page errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import type { VaultApi } from '../../core/vault/api.js';
import { launchBrowser, startApp } from './harness.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
// Made-up keys for the demo accounts (one each, so the codes differ as they would).
const KEYS = ['JBSWY3DPEHPK3PXP', 'GEZDGNBVGY3TQOJQ', 'MFRGGZDFMZTWQ2LK', 'ONSWG4TFORZWK3TE', 'NBSWY3DPFQQHO33S', 'KRUGKIDROVUWG2ZA', 'MJZG653OEBTG66BA', 'NJ2W24DTEBXXMZLS', 'ORUGKIDMMF5HSIDE'];
const SAMPLE = [
  ['Amazon Web Services', 'alice@123456789012'],
  ['GitHub', 'octocat'],
  ['Google', 'alice@gmail.com'],
  ['Microsoft', 'alice@outlook.com'],
  ['GitLab', 'alice'],
  ['Dropbox', 'alice@example.com'],
  ['Cloudflare', 'ops@example.com'],
  ['Fastmail', 'alice@fastmail.com'],
] as const;

async function seed(vault: VaultApi): Promise<void> {
  for (const [i, [issuer, label]] of SAMPLE.entries()) await vault.add({ type: 'totp', issuer, label, secret: KEYS[i] ?? '', algorithm: 'SHA1', digits: 6, period: 30 });
  await vault.add({ type: 'hotp', issuer: 'Acme VPN', label: 'alice', secret: KEYS[8] ?? '', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 });
}

let browser: Browser;
beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: empty, with accounts, adding`, async () => {
      const app = await startApp({ browser, colorScheme: scheme, deviceScaleFactor: 2, viewport: { width: 440, height: 700 } });
      try {
        const { page } = app;
        await page.locator('.empty').waitFor();
        const empty = path.join(OUT, `${scheme}-empty.png`);
        await page.screenshot({ path: empty });

        await seed(app.vault);
        app.emit('accounts.changed', { source: 'external' });
        await page.getByRole('option', { name: /GitHub/ }).waitFor();
        // Let every visible row get its code and the rings settle.
        await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.code--placeholder').length <= 1);
        await page.getByRole('button', { name: 'Next code for Acme VPN' }).click();
        // A calm moment of the period (not the last seconds, which add the next code and turn amber).
        const intoPeriod = () => (Date.now() / 1000) % 30;
        while (intoPeriod() < 4 || intoPeriod() > 18) await page.waitForTimeout(250);
        await page.getByRole('listbox').focus();
        await page.keyboard.press('Home');
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(1200);
        const accounts = path.join(OUT, `${scheme}-accounts.png`);
        await page.screenshot({ path: accounts });

        await page.getByRole('button', { name: 'Add account' }).click();
        await page.getByRole('button', { name: /Enter key manually/ }).click();
        await page.getByRole('textbox', { name: 'Service' }).fill('GitHub');
        await page.getByRole('textbox', { name: 'Account name' }).fill('octocat');
        await page.getByRole('textbox', { name: 'Secret key' }).fill('JBSW Y3DP EHPK 3PX0');
        await page.locator('.field__hint--error').waitFor();
        const adding = path.join(OUT, `${scheme}-add-key.png`);
        await page.screenshot({ path: adding });

        for (const file of [empty, accounts, adding]) expect(statSync(file).size).toBeGreaterThan(20_000);
        expect(app.pageErrors).toEqual([]);
        const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
        expect(background).toBe(scheme === 'dark' ? 'rgb(14, 16, 20)' : 'rgb(244, 245, 247)');
      } finally {
        await app.close();
      }
    });
  }
});
