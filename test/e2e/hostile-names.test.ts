/**
 * A name from an import file or a QR code that carries a bidirectional override or an invisible
 * character is shown with it escaped (`\u202e`), not obeyed: "Safe\u202eelgooG" must not read as
 * "SafeGoogle" in the account list (renderer/src/format.ts visibleName). Search still finds the
 * account by its true name.
 */
import { describe, expect, it } from 'vitest';
import { startApp } from './harness.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('hostile names in the account list (e2e)', () => {
  it('shows bidi overrides and invisible characters escaped: the row, its accessible name, the account menu', async () => {
    const app = await startApp({
      beforeLoad: async (vault) => {
        await vault.add({ type: 'totp', issuer: 'Safe\u202eelgooG', label: 'alice\u2066@example.com\u200b', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30 });
      },
    });
    try {
      const { page } = app;
      const issuer = page.locator('.row__issuer').first();
      await issuer.waitFor();
      expect(await issuer.textContent()).toBe('Safe\\u202eelgooG');
      expect(await page.locator('.row__label').first().textContent()).toBe('alice\\u2066@example.com\\u200b');
      const row = page.getByRole('option').first();
      expect(await row.getAttribute('aria-label')).toContain('Safe\\u202eelgooG');
      // No raw override or invisible character anywhere in the list's text.
      const text = await page.getByRole('listbox').innerText();
      expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f]/);
      // The account's menu (a dialog titled with its full name) shows it the same way.
      await page.getByRole('button', { name: /^Actions for / }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.getByRole('heading').first().textContent()).toBe('Safe\\u202eelgooG (alice\\u2066@example.com\\u200b)');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Search uses the true name.
      await page.getByRole('listbox').focus();
      await page.keyboard.type('elgoo');
      await expect.poll(() => page.getByRole('option').count()).toBe(1);
    } finally {
      await app.close();
    }
  });
});
