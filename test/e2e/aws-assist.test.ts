/**
 * The README's promise, end to end: "In Authdesk choose Scan screen; the account opens with MFA
 * code 1 and MFA code 2 side by side to type into the console — no waiting 30 seconds for the
 * second code."
 *
 * The BUILT renderer in Chromium (test/e2e/harness.ts) with the real dispatcher, scan and aws
 * handlers, the real zxing decoder, vault and keychain (run under scripts/with-keyring.sh). The
 * "screen" is an AWS-console-like IAM page (test/helpers/scan-e2e-frames.ts) rendered by a second
 * Chromium page and handed over as captured displays. Oracles: Debian's oathtool for the codes, the
 * harness's recording clipboard for Copy.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { createScreenCapture, MAC_SCREEN_RECORDING_GUIDANCE } from '../../electron/main/capture.js';
import type { ScanDeps } from '../../electron/main/handlers/index.js';
import type { CapturedScreen } from '../../electron/main/handlers/scan.js';
import { decodeFrameInProcess } from '../../node/qr/decoder.js';
import { awsTempDir, cleanAwsEnv, keyEnv } from '../helpers/iam-env.js';
import { IamServer, TEST_KEYS } from '../iam-server/server.js';
import { launchBrowser, startApp, type AppHarness } from './harness.js';
import {
  AWS_ISSUER, DISPLAYS, awsUri, consolePageHtml, DisplayRenderer, oathTotp, qrDataUrl, randomBase32, type ScreenShot,
} from '../helpers/scan-e2e-frames.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Screenshots of the views, to look at. */
const SHOTS = path.join(ROOT, 'test/.tmp/aws-assist');
const ACCOUNT_ID = '123456789012';
const [D1080, D1440] = DISPLAYS as [(typeof DISPLAYS)[number], (typeof DISPLAYS)[number]];

// ------------------------------------------------------------------------------------ the OS side

const os: { screens: () => Promise<readonly CapturedScreen[]> } = { screens: async () => [] };
const scanDeps: ScanDeps = {
  decode: (frame) => decodeFrameInProcess(frame),
  captureScreens: () => os.screens(),
  chooseImageFile: async () => undefined,
  readClipboardImage: () => undefined,
  camera: { allow: () => undefined, revoke: () => undefined },
};
const screensOf = (...shots: ScreenShot[]) => async (): Promise<CapturedScreen[]> => shots.map((s, i) => ({ displayId: `display-${i + 1}`, frame: s.frame }));

const secrets = { alice: randomBase32(), bob: randomBase32(), dave: randomBase32(), carol: randomBase32(20) };
let browser: Browser;
let app: AppHarness;
let shots: { alice: ScreenShot; bob: ScreenShot; dave: ScreenShot; blank: ScreenShot };

// ------------------------------------------------------------------------------------ helpers

async function reset(): Promise<void> {
  for (const a of await app.vault.list()) await app.vault.remove(a.id);
  os.screens = async () => [];
  await app.load();
}

/** Not across a 30 s step boundary while a test reads codes and copies (a code changes there). */
async function awayFromStepBoundary(page: Page): Promise<void> {
  while (30 - ((Date.now() / 1000) % 30) < 6) await page.waitForTimeout(500);
}

const digits = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s/g, '');

/**
 * The two codes shown in `scope`, checked against oathtool: code 1 is the code at some second
 * between just before and just after the read (a step may tick meanwhile), code 2 the code 30 s later.
 */
async function expectConsoleCodes(scope: Locator, secret: string): Promise<{ code1: string; code2: string }> {
  const t0 = Date.now() / 1000;
  const first = scope.getByLabel('MFA code 1', { exact: true });
  await expect.poll(() => digits(first)).toMatch(/^\d{6}$/);
  const code1 = await digits(first);
  const code2 = await digits(scope.getByLabel('MFA code 2', { exact: true }));
  const t1 = Date.now() / 1000;
  const at = [t0 - 1, t0, t1, t1 + 1].find((s) => oathTotp(secret, s) === code1);
  expect(at, `MFA code 1 ${code1} is not oathtool's code between ${t0} and ${t1}`).toBeDefined();
  expect(code2).toBe(oathTotp(secret, at! + 30));
  expect(code2).not.toBe(code1);
  return { code1, code2 };
}

