/**
 * Accessibility and appearance in Chromium: focus order, names, the polite live region, reduced
 * motion, text contrast (WCAG AA) in both themes, and the theme setting applied live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startApp, type AppHarness } from './harness.js';

const KEY = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function seed(issuer: string) {
  return async (vault: AppHarness['vault']) => {
    await vault.add({ type: 'totp', issuer, label: 'alice', secret: KEY, algorithm: 'SHA1', digits: 6, period: 30 });
  };
}

/** WCAG contrast of an element's text colour against the nearest opaque background (page-side, as a string). */
async function contrasts(page: Page, selectors: string[]): Promise<Record<string, number>> {
  return (await page.evaluate(`(() => {
    const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3); } return [255, 255, 255]; };
    const out = {};
    for (const sel of ${JSON.stringify(selectors)}) {
      const el = document.querySelector(sel);
      if (!el) { out[sel] = 0; continue; }
      const a = lum(parse(getComputedStyle(el).color).slice(0, 3)), b = lum(bg(el));
      out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }
    return out;
  })()`)) as Record<string, number>;
}

describe('accessibility (e2e)', () => {
  it('focus order, names and the live region; Tab reaches everything in a sensible order', async () => {
    const app = await startApp({ browser, beforeLoad: seed('GitHub') });
    try {
      const { page } = app;
      await page.getByRole('option', { name: /GitHub/ }).waitFor();
      const order: string[] = [];
      await page.locator('body').focus();
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        order.push((await page.evaluate('(() => { const e = document.activeElement; return e.getAttribute("aria-label") || e.getAttribute("role") || e.tagName; })()')) as string);
      }
      const at = (name: string) => order.indexOf(name);
      expect(at('Search accounts')).toBeGreaterThanOrEqual(0);
      expect(at('Search accounts')).toBeLessThan(at('Add account'));
      expect(at('Add account')).toBeLessThan(at('Settings'));
      expect(at('Settings')).toBeLessThan(at('Accounts'));
      // The list, focused, names the selected account, its code digit by digit and the time left.
      await page.getByRole('listbox', { name: 'Accounts' }).focus();
      const label = await page.getByRole('option', { selected: true }).getAttribute('aria-label');
      expect(label).toMatch(/^GitHub, alice\. Code \d \d \d, \d \d \d\. Press Enter to copy\.$/);
      // Time left is the option's description (updated each second, not announced: no live region).
      const describedBy = await page.getByRole('option', { selected: true }).getAttribute('aria-describedby');
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/^\d+ seconds left\.$/);
      expect(await page.locator('[aria-live="polite"]').count()).toBeGreaterThanOrEqual(2);
      // The decorative parts are hidden from screen readers.
      expect(await page.locator('.row .code').first().getAttribute('aria-hidden')).toBe('true');
      expect(await page.locator('.issuer-icon').first().getAttribute('aria-hidden')).toBe('true');
      // Esc closes a sheet and focus comes back to the list.
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Accounts');
      // Every button has a name.
      const unnamed = await page.evaluate('[...document.querySelectorAll("button")].filter((b) => !(b.getAttribute("aria-label") || b.textContent.trim())).length');
      expect(unnamed).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('reduced motion: nothing animates; the countdown ring never does (power: one repaint a second)', async () => {
    const duration = (page: AppHarness['page'], selector: string) => page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).transitionDuration`);
    const app = await startApp({ browser, reducedMotion: 'reduce', beforeLoad: seed('GitLab') });
    try {
      await app.page.locator('.ring__progress').first().waitFor();
      expect(await duration(app.page, '.ring__progress')).toBe('0s');
      expect(await duration(app.page, '.row')).toBe('0.001s');
    } finally {
      await app.close();
    }
    const moving = await startApp({ browser, reducedMotion: 'no-preference', beforeLoad: seed('GitLab') });
    try {
      await moving.page.locator('.ring__progress').first().waitFor();
      // The ring steps (and turns urgent) without a transition even when motion is welcome: a fade
      // would repaint every ring for a dozen frames each period (docs/power.md).
      expect(await duration(moving.page, '.ring__progress')).toBe('0s');
      expect(await duration(moving.page, '.row')).toBe('0.12s, 0.12s');
    } finally {
      await moving.close();
    }
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`text contrast meets WCAG AA in the ${scheme} theme`, async () => {
      const app = await startApp({ browser, colorScheme: scheme, beforeLoad: seed('Dropbox') });
      try {
        await app.page.locator('.row .code:not(.code--placeholder)').first().waitFor();
        const ratios = await contrasts(app.page, ['.row__issuer', '.row__label', '.row .code', '.row__seconds', '.search__input']);
        for (const [selector, ratio] of Object.entries(ratios)) expect(ratio, selector).toBeGreaterThanOrEqual(4.5);
      } finally {
        await app.close();
      }
    });
  }

  /** Computed colours of the surfaces every screen uses, plus a danger button and an error toast added for the measure. */
  async function palette(page: Page, theme: 'system' | 'light' | 'dark'): Promise<Record<string, string>> {
    await page.locator('.row .code:not(.code--placeholder)').first().waitFor();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme ?? "system"')).toBe(theme);
    // Outside Electron a pinned theme arrives with the settings, after the first paint (Electron sets
    // nativeTheme.themeSource before the window exists); let the colour transitions it starts finish.
    await expect.poll(() => page.evaluate('document.getAnimations().filter((a) => a instanceof CSSTransition).length')).toBe(0);
    return (await page.evaluate(`(() => {
      const probe = document.createElement('div');
      probe.innerHTML = '<button class="button button--danger" id="probe-danger">Delete</button><div class="toast toast--error" id="probe-error">Failed</div><div class="toast" id="probe-toast">Copied</div>';
      document.body.append(probe);
      const out = {};
      for (const [name, sel, prop] of [['page', 'body', 'backgroundColor'], ['text', 'body', 'color'], ['issuer', '.row__issuer', 'color'], ['label', '.row__label', 'color'],
        ['row', '.row', 'backgroundColor'], ['rowShadow', '.row', 'boxShadow'], ['danger', '#probe-danger', 'backgroundColor'], ['dangerText', '#probe-danger', 'color'],
        ['errorText', '#probe-error', 'color'], ['toast', '#probe-toast', 'backgroundColor'], ['toastText', '#probe-toast', 'color']]) {
        out[name] = getComputedStyle(document.querySelector(sel))[prop];
      }
      return out;
    })()`)) as Record<string, string>;
  }

  it('a theme pinned in Settings looks exactly like the system scheme of the same name, and its danger and toast text stay readable', async () => {
    const looks: Record<string, Record<string, string>> = {};
    for (const os of ['light', 'dark'] as const) {
      for (const theme of ['system', 'light', 'dark'] as const) {
        const app = await startApp({ browser, colorScheme: os, beforeLoad: async (vault) => { await seed('Okta')(vault); await vault.updateSettings({ theme }); } });
        try {
          looks[`${os}/${theme}`] = await palette(app.page, theme);
          const ratios = await contrasts(app.page, ['#probe-danger', '#probe-error', '#probe-toast']);
          for (const [selector, ratio] of Object.entries(ratios)) expect(ratio, `${os}/${theme} ${selector}`).toBeGreaterThanOrEqual(4.5);
        } finally {
          await app.close();
        }
      }
    }
    expect(looks['light/dark']).toEqual(looks['dark/system']);
    expect(looks['dark/dark']).toEqual(looks['dark/system']);
    expect(looks['dark/light']).toEqual(looks['light/system']);
    expect(looks['light/light']).toEqual(looks['light/system']);
    expect(looks['dark/system']!.page).not.toBe(looks['light/system']!.page);
    expect(looks['dark/system']!.danger).not.toBe(looks['light/system']!.danger);
  });

  it('the theme setting applies at once and overrides the system preference', async () => {
    const app = await startApp({ browser, colorScheme: 'light', beforeLoad: seed('Slack') });
    try {
      const { page } = app;
      const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(await background()).toBe('rgb(244, 245, 247)');
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('radio', { name: 'Dark' }).click();
      await expect.poll(background).toBe('rgb(14, 16, 20)');
      expect((await app.vault.settings()).theme).toBe('dark');
      await page.getByRole('radio', { name: 'System' }).click();
      await expect.poll(background).toBe('rgb(244, 245, 247)');
    } finally {
      await app.close();
    }
  });
});
