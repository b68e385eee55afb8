/**
 * A long list: only the rows on screen exist, scrolling fetches the codes of the rows that come
 * into view (checked against oathtool), and search reaches accounts far down the list.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { NewAccount } from '../../core/vault/api.js';
import { startApp } from './harness.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const COUNT = 150;
// Distinct keys (the vault refuses a key it already holds): the first 4 characters spell i in base32.
const keyOf = (i: number) => Array.from({ length: 32 }, (_, j) => (j < 4 ? ALPHABET[(i >> (5 * j)) % 32] : ALPHABET[(i * 11 + j * 7 + ((i + j) % 3)) % 32])).join('');

describe('long list (e2e)', () => {
  it('virtualises 150 accounts and shows correct codes after scrolling', async () => {
    const inputs: NewAccount[] = Array.from({ length: COUNT }, (_, i) => ({ type: 'totp', issuer: `Service ${String(i).padStart(3, '0')}`, label: `user${i}`, secret: keyOf(i), algorithm: 'SHA1', digits: 6, period: 30 }));
    const app = await startApp({ viewport: { width: 440, height: 680 }, beforeLoad: async (vault) => void (await vault.addMany(inputs)) });
    try {
      const { page } = app;
      await page.getByRole('option', { name: /Service 000/ }).waitFor();
      const rows = await page.getByRole('option').count();
      expect(rows).toBeGreaterThan(5);
      expect(rows).toBeLessThan(30);

      await page.getByRole('listbox').focus();
      await page.keyboard.press('End');
      const last = page.getByRole('option', { name: /Service 149/ });
      await last.waitFor();
      await expect.poll(async () => (await last.locator('.code').getAttribute('class')) ?? '').not.toContain('placeholder');
      // Read when at least 3 s are left in the period, so oathtool is asked about the same step.
      while (Number(await last.locator('.row__seconds').textContent()) < 3) await page.waitForTimeout(500);
      const shown = ((await last.locator('.code').textContent()) ?? '').replace(/\s/g, '');
      const expected = spawnSync('oathtool', ['--totp', '-b', `--now=@${Math.floor(Date.now() / 1000)}`, keyOf(149)], { encoding: 'utf8' }).stdout.trim();
      expect(shown).toBe(expected);
      expect(await page.getByRole('option').count()).toBeLessThan(30);

      // Codes are asked for only for rows that were on screen, never for all 150 at once.
      const asked = app.ipc.filter((r) => r.channel === 'authdesk:codes.current').map((r) => (r.payload as { ids: string[] }).ids.length);
      expect(Math.max(...asked)).toBeLessThan(30);

      await page.keyboard.type('user77');
      await expect.poll(() => page.getByRole('option').count()).toBe(1);
      await page.getByRole('option', { name: /Service 077/ }).waitFor();
    } finally {
      await app.close();
    }
  });
});