const card = (page: Page) => page.getByTestId('aws-added');
const row = (page: Page, name: string) => page.getByRole('option', { name: new RegExp(`^${name.replace(/[.@]/g, '\\$&')}\\.`) });

async function scanAndAdd(page: Page, count: number): Promise<void> {
  await page.locator('button.icon-button[aria-label="Add account"]').click();
  await page.locator('[data-method="scan-screen"]').click();
  const results = page.locator('.scan-results');
  await expect.poll(() => results.getByRole('heading').textContent()).toBe(`Found ${count} account${count === 1 ? '' : 's'}`);
  await page.getByRole('button', { name: `Add ${count} account${count === 1 ? '' : 's'}` }).click();
}

// ------------------------------------------------------------------------------------ setup

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  const screens = new DisplayRenderer(browser);
  const page = async (user: string, secret: string) => consolePageHtml({ qr: await qrDataUrl('qrencode', awsUri(user, secret)), user });
  try {
    const [started, alice, bob, dave, blank] = await Promise.all([
      startApp({ browser, scan: scanDeps, noLoad: true }),
      page('alice', secrets.alice).then((html) => screens.shoot(html, D1080, 'light')),
      page('bob', secrets.bob).then((html) => screens.shoot(html, D1080, 'dark')),
      page('dave', secrets.dave).then((html) => screens.shoot(html, D1440, 'light')),
      // "Show QR code" not chosen yet: a console page without a code.
      screens.shoot(consolePageHtml({ user: 'alice' }), D1080, 'light'),
    ]);
    app = started;
    shots = { alice, bob, dave, blank };
  } finally {
    await screens.close();
  }
  await app.load();
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
});

// ------------------------------------------------------------------------------------ tests

