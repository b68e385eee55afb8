/**
 * Power and privacy on screen (issue 12 §2, §4), in Chromium with the real handlers and keychain:
 *  - while main says nobody can see the window (tray, minimised, screen locked), the page runs no
 *    timer, interval or animation frame at all; shown again, its codes are fetched fresh and right;
 *  - "Show codes: on hover / on click" keeps the digits out of the page until the person asks.
 * Wake-ups are counted by wrappers installed before the app's own scripts (an init script).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp } from '../helpers/cli.js';
import { rowCode, startApp, type AppHarness } from './harness.js';

const KEY_A = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const KEY_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const WAKEUP_COUNTER = `
(() => {
  const count = { n: 0 };
  globalThis.__wakeups = count;
  for (const name of ['setTimeout', 'setInterval', 'requestAnimationFrame']) {
    const original = globalThis[name].bind(globalThis);
    globalThis[name] = (fn, ...rest) => original(typeof fn === 'function' ? (...args) => { count.n++; return fn(...args); } : fn, ...rest);
  }
})();`;

const codeNow = (key: string) => oathtoolTotp(key, Date.now() / 1000);
const digitsOf = (text: string | null) => (text ?? '').replace(/\s/g, '');

describe('power (e2e)', () => {
  let app: AppHarness;
  beforeAll(async () => {
    app = await startApp({
      initScript: WAKEUP_COUNTER,
      beforeLoad: async (vault) => {
        await vault.add({ type: 'totp', issuer: 'Alpha', label: 'a@example.com', secret: KEY_A, algorithm: 'SHA1', digits: 6, period: 30 });
        await vault.add({ type: 'totp', issuer: 'Beta', label: 'b@example.com', secret: KEY_B, algorithm: 'SHA1', digits: 6, period: 30 });
      },
    });
  });
  afterAll(() => app?.close());

  it('ticks while seen; while unseen not one timer fires; shown again, the codes are fetched fresh and right', async () => {
    const { page } = app;
    expect(await rowCode(page, /Alpha/)).toBe(codeNow(KEY_A));
    const wakeups = () => page.evaluate(() => (globalThis as unknown as { __wakeups: { n: number } }).__wakeups.n);

    // Seen: the list's clock ticks (about once a second).
    const seenStart = await wakeups();
    await expect.poll(wakeups).toBeGreaterThanOrEqual(seenStart + 2);

    app.emit('app.presence', { visible: false });
    // Let anything already scheduled run out (the tick in flight), then watch for 3.5 s.
    await page.waitForTimeout(1500);
    const hiddenStart = await wakeups();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(await wakeups()).toBe(hiddenStart);

    const asked = app.ipc.filter((r) => r.channel === 'authdesk:codes.current').length;
    app.emit('app.presence', { visible: true });
    await expect.poll(() => app.ipc.filter((r) => r.channel === 'authdesk:codes.current').length).toBeGreaterThan(asked);
    expect(await rowCode(page, /Alpha/)).toBe(codeNow(KEY_A));
    expect(await rowCode(page, /Beta/)).toBe(codeNow(KEY_B));
    await expect.poll(wakeups).toBeGreaterThan(hiddenStart);
  });

  it('"Show codes: on hover" keeps the digits out of the page until a row is pointed at', async () => {
    const { page } = app;
    await page.mouse.move(0, 0);
    await app.vault.updateSettings({ codeVisibility: 'hover' });
    await app.load();
    const alpha = page.getByRole('option', { name: /Alpha/ });
    await expect.poll(async () => alpha.locator('.code').getAttribute('class')).toContain('code--masked');
    expect(digitsOf(await alpha.locator('.code').textContent())).toBe('••••••');
    const html = await page.content();
    for (const key of [KEY_A, KEY_B]) expect(html).not.toContain(codeNow(key).slice(0, 3) + ' ' + codeNow(key).slice(3));
    expect(await alpha.getAttribute('aria-label')).toContain('Code hidden');

    await alpha.hover();
    await expect.poll(async () => alpha.locator('.code').getAttribute('class')).not.toContain('code--masked');
    expect(await rowCode(page, /Alpha/)).toBe(codeNow(KEY_A));
    // The other row stays hidden.
    expect(await page.getByRole('option', { name: /Beta/ }).locator('.code').getAttribute('class')).toContain('code--masked');

    await page.mouse.move(0, 0);
    await expect.poll(async () => alpha.locator('.code').getAttribute('class')).toContain('code--masked');
  });

  it('"Show codes: on click" shows the clicked row (and copies it as ever)', async () => {
    const { page } = app;
    await app.vault.updateSettings({ codeVisibility: 'click' });
    await app.load();
    const beta = page.getByRole('option', { name: /Beta/ });
    await expect.poll(async () => beta.locator('.code').getAttribute('class')).toContain('code--masked');
    await beta.hover();
    expect(await beta.locator('.code').getAttribute('class')).toContain('code--masked');
    const writes = app.clipboard.writes.length;
    await beta.click();
    await expect.poll(async () => beta.locator('.code').getAttribute('class')).not.toContain('code--masked');
    expect(await rowCode(page, /Beta/)).toBe(codeNow(KEY_B));
    await expect.poll(() => app.clipboard.writes.length).toBe(writes + 1);
    expect(await page.getByRole('option', { name: /Alpha/ }).locator('.code').getAttribute('class')).toContain('code--masked');
  });
});
