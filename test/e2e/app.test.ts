/**
 * The renderer in Chromium through the real handlers, vault and keychain (test/e2e/harness.ts).
 * Oracles: Debian's oathtool for codes; the recording clipboard port for copies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { openVault } from '../../node/open-vault.js';
import { areas } from '../../electron/ipc/contract.js';
import { launchBrowser, rowCode, startApp, type AppHarness } from './harness.js';

// Keys made up for these tests (base32 of random bytes); oathtool is the oracle.
const KEY_A = 'N5KGQZLSEBZWKY3SMV2CA23FPEQGM33S';
const KEY_B = 'MFZW4ZDGNBZGK3LOMVWXA33RONXWI4TU';
const KEY_C = 'ORSXG5DJNZTSAMJSGM2DKNRXHA4TAMJS';
const ALL_KEYS = [KEY_A, KEY_B, KEY_C];

function oathtool(secret: string, unixSeconds: number): string {
  const result = spawnSync('oathtool', ['--totp', '-b', `--now=@${unixSeconds}`, secret], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('Authdesk renderer (e2e, real handlers and keychain)', () => {
  let app: AppHarness;
  beforeAll(async () => {
    app = await startApp({ browser });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is a locked-down page: no Node, CSP enforced, only its own origin, a frozen API of functions', async () => {
    const { page } = app;
    const report = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      const api = g['authdesk'] as Record<string, Record<string, unknown>>;
      const areas = Object.keys(api);
      const everyFunction = areas.every((a) => (a === 'on' ? typeof api[a] === 'function' : Object.values(api[a] ?? {}).every((f) => typeof f === 'function')));
      let reassigned: boolean;
      try {
        g['authdesk'] = {};
        reassigned = g['authdesk'] !== api;
      } catch {
        reassigned = false;
      }
      return {
        require: typeof g['require'], process: typeof g['process'], module: typeof g['module'], Buffer: typeof g['Buffer'],
        ipcRenderer: typeof g['ipcRenderer'], electron: typeof g['electron'], invokeBinding: typeof g['__authdeskInvoke'],
        areas: areas.sort(), everyFunction, frozen: Object.isFrozen(api), reassigned,
      };
    });
    const csp = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
    expect(report).toMatchObject({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined', ipcRenderer: 'undefined', electron: 'undefined', invokeBinding: 'undefined' });
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe-inline|'unsafe-eval'/);
    expect(report.areas).toEqual([...Object.keys(areas), 'on'].sort());
    expect({ everyFunction: report.everyFunction, frozen: report.frozen }).toEqual({ everyFunction: true, frozen: true });
    expect(report.reassigned).toBe(false);

    // An injected inline script does not run, and the violation is reported; remote loads are refused.
    // Page-side code as a string: this file is type-checked without the DOM library (tsconfig.json).
    const injected = (await page.evaluate(`(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__pwned = true';
      document.body.append(script);
      // String timers are eval: the page's CSP (no 'unsafe-eval') must refuse them. (Playwright's own
      // evaluate is exempt from CSP, so eval is tried the way page code would.)
      setTimeout('window.__evalRan = true', 0);
      const img = document.createElement('img');
      img.src = 'https://evil.example/x.png';
      document.body.append(img);
      let fetched;
      try { await fetch('https://evil.example/'); fetched = 'yes'; } catch { fetched = 'refused'; }
      await new Promise((r) => setTimeout(r, 200));
      script.remove();
      img.remove();
      return { pwned: window.__pwned === true || window.__evalRan === true, violations, fetched };
    })()`)) as { pwned: boolean; violations: string[]; fetched: string };
    expect(injected.pwned).toBe(false);
    expect(injected.violations).toEqual(expect.arrayContaining(['script-src-elem', 'script-src', 'img-src', 'connect-src']));
    expect(injected.fetched).toBe('refused');
    // The page itself asked for nothing outside its origin before we injected anything.
    expect(app.blockedRequests.filter((u) => !u.startsWith('https://evil.example'))).toEqual([]);
  });

  it('a call the contract does not know, or a malformed payload, is refused with a sentence', async () => {
    const answers = await app.page.evaluate(async () => {
      const api = (globalThis as unknown as { authdesk: { accounts: { remove(p: unknown): Promise<unknown>; add(p: unknown): Promise<unknown> } } }).authdesk;
      return [await api.accounts.remove({ id: '../../x' }), await api.accounts.add({ type: 'totp', issuer: 'a', label: 'b', secret: 'x', status: 'recovered' })];
    });
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD', message: expect.stringMatching(/^Invalid request: /) } });
  });

  it('adds by link; the code shown equals oathtool\'s', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /Paste link/ }).click();
    const box = page.getByRole('textbox', { name: 'Authenticator link' });
    await box.fill('https://example.com/not-a-link');
    await expect.poll(() => page.locator('.field__hint--error').textContent()).toContain('not "otpauth:"');
    await box.fill(`otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=${KEY_A}&issuer=Amazon%20Web%20Services`);
    await expect.poll(() => page.locator('.preview').textContent()).toContain('alice@123456789012');
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('option', { name: /Amazon Web Services/ }).waitFor();
    const shown = await rowCode(page, 'Amazon Web Services');
    const now = Math.floor(Date.now() / 1000);
    expect(shown).toBe(oathtool(KEY_A, now));
    expect(await page.locator('.issuer-icon[data-brand="aws"]').count()).toBe(1);
  });

  it('adds by key with inline validation in core\'s words; bad input never reaches the vault', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /Enter key manually/ }).click();
    await page.getByRole('textbox', { name: 'Service' }).fill('GitHub');
    const secret = page.getByRole('textbox', { name: 'Secret key' });
    await secret.fill('JBSWY3DPEHPK3PX1');
    await expect.poll(() => page.locator('.field__hint--error').textContent()).toBe('The secret key contains "1" at position 16, which is not allowed. Base32 keys never contain the digits 0, 1, 8 or 9 — check for the letters O, I/L or B instead.');
    await secret.fill('JBSWY3DP');
    await expect.poll(() => page.locator('.field__hint--error').textContent()).toContain('too short');
    // Submitting without a name explains that too.
    await secret.fill(KEY_B.toLowerCase().replace(/(.{4})/g, '$1 '));
    await expect.poll(() => page.locator('.field__hint--ok').textContent()).toContain('160-bit key');
    await page.getByRole('button', { name: 'Add account' }).click();
    await expect.poll(() => page.locator('.field__hint--error').textContent()).toContain('Give the account a name');
    await page.getByRole('textbox', { name: 'Account name' }).fill('octocat');
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('option', { name: /GitHub/ }).waitFor();
    expect(await rowCode(page, 'GitHub')).toBe(oathtool(KEY_B, Math.floor(Date.now() / 1000)));
    expect((await app.vault.list()).map((a) => a.issuer).sort()).toEqual(['Amazon Web Services', 'GitHub']);
  });

  it('copies through main and clears the clipboard after the delay, only if it still holds the code', async () => {
    const { page } = app;
    await app.vault.updateSettings({ clipboardClearSeconds: 2 });
    const before = app.clipboard.writes.length;
    await page.getByRole('option', { name: /GitHub/ }).click();
    await expect.poll(() => app.clipboard.writes.length).toBe(before + 1);
    const copied = app.clipboard.writes.at(-1) ?? '';
    expect(copied).toMatch(/^\d{6}$/);
    const t = Math.floor(Date.now() / 1000);
    expect([oathtool(KEY_B, t), oathtool(KEY_B, t - 1)]).toContain(copied);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Copied code for GitHub');
    await expect.poll(() => app.clipboard.text).toBe('');

    // Keyboard: Enter copies the selected row; the user then copies something else: it is kept.
    await page.getByRole('listbox').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => app.clipboard.text).toMatch(/^\d{6}$/);
    app.clipboard.writeText('user text');
    await page.waitForTimeout(2500);
    expect(app.clipboard.text).toBe('user text');
    await app.vault.updateSettings({ clipboardClearSeconds: 30 });
  });

  it('searches by typing, navigates with arrows, Esc clears', async () => {
    const { page } = app;
    await page.getByRole('listbox').focus();
    await page.keyboard.type('git');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Search accounts');
    expect(await page.getByRole('searchbox', { name: 'Search accounts' }).inputValue()).toBe('git');
    await expect.poll(() => page.getByRole('option').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('option').count()).toBe(2);
    await page.keyboard.type('nothing like this');
    await expect.poll(() => page.locator('.no-results').textContent()).toContain('No account matches');
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByRole('option', { selected: true }).getAttribute('aria-label')).toMatch(/^GitHub/);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.getByRole('option', { selected: true }).getAttribute('aria-label')).toMatch(/^Amazon Web Services, alice@123456789012\. Code [\d ,]+\. Press Enter to copy\./);
  });

  it('reorders by drag and by keyboard, persisted in the vault', async () => {
    const { page } = app;
    const order = async () => (await app.vault.list()).map((a) => a.issuer);
    expect(await order()).toEqual(['Amazon Web Services', 'GitHub']);
    await page.getByRole('option', { name: /GitHub/ }).dragTo(page.getByRole('option', { name: /Amazon/ }), { targetPosition: { x: 40, y: 8 } });
    await expect.poll(order).toEqual(['GitHub', 'Amazon Web Services']);
    await page.getByRole('listbox').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(order).toEqual(['Amazon Web Services', 'GitHub']);
    // The list re-renders when main says the vault changed: on a busy machine that lands after the
    // vault's order does, so the rows are polled, not read once.
    const firstRow = async () => (await page.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')?.split('.')[0])))[0];
    await expect.poll(firstRow).toMatch(/^Amazon/);
  });

  it('renames and deletes with confirmation', async () => {
    const { page } = app;
    await page.getByRole('option', { name: /GitHub/ }).click({ button: 'right' });
    await page.getByRole('button', { name: 'Rename…' }).click();
    await page.getByRole('textbox', { name: 'Account name' }).fill('octo-work');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await app.vault.list()).find((a) => a.issuer === 'GitHub')?.label).toBe('octo-work');
    await expect.poll(() => page.getByRole('option', { name: /GitHub, octo-work/ }).count()).toBe(1);

    await page.getByRole('listbox').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete GitHub?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await app.vault.list()).toHaveLength(2);
    await page.getByRole('listbox').focus();
    await page.keyboard.press('Delete');
    await page.getByRole('dialog', { name: 'Delete GitHub?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => (await app.vault.list()).length).toBe(1);
    await expect.poll(() => page.getByRole('option').count()).toBe(1);
  });

  it('shows HOTP codes on demand', async () => {
    const { page } = app;
    await app.vault.add({ type: 'hotp', issuer: 'Corp VPN', label: 'bob', secret: KEY_C, algorithm: 'SHA1', digits: 6, period: 30, counter: 5 });
    // Added by another process-like path: the window refreshes from the vault watch.
    await page.getByRole('option', { name: /Corp VPN/ }).waitFor();
    await page.getByRole('button', { name: 'Next code for Corp VPN' }).click();
    const expected = spawnSync('oathtool', ['--hotp', '-b', '-c', '5', KEY_C], { encoding: 'utf8' }).stdout.trim();
    await expect.poll(async () => (await page.getByRole('option', { name: /Corp VPN/ }).locator('.code').textContent())?.replace(/\s/g, '')).toBe(expected);
    expect((await app.vault.get((await app.vault.list()).find((a) => a.issuer === 'Corp VPN')!.id)).counter).toBe(6);
  });

  it('an account added by the CLI (another process on the same vault) appears without reload', async () => {
    // Like `authdesk add`: a second process on the same vault (no keychain-wide reconciliation, which
    // parallel test files deleting their own items could disturb).
    const other = await openVault({ dataDir: app.dataDir, reconcile: 'skip' });
    await other.add({ type: 'totp', issuer: 'Dropbox', label: 'me@example.com', secret: KEY_B, algorithm: 'SHA1', digits: 6, period: 30 });
    await app.page.getByRole('option', { name: /Dropbox/ }).waitFor();
    expect(await rowCode(app.page, 'Dropbox')).toBe(oathtool(KEY_B, Math.floor(Date.now() / 1000)));
  });

  it('locks and unlocks: codes hidden while locked, secrets only with the passphrase', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('region', { name: 'App lock' }).getByRole('button', { name: 'Set passphrase…' }).click();
    await page.getByLabel('New passphrase').fill('correct horse');
    await page.getByLabel('Repeat it').fill('correct horse');
    await page.getByRole('button', { name: 'Save passphrase' }).click();
    await expect.poll(() => page.getByText('On. Codes are hidden until you unlock.').count()).toBe(1);
    await page.getByRole('button', { name: 'Close settings' }).click();

    await page.getByRole('button', { name: 'Lock now' }).click();
    await page.getByRole('heading', { name: 'Authdesk is locked' }).waitFor();
    expect(await page.locator('.code').count()).toBe(0);
    expect(await page.content()).not.toMatch(/Dropbox|Amazon/);
    const locked = await page.evaluate(() => (globalThis as unknown as { authdesk: { codes: { current(p: unknown): Promise<unknown> } } }).authdesk.codes.current({ ids: ['x'] }));
    expect(locked).toMatchObject({ ok: false, error: { code: 'LOCKED' } });

    await page.getByPlaceholder('Passphrase').fill('wrong one');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That passphrase is not right. Check Caps Lock and try again.');
    await page.getByPlaceholder('Passphrase').fill('correct horse');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('option', { name: /Dropbox/ }).waitFor();
    expect(await rowCode(page, 'Dropbox')).toBe(oathtool(KEY_B, Math.floor(Date.now() / 1000)));

    // Reveal: the one response with a seed, after the passphrase is entered again.
    await page.getByRole('option', { name: /Dropbox/ }).click({ button: 'right' });
    await page.getByRole('button', { name: 'Show secret key…' }).click();
    await page.getByLabel('Your app lock passphrase').fill('correct horse');
    await page.getByRole('button', { name: 'Show key' }).click();
    await expect.poll(async () => (await page.locator('.secret').textContent())?.replace(/\s/g, '')).toBe(KEY_B);
    await page.getByRole('button', { name: 'Hide' }).click();
  });

  it('no IPC answer of the session carried a seed, except the one explicit reveal', () => {
    const answers = app.ipc.filter((r) => r.channel !== 'authdesk:accounts.reveal').map((r) => JSON.stringify(r.result));
    expect(answers.length).toBeGreaterThan(20);
    for (const key of ALL_KEYS) for (const answer of answers) expect(answer).not.toContain(key);
    const reveals = app.ipc.filter((r) => r.channel === 'authdesk:accounts.reveal' && r.result.ok);
    expect(reveals).toHaveLength(1);
    expect(app.pageErrors.filter((e) => !/evil\.example|Content Security Policy|ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED/.test(e))).toEqual([]);
  });
});