describe('Scan screen → Add: the AWS console codes open at once', () => {
  it('one AWS account scanned: MFA code 1 and 2 (oathtool at t and t+30), time left, copy, then Done back to the list', async () => {
    await reset();
    const { page } = app;
    await awayFromStepBoundary(page);
    os.screens = screensOf(shots.alice);
    await scanAndAdd(page, 1);

    // No menu, no waiting: the view is there, named, and has focus (a screen reader says where it is).
    const view = card(page);
    await view.waitFor();
    expect(await page.getByRole('region', { name: 'AWS console codes' }).count()).toBe(1);
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('AWS console codes');
    expect(await view.locator('.aws-added__account').textContent()).toBe(`${AWS_ISSUER} · alice@${ACCOUNT_ID}`);
    const { code1, code2 } = await expectConsoleCodes(view, secrets.alice);

    // How long each stays valid: code 1 until the step ends, code 2 one period more.
    const left = async (which: 1 | 2) => Number(/^valid for (\d+) s more$/.exec((await view.getByTestId(`aws-code-${which}-validity`).textContent()) ?? '')?.[1]);
    const [left1, left2] = [await left(1), await left(2)];
    const expected1 = 30 - Math.floor((Date.now() / 1000) % 30);
    expect(Math.abs(left1 - expected1)).toBeLessThanOrEqual(1);
    expect(left2 - left1).toBe(30);
    await page.screenshot({ path: path.join(SHOTS, 'added-console-codes.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(400); // the theme's colour transitions
    await page.screenshot({ path: path.join(SHOTS, 'added-console-codes-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Copy code 1, then code 2: main puts exactly the shown codes on the clipboard.
    await view.getByRole('button', { name: 'Copy code 1' }).click();
    await expect.poll(() => app.clipboard.writes.at(-1)).toBe(code1);
    await view.getByText(`MFA code 1 (${code1}) copied.`, { exact: true }).waitFor();
    await view.getByRole('button', { name: 'Copy code 2' }).click();
    await expect.poll(() => app.clipboard.writes.at(-1)).toBe(code2);

    // The account is in the list under the view; the secret never reached the page.
    const r = row(page, `${AWS_ISSUER}, alice@${ACCOUNT_ID}`);
    expect(await r.count()).toBe(1);
    expect(await page.content()).not.toContain(secrets.alice);
    expect(JSON.stringify(app.ipc)).not.toContain(secrets.alice);

    // Done: back to the plain list, with focus on it.
    await view.getByRole('button', { name: 'Done' }).click();
    await view.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("role")')).toBe('listbox');
    expect(await r.count()).toBe(1);
    expect(app.pageErrors).toEqual([]);
    expect(app.blockedRequests).toEqual([]);
  });

  it('the account menu over the open view shows one set of codes; Esc closes the view; leaving the list drops it', async () => {
    await reset();
    const { page } = app;
    await awayFromStepBoundary(page);
    os.screens = screensOf(shots.bob);
    await scanAndAdd(page, 1);
    await card(page).waitFor();

    // The menu's "AWS console codes…" dialog: the same codes, shown once (the view steps aside).
    await row(page, `${AWS_ISSUER}, bob@${ACCOUNT_ID}`).click({ button: 'right' });
    await page.getByRole('button', { name: 'AWS console codes…' }).click();
    const dialog = page.getByRole('dialog', { name: 'AWS console codes' });
    await dialog.waitFor();
    // The dialog's codes arrive over IPC after it opens: wait for them, then count the whole page.
    await expectConsoleCodes(dialog, secrets.bob);
    expect(await page.getByLabel('MFA code 1', { exact: true }).count()).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Back: the view again, and focus left where the dialog returned it (not pulled into the view).
    await card(page).waitFor();
    await expectConsoleCodes(card(page), secrets.bob);
    expect(await page.evaluate('document.activeElement?.textContent')).not.toBe('AWS console codes');

    // Esc inside the view closes it.
    await card(page).getByRole('button', { name: 'Copy code 1' }).focus();
    await page.keyboard.press('Escape');
    await card(page).waitFor({ state: 'detached' });

    // Added again (a new key for the same user), then off to Settings and back: the view is gone.
    await app.vault.remove((await app.vault.list())[0]!.id);
    await app.load();
    await scanAndAdd(page, 1);
    await card(page).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.keyboard.press('Escape');
    await row(page, `${AWS_ISSUER}, bob@${ACCOUNT_ID}`).waitFor();
    expect(await card(page).count()).toBe(0);
  });

  it('two displays, two AWS users: the picker says which display; both added -> the list with a toast offering the codes', async () => {
    await reset();
    const { page } = app;
    await awayFromStepBoundary(page);
    os.screens = screensOf(shots.bob, shots.dave);
    await page.getByRole('button', { name: 'Scan screen' }).click();
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 2 accounts');
    const items = results.locator('.scan-results__item');
    expect(await items.locator('.scan-results__label').allTextContents()).toEqual([`bob@${ACCOUNT_ID}`, `dave@${ACCOUNT_ID}`]);
    expect(await items.locator('.scan-results__display').allTextContents()).toEqual(['Display 1', 'Display 2']);
    await page.screenshot({ path: path.join(SHOTS, 'picker-two-displays.png') });
    await page.getByRole('button', { name: 'Add 2 accounts' }).click();

    // Several added: the list, not a view in the way; the offer stays until used or dismissed.
    const offer = page.getByRole('group', { name: 'AWS accounts added' });
    await offer.waitFor();
    expect(await offer.textContent()).toContain('Added 2 AWS accounts.');
    expect(await card(page).count()).toBe(0);
    await row(page, `${AWS_ISSUER}, dave@${ACCOUNT_ID}`).waitFor();
    await page.waitForTimeout(3_000);
    expect(await offer.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'added-two-toast.png') });

    await offer.getByRole('button', { name: 'Show AWS console codes' }).click();
    const view = card(page);
    await view.waitFor();
    expect(await view.getByRole('button', { name: `bob@${ACCOUNT_ID}` }).getAttribute('aria-pressed')).toBe('true');
    await expectConsoleCodes(view, secrets.bob);
    await view.getByRole('button', { name: `dave@${ACCOUNT_ID}` }).click();
    await expect.poll(() => view.locator('.aws-added__account').textContent()).toBe(`${AWS_ISSUER} · dave@${ACCOUNT_ID}`);
    const { code1 } = await expectConsoleCodes(view, secrets.dave);
    await page.screenshot({ path: path.join(SHOTS, 'added-two-chosen.png') });
    await view.getByRole('button', { name: 'Copy code 1' }).click();
    await expect.poll(() => app.clipboard.writes.at(-1)).toBe(code1);
    await view.getByRole('button', { name: 'Done' }).click();
    await view.waitFor({ state: 'detached' });
    expect(await offer.count()).toBe(0);
  });

  it('one code on one of two displays: no display label (nothing to tell apart)', async () => {
    await reset();
    const { page } = app;
    os.screens = screensOf(shots.blank, shots.alice);
    await page.getByRole('button', { name: 'Scan screen' }).click();
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 1 account');
    expect(await results.locator('.scan-results__display').count()).toBe(0);
    expect((app.ipc.filter((r) => r.channel === 'authdesk:scan.screen').at(-1)?.result as { value: { accounts: { display?: string }[] } }).value.accounts[0]?.display).toBeUndefined();
    await page.getByRole('button', { name: 'Cancel' }).click();
  });
});

describe('Added by link or by key', () => {
  it('an AWS link whose label is user@<12 digits> (no issuer) opens the codes; a GitHub key does not', async () => {
    await reset();
    const { page } = app;
    await awayFromStepBoundary(page);
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /Paste link/ }).click();
    await page.getByRole('textbox', { name: 'Authenticator link' }).fill(`otpauth://totp/carol@${ACCOUNT_ID}?secret=${secrets.carol}`);
    await expect.poll(() => page.locator('.preview').textContent()).toContain(`carol@${ACCOUNT_ID}`);
    await page.getByRole('button', { name: 'Add account' }).click();
    const view = card(page);
    await view.waitFor();
    expect(await view.locator('.aws-added__account').textContent()).toBe(`carol@${ACCOUNT_ID}`);
    await expectConsoleCodes(view, secrets.carol);
    await view.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /Enter key manually/ }).click();
    await page.getByRole('textbox', { name: 'Service' }).fill('GitHub');
    await page.getByRole('textbox', { name: 'Account name' }).fill('octocat');
    await page.getByRole('textbox', { name: 'Secret key' }).fill(randomBase32(20));
    await expect.poll(() => page.locator('.field__hint--ok').count()).toBe(1);
    await page.getByRole('button', { name: 'Add account' }).click();
    await row(page, 'GitHub, octocat').waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("role")')).toBe('listbox');
    expect(await card(page).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'AWS accounts added' }).count()).toBe(0);
  });

  it('a link that only looks like AWS by half (11 digits) does not', async () => {
    await reset();
    const { page } = app;
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /Paste link/ }).click();
    await page.getByRole('textbox', { name: 'Authenticator link' }).fill(`otpauth://totp/dev@12345678901?secret=${randomBase32(20)}`);
    await expect.poll(() => page.locator('.preview').textContent()).toContain('dev@12345678901');
    await page.getByRole('button', { name: 'Add account' }).click();
    await row(page, 'dev@12345678901').waitFor();
    await page.waitForTimeout(300);
    expect(await card(page).count()).toBe(0);
  });
});

describe('Enrolled by Authdesk itself (the wizard, against test/iam-server)', () => {
  let server: IamServer;
  let dir: ReturnType<typeof awsTempDir>;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    server = await IamServer.start();
    dir = awsTempDir();
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, cleanAwsEnv({}, dir.path), keyEnv(TEST_KEYS.alice, server.url));
  });
  afterAll(async () => {
    await server?.close();
    dir?.cleanup();
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  });

  it('the device was enabled with two codes by API: Done goes to the list, no console codes', async () => {
    await reset();
    const { page } = app;
    await page.getByRole('button', { name: 'Add account' }).first().click();
    await page.getByRole('button', { name: /AWS MFA device/ }).click();
    await page.getByRole('textbox', { name: 'Device name' }).fill('assist-laptop');
    await page.getByRole('button', { name: 'Create and enable' }).click();
    await page.getByTestId('aws-done').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    await row(page, `${AWS_ISSUER}, assist-laptop@${ACCOUNT_ID}`).waitFor();
    await page.waitForTimeout(300);
    expect(await card(page).count()).toBe(0);
    expect((await app.vault.list())[0]?.awsSerial).toBe(`arn:aws:iam::${ACCOUNT_ID}:mfa/assist-laptop`);
    // The menu still offers the codes (e.g. for a second device someone types by hand).
    await row(page, `${AWS_ISSUER}, assist-laptop@${ACCOUNT_ID}`).click({ button: 'right' });
    expect(await page.getByRole('button', { name: 'AWS console codes…' }).count()).toBe(1);
  });
});

describe('Screen capture refused on macOS', () => {
  it('"Clipboard image" is the primary way, "Try again" secondary, with the restart sentence', async () => {
    // A second page whose renderer reports macOS, as Electron's does there.
    const mac = await startApp({ browser, scan: scanDeps, initScript: `Object.defineProperty(Navigator.prototype, 'platform', { get: () => 'MacIntel' });` });
    try {
      const { page } = mac;
      os.screens = createScreenCapture({
        platform: 'darwin',
        systemPreferences: { getMediaAccessStatus: () => 'denied' },
        screen: { getAllDisplays: () => [] },
        desktopCapturer: { getSources: async () => [] },
      });
      await page.getByRole('button', { name: 'Scan screen' }).click();
      const runner = page.locator('.scan-runner');
      await expect.poll(() => runner.getByRole('alert').textContent()).toBe(MAC_SCREEN_RECORDING_GUIDANCE);
      const ways = runner.getByRole('group', { name: 'Other ways to add the code' });
      expect(await ways.getByRole('button').allTextContents()).toEqual(['Clipboard image', 'Image file', 'Paste link']);
      const primary = runner.locator('.button--primary');
      expect(await primary.allTextContents()).toEqual(['Clipboard image']);
      await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Clipboard image');
      expect(await runner.getByRole('button', { name: 'Try again' }).getAttribute('class')).toBe('button');
      expect(await runner.locator('.scan-runner__restart').textContent()).toBe('After you turn on the permission, quit and reopen Authdesk: macOS applies it only when the app restarts. Until then, “Try again” gets this same message.');
      await page.screenshot({ path: path.join(SHOTS, 'capture-denied-macos.png') });
      await primary.click();
      await expect.poll(() => page.locator('#add-title').textContent()).toBe('Clipboard image');
      expect(mac.pageErrors).toEqual([]);
    } finally {
      await mac.close();
    }
  });

  it('on Linux/Wayland the same layout, without the macOS restart sentence; a plain "no code" keeps "Try again" primary', async () => {
    await reset();
    const { page } = app;
    os.screens = createScreenCapture({
      platform: 'linux',
      env: { XDG_SESSION_TYPE: 'wayland' },
      screen: { getAllDisplays: () => [] },
      desktopCapturer: { getSources: async () => [] },
    });
    await page.getByRole('button', { name: 'Scan screen' }).click();
    const runner = page.locator('.scan-runner');
    await expect.poll(() => runner.getByRole('alert').textContent()).toMatch(/^The screen could not be captured\. On Wayland/);
    expect(await runner.locator('.button--primary').allTextContents()).toEqual(['Clipboard image']);
    expect(await runner.locator('.scan-runner__restart').count()).toBe(0);

    // Not refused, just no code: trying again is the way forward.
    os.screens = screensOf(shots.blank);
    await runner.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => runner.getByRole('alert').textContent()).toMatch(/^No QR code was found on the screen\./);
    expect(await runner.locator('.button--primary').allTextContents()).toEqual(['Try again']);
    expect(await runner.locator('.scan-runner__alternatives').getByRole('button').allTextContents()).toEqual(['Clipboard image', 'Image file', 'Paste link']);
  });
});
