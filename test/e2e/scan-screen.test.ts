/**
 * Scan acceptance (issue 3, "Done when"): a screenshot of the AWS console's QR code, at any common
 * resolution and theme, becomes a ready account — through the BUILT renderer in Chromium, the real
 * dispatcher and scan handlers, the real zxing decoder (in this process), the real vault and
 * keychain (run under scripts/with-keyring.sh).
 *
 * The "OS side" of scanning (test/e2e/harness.ts `scan`) returns REAL screen-like frames: an
 * AWS-console-like IAM "Set up device" page (test/helpers/scan-e2e-frames.ts) rendered by a second
 * Chromium page at 1920×1080, 2560×1440 and 3840×2160 (1920×1080 at 200 %), light and dark,
 * screenshotted by Playwright and converted to RGBA, exactly what capture.ts hands the decoder.
 *
 * Oracles: the secrets are random and encoded by Debian's qrencode or the JS qrcode package;
 * codes come from oathtool, keychain contents from secret-tool, Google exports from
 * core/otpauth/migration.ts's encoder (its decoder is tested against independent vectors in the
 * unit tests).
 *
 * What the UI does (asserted exactly): choosing "Scan screen" scans at once (no second click); the
 * result is a confirmation list with the found account ticked; "Add 1 account" adds it. The
 * AWS console codes (MFA code 1 and 2) are in the account's menu.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { encodeMigrationUris } from '../../core/otpauth/migration.js';
import type { OtpauthData } from '../../core/otpauth/uri.js';
import { decodeSeedRecord } from '../../core/vault/seed-record.js';
import { createScreenCapture, MAC_SCREEN_RECORDING_GUIDANCE } from '../../electron/main/capture.js';
import type { ScanDeps } from '../../electron/main/handlers/index.js';
import type { CapturedScreen } from '../../electron/main/handlers/scan.js';
import { decodeFrameInProcess } from '../../node/qr/decoder.js';
import { launchBrowser, startApp, type AppHarness } from './harness.js';
import { tempDir } from '../helpers/cli.js';
import {
  AWS_ISSUER, DISPLAYS, awsUri, consolePageHtml, oathHotp, oathTotp, DisplayRenderer, photoOf, qrDataUrl, randomBase32,
  secretToolLookup, type DisplaySpec, type QrEncoder, type ScreenShot,
} from '../helpers/scan-e2e-frames.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Screenshots of the app (picker, export list) and of the rendered console pages, to look at. */
const SHOTS = path.join(ROOT, 'test/.tmp/scan-e2e');
const ACCOUNT_ID = '123456789012';
/** SCAN_E2E_KEEP_FRAMES=1 keeps the rendered console screenshots in SHOTS too (their QR codes hold this run's random test secrets). */
const KEEP_FRAMES = process.env['SCAN_E2E_KEEP_FRAMES'] === '1';
/** The photos "chosen in the open dialog". */
const tmp = tempDir('authdesk-scan-e2e-');

// ------------------------------------------------------------------------------------ the OS side

/** What each test makes the OS answer. */
const os: {
  screens: () => Promise<readonly CapturedScreen[]>;
  file: () => Promise<string | undefined>;
  clipboard: () => Uint8Array | undefined;
} = {
  screens: async () => [],
  file: async () => undefined,
  clipboard: () => undefined,
};
let captures = 0;
const scanDeps: ScanDeps = {
  decode: (frame) => decodeFrameInProcess(frame),
  captureScreens: () => {
    captures++;
    return os.screens();
  },
  chooseImageFile: () => os.file(),
  readClipboardImage: () => os.clipboard(),
  camera: { allow: () => undefined, revoke: () => undefined },
};
const screensOf = (...shots: ScreenShot[]) => async (): Promise<CapturedScreen[]> => shots.map((s, i) => ({ displayId: String(i + 1), frame: s.frame }));

// ------------------------------------------------------------------------------------ fixtures

interface ConsoleCase {
  readonly id: string;
  readonly display: DisplaySpec;
  readonly theme: 'light' | 'dark';
  readonly encoder: QrEncoder;
  /** How the page shows the code (the variations real screens have). */
  readonly page: { zoom?: number; invertQr?: boolean; qrCssPx?: number; modulePx?: number };
  readonly secret: string;
  shot?: ScreenShot;
}

const [D1080, D1440, D4K] = DISPLAYS as [DisplaySpec, DisplaySpec, DisplaySpec];
const CONSOLE_CASES: ConsoleCase[] = [
  // The console's image at its natural size (4 px modules).
  { id: '1920x1080 light', display: D1080, theme: 'light', encoder: 'qrcode-js', page: { modulePx: 4, qrCssPx: 196 }, secret: randomBase32() },
  // The same image drawn smaller than its pixels (non-integer scaling, smoothed): ~3.3 px modules.
  { id: '1920x1080 dark', display: D1080, theme: 'dark', encoder: 'qrencode', page: { modulePx: 6, qrCssPx: 160 }, secret: randomBase32() },
  // Browser zoomed out to 80 %.
  { id: '2560x1440 light, zoomed out 80%', display: D1440, theme: 'light', encoder: 'qrencode', page: { zoom: 0.8, modulePx: 4, qrCssPx: 200 }, secret: randomBase32() },
  // Dark mode with a "dark reader" extension that inverts images: light modules on black.
  { id: '2560x1440 dark, inverted QR', display: D1440, theme: 'dark', encoder: 'qrcode-js', page: { invertQr: true, modulePx: 4, qrCssPx: 200 }, secret: randomBase32() },
  { id: '3840x2160 (200%) light', display: D4K, theme: 'light', encoder: 'qrencode', page: { modulePx: 4, qrCssPx: 200 }, secret: randomBase32() },
  { id: '3840x2160 (200%) dark', display: D4K, theme: 'dark', encoder: 'qrcode-js', page: { modulePx: 4, qrCssPx: 180 }, secret: randomBase32() },
];

/** Accounts of the Google Authenticator export: TOTP SHA1/6, TOTP SHA256/8, HOTP SHA1/6 at counter 7. */
const EXPORT_ACCOUNTS: OtpauthData[] = [
  { type: 'totp', issuer: 'GitHub', label: 'carol', secret: randomBase32(20), algorithm: 'SHA1', digits: 6, period: 30 },
  { type: 'totp', issuer: 'Example Bank', label: 'dave@example.com', secret: randomBase32(32), algorithm: 'SHA256', digits: 8, period: 30 },
  { type: 'hotp', issuer: 'Corp VPN', label: 'erin', secret: randomBase32(20), algorithm: 'SHA1', digits: 6, period: 30, counter: 7 },
];

/** A QR that is not an authenticator code, with hostile markup in it. */
const HOSTILE_URL = 'https://example.com/?q=<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

const secrets = {
  bob: randomBase32(),
  alice2: randomBase32(),
  withHostile: randomBase32(),
  jpeg: randomBase32(),
  webp: randomBase32(),
  clipboard: randomBase32(),
};

interface Frames {
  twoDisplays: [ScreenShot, ScreenShot];
  googleExport: ScreenShot;
  /** The same export split into two QR codes (2 + 1 accounts), one per screen. */
  exportBatches: [ScreenShot, ScreenShot];
  damagedExport: ScreenShot;
  noQr: ScreenShot;
  hostileOnly: ScreenShot;
  hostileAndAws: ScreenShot;
  jpegFile: string;
  webpFile: string;
  clipboardPng: Buffer;
}

async function buildFrames(browser: Browser): Promise<Frames> {
  mkdirSync(SHOTS, { recursive: true });
  const screens = new DisplayRenderer(browser);
  /** Queue a shot (the renderer takes them one at a time); keep a copy of the PNG to look at. */
  const shoot = async (name: string, html: string | Promise<string>, display: DisplaySpec, theme: 'light' | 'dark') => {
    const shot = await screens.shoot(await html, display, theme);
    if (KEEP_FRAMES) writeFileSync(path.join(SHOTS, `frame-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), shot.png);
    return shot;
  };
  const awsPage = async (user: string, secret: string, encoder: QrEncoder, extra?: { qr: string; caption: string }) =>
    consolePageHtml({ qr: await qrDataUrl(encoder, awsUri(user, secret)), user, ...(extra ? { extraQr: extra } : {}) });

  const consoleShots = CONSOLE_CASES.map(async (c) => {
    const qr = await qrDataUrl(c.encoder, awsUri('alice', c.secret), c.page.modulePx);
    c.shot = await shoot(c.id, consolePageHtml({ qr, user: 'alice', ...c.page }), c.display, c.theme);
  });
  const twoDisplays = Promise.all([
    shoot('display-1-bob', awsPage('bob', secrets.bob, 'qrencode'), D1080, 'light'),
    shoot('display-2-alice', awsPage('alice', secrets.alice2, 'qrcode-js'), D1440, 'dark'),
  ]);
  const [exportUri, ...more] = encodeMigrationUris(EXPORT_ACCOUNTS);
  if (exportUri === undefined || more.length > 0) throw new Error('expected one export QR');
  const exportPage = async (uri: string, caption: string) => `<!doctype html><html><body style="margin:0;font:16px sans-serif;background:#f8f9fa;display:grid;place-items:center;height:100vh">
    <div style="background:#fff;padding:32px;border-radius:12px;box-shadow:0 1px 4px #0003;text-align:center">
    <h1 style="font-size:22px">Transfer accounts</h1><p>Scan this QR code with your new device</p>
    <img width="300" height="300" src="${await qrDataUrl('qrencode', uri, 5)}"><p>${caption}</p></div></body></html>`;
  const exportHtml = exportPage(exportUri, '1 of 1');
  const batchUris = encodeMigrationUris(EXPORT_ACCOUNTS, { maxAccountsPerBatch: 2 });
  if (batchUris.length !== 2) throw new Error('expected two export QRs');
  const exportBatches = Promise.all(batchUris.map((uri, i) => shoot(`export-batch-${i + 1}`, exportPage(uri, `${i + 1} of 2`), D1080, 'light')));
  // Protobuf field 1 (an account) declaring 255 bytes and carrying 2: a truncated export.
  const damaged = `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from([0x0a, 0xff, 0x01, 0x0a, 0x00]).toString('base64'))}`;
  const damagedExport = shoot('damaged-export', exportPage(damaged, '1 of 1'), D1080, 'light');
  const googleExport = shoot('google-export', exportHtml, D1080, 'light');
  const noQr = shoot('no-qr', consolePageHtml({ user: 'alice' }), D1080, 'light');
  const hostileQr = await qrDataUrl('qrcode-js', HOSTILE_URL);
  const hostileOnly = shoot('hostile-only', consolePageHtml({ qr: hostileQr, user: 'alice' }), D1080, 'light');
  const hostileAndAws = shoot('hostile-and-aws', awsPage('alice', secrets.withHostile, 'qrencode', { qr: hostileQr, caption: 'Download our mobile app' }), D1440, 'light');
  // Photos of a 1080p monitor (ImageMagick runs while Chromium renders the next shots).
  const photo = async (file: string, format: 'jpeg' | 'webp', user: string, secret: string, encoder: QrEncoder, theme: 'light' | 'dark') => {
    const source = await screens.shoot(await awsPage(user, secret, encoder), D1080, theme);
    writeFileSync(file, await photoOf(source.png, format));
    return file;
  };
  const jpegFile = photo(path.join(tmp.path, 'photo-of-monitor.jpg'), 'jpeg', 'frank', secrets.jpeg, 'qrencode', 'light');
  const webpFile = photo(path.join(tmp.path, 'photo-of-monitor.webp'), 'webp', 'grace', secrets.webp, 'qrcode-js', 'dark');
  const clipboardPng = awsPage('heidi', secrets.clipboard, 'qrcode-js').then((html) => screens.shoot(html, D4K, 'dark')).then((s) => s.png);
  try {
    await Promise.all(consoleShots);
    return {
      twoDisplays: await twoDisplays, googleExport: await googleExport, exportBatches: (await exportBatches) as [ScreenShot, ScreenShot], damagedExport: await damagedExport, noQr: await noQr, hostileOnly: await hostileOnly, hostileAndAws: await hostileAndAws,
      jpegFile: await jpegFile, webpFile: await webpFile, clipboardPng: await clipboardPng,
    };
  } finally {
    await screens.close();
  }
}

// ------------------------------------------------------------------------------------ page helpers

let browser: Browser;
let app: AppHarness;
let frames: Frames;
const timings: string[] = [];

function vaultId(): string {
  return (JSON.parse(readFileSync(path.join(app.dataDir, 'vault.json'), 'utf8')) as { vaultId: string }).vaultId;
}

/** Back to an empty vault and a freshly loaded list. */
async function reset(): Promise<void> {
  for (const a of await app.vault.list()) await app.vault.remove(a.id);
  os.screens = async () => [];
  os.file = async () => undefined;
  os.clipboard = () => undefined;
  await app.load();
}

async function openAddMethod(page: Page, method: string): Promise<void> {
  await page.locator('button.icon-button[aria-label="Add account"]').click();
  await page.locator(`[data-method="${method}"]`).click();
}

const row = (page: Page, issuer: string, label: string) => page.getByRole('option', { name: new RegExp(`^${issuer}, ${label.replace(/[.@]/g, '\\$&')}\\.`) });

/** The code a TOTP row shows, digits only, once it is not a placeholder. */
async function shownCode(r: Locator): Promise<string> {
  let text = '';
  await expect.poll(async () => (text = ((await r.locator('.code').textContent()) ?? '').replace(/\s/g, ''))).toMatch(/^\d{6,8}$/);
  return text;
}

/** oathtool's codes for every step touched between t0 and t1 (± the 1 s the display may lag). */
function codesBetween(secret: string, t0: number, t1: number, options: Parameters<typeof oathTotp>[2] = {}): string[] {
  return [...new Set([oathTotp(secret, t0 - 1, options), oathTotp(secret, t1 + 1, options)])];
}

async function expectRowCode(r: Locator, secret: string, options: Parameters<typeof oathTotp>[2] = {}): Promise<void> {
  const t0 = Date.now() / 1000;
  const code = await shownCode(r);
  expect(codesBetween(secret, t0, Date.now() / 1000, options)).toContain(code);
}

function expectInKeychain(accountId: string, secret: string): void {
  // The item is a seed record (secret + parameters) or, for items written before records, bare base32.
  expect(decodeSeedRecord(secretToolLookup(`${vaultId()}/${accountId}`) ?? '')?.secret).toBe(secret);
}

/** The secret never reached the renderer: not in the DOM, not in any IPC payload or answer. */
async function expectSecretStaysInMain(page: Page, secret: string): Promise<void> {
  expect(await page.content()).not.toContain(secret);
  expect(JSON.stringify(app.ipc)).not.toContain(secret);
}

const addCalls = () => app.ipc.filter((r) => r.channel === 'authdesk:scan.add').length;

// ------------------------------------------------------------------------------------ tests

beforeAll(async () => {
  const started = Date.now();
  browser = await launchBrowser();
  const [built, started_] = await Promise.all([
    buildFrames(browser).then((f) => { timings.push(`frames built in ${Date.now() - started} ms`); return f; }),
    startApp({ browser, scan: scanDeps, noLoad: true }),
  ]);
  frames = built;
  app = started_;
  await app.load();
  timings.push(`setup (frames + app) ${Date.now() - started} ms`);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  if (timings.length > 0) console.log(`[scan-screen e2e] ${timings.join('; ')}`);
});

describe('Scan screen: the AWS console QR on every common display', () => {
  it.each(CONSOLE_CASES.map((c) => [c.id, c] as const))('%s: one click scans, one confirmation adds a ready account', async (_id, c) => {
    await reset();
    const { page } = app;
    const shot = c.shot!;
    expect([shot.frame.width, shot.frame.height]).toEqual([c.display.width * c.display.scale, c.display.height * c.display.scale]);
    os.screens = screensOf(shot);
    const before = captures;
    const t = Date.now();
    // The empty list's AWS how-to links straight to "Scan screen": choosing it scans at once.
    await page.getByRole('button', { name: 'Scan screen' }).click();
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 1 account');
    timings.push(`${c.id}: click -> confirmation ${Date.now() - t} ms`);
    expect(captures - before).toBe(1);
    // Focus moves to the results (a screen reader announces them; Tab goes on to the list).
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Found 1 account');
    expect(await page.getByRole('region', { name: 'Found 1 account' }).count()).toBe(1);

    // The confirmation: issuer, account name, parameters; the secret is not shown, the box is ticked.
    const item = results.locator('.scan-results__item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.locator('.scan-results__issuer').textContent()).toBe(AWS_ISSUER);
    expect(await item.locator('.scan-results__label').textContent()).toBe(`alice@${ACCOUNT_ID}`);
    expect(await item.locator('.scan-results__meta').textContent()).toBe('Time-based · every 30 s · 6 digits · SHA1 · 320-bit key');
    expect(await item.getByRole('checkbox').isChecked()).toBe(true);
    await expectSecretStaysInMain(page, c.secret);
    await page.getByRole('button', { name: 'Add 1 account' }).click();

    const r = row(page, AWS_ISSUER, `alice@${ACCOUNT_ID}`);
    await r.waitFor();
    const accounts = await app.vault.list();
    expect(accounts.map((a) => [a.type, a.issuer, a.label, a.algorithm, a.digits, a.period, a.status])).toEqual([['totp', AWS_ISSUER, `alice@${ACCOUNT_ID}`, 'SHA1', 6, 30, 'active']]);
    expectInKeychain(accounts[0]!.id, c.secret);
    await expectRowCode(r, c.secret);
    timings.push(`${c.id}: click -> code shown ${Date.now() - t} ms`);

    // The AWS console asks for two consecutive codes: the account's menu offers both at once.
    await r.click({ button: 'right' });
    await page.getByRole('button', { name: 'AWS console codes…' }).click();
    const t0 = Date.now() / 1000;
    const code1 = page.getByLabel('MFA code 1', { exact: true });
    await code1.waitFor();
    const c1 = ((await code1.textContent()) ?? '').replace(/\s/g, '');
    const c2 = ((await page.getByLabel('MFA code 2', { exact: true }).textContent()) ?? '').replace(/\s/g, '');
    const t1 = Date.now() / 1000;
    const at = [t0 - 1, t1 + 1].find((s) => oathTotp(c.secret, s) === c1);
    expect(at, `MFA code 1 ${c1} is not oathtool's code at ${t0}..${t1}`).toBeDefined();
    expect(c2).toBe(oathTotp(c.secret, at! + 30));
    await page.getByRole('button', { name: 'Close' }).last().click();
    await expectSecretStaysInMain(page, c.secret);
    expect(app.pageErrors).toEqual([]);
    expect(app.blockedRequests).toEqual([]);
  });
});

describe('Scan screen: the same account again', () => {
  it('the same code again is "Already in Authdesk" (unticked); the same IAM user with a NEW device key is not', async () => {
    await reset();
    const { page } = app;
    const first = CONSOLE_CASES[0]!;
    os.screens = screensOf(first.shot!);
    await page.getByRole('button', { name: 'Scan screen' }).click();
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    await row(page, AWS_ISSUER, `alice@${ACCOUNT_ID}`).waitFor();

    // Scanning the same QR code again: nothing to add unless the user insists.
    await openAddMethod(page, 'scan-screen');
    const item = page.locator('.scan-results__item');
    await item.waitFor();
    expect(await item.locator('.scan-results__tag').allTextContents()).toEqual(['Already in Authdesk']);
    expect(await item.getByRole('checkbox').isChecked()).toBe(false);
    expect(await page.getByRole('button', { name: 'Add 0 accounts' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => app.ipc.filter((r) => r.channel === 'authdesk:scan.discard').length).toBeGreaterThan(0);

    // AWS: re-assigning an MFA device to the same user shows a NEW key under the same name. It must be
    // offered (ticked), or the user keeps the old key and the console refuses every code.
    // (Cancel went back to the ways of adding.)
    expect(await page.locator('#add-title').textContent()).toBe('Add account');
    os.screens = screensOf(frames.twoDisplays[1]);
    await page.locator('[data-method="scan-screen"]').click();
    await item.waitFor();
    expect(await item.locator('.scan-results__label').textContent()).toBe(`alice@${ACCOUNT_ID}`);
    expect(await item.locator('.scan-results__tag').allTextContents()).toEqual([]);
    expect(await item.getByRole('checkbox').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    await expect.poll(async () => (await app.vault.list()).length).toBe(2);
    const added = (await app.vault.list())[1]!;
    expectInKeychain(added.id, secrets.alice2);
  });
});

describe('Scan results leave main when the picker goes away', () => {
  const lastScanId = () => (app.ipc.filter((r) => r.channel === 'authdesk:scan.screen').at(-1)?.result as { value: { scanId: string } }).value.scanId;
  const discarded = (scanId: string) => app.ipc.some((r) => r.channel === 'authdesk:scan.discard' && (r.payload as { scanId: string }).scanId === scanId);

  it('closing the sheet (✕ or Esc) or scanning again drops the pending scan: its secrets are not kept in main', async () => {
    await reset();
    const { page } = app;
    os.screens = screensOf(CONSOLE_CASES[0]!.shot!);
    for (const close of ['✕', 'Esc', 'Scan again'] as const) {
      await openAddMethod(page, 'scan-screen');
      await page.locator('.scan-results').waitFor();
      const scanId = lastScanId();
      if (close === '✕') await page.locator('.sheet__header').getByRole('button', { name: 'Close' }).click();
      else if (close === 'Esc') await page.keyboard.press('Escape');
      else {
        await page.getByRole('button', { name: 'Scan again' }).click();
        await expect.poll(() => lastScanId()).not.toBe(scanId);
        await page.locator('.sheet__header').getByRole('button', { name: 'Close' }).click();
      }
      await page.locator('.sheet').waitFor({ state: 'detached' });
      await expect.poll(() => discarded(scanId), { message: `scan dropped after ${close}` }).toBe(true);
      // Main no longer holds it: adding from it is refused.
      await expect(app.services.handlers.scan.add({ scanId, indexes: [0] })).rejects.toMatchObject({ code: 'SCAN_EXPIRED' });
    }
    expect(await app.vault.list()).toEqual([]);
  });
});

describe('Scan screen: several codes, exports, and screens without one', () => {
  it('two displays, two codes: the picker lets the user choose, and only the chosen account is added', async () => {
    await reset();
    const { page } = app;
    os.screens = screensOf(...frames.twoDisplays);
    await openAddMethod(page, 'scan-screen');
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 2 accounts');
    const items = results.locator('.scan-results__item');
    expect(await items.locator('.scan-results__label').allTextContents()).toEqual([`bob@${ACCOUNT_ID}`, `alice@${ACCOUNT_ID}`]);
    expect(await items.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as unknown as { checked: boolean }).checked))).toEqual([true, true]);
    expect(await page.getByRole('button', { name: 'Add 2 accounts' }).isEnabled()).toBe(true);
    // Untick bob: alice only.
    await items.nth(0).getByRole('checkbox').uncheck();
    await page.screenshot({ path: path.join(SHOTS, 'picker-two-displays.png') });
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    const r = row(page, AWS_ISSUER, `alice@${ACCOUNT_ID}`);
    await r.waitFor();
    const accounts = await app.vault.list();
    expect(accounts.map((a) => a.label)).toEqual([`alice@${ACCOUNT_ID}`]);
    expectInKeychain(accounts[0]!.id, secrets.alice2);
    await expectRowCode(r, secrets.alice2);
    expect(await row(page, AWS_ISSUER, `bob@${ACCOUNT_ID}`).count()).toBe(0);
    await expectSecretStaysInMain(page, secrets.bob);
  });

  it('a Google Authenticator export: all its accounts listed for confirmation, all added, codes match oathtool', async () => {
    await reset();
    const { page } = app;
    os.screens = screensOf(frames.googleExport);
    await openAddMethod(page, 'scan-screen');
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Google Authenticator export: 3 accounts');
    const items = results.locator('.scan-results__item');
    expect(await items.locator('.scan-results__issuer').allTextContents()).toEqual(['GitHub', 'Example Bank', 'Corp VPN']);
    expect(await items.locator('.scan-results__label').allTextContents()).toEqual(['carol', 'dave@example.com', 'erin']);
    expect(await items.locator('.scan-results__meta').allTextContents()).toEqual([
      'Time-based · every 30 s · 6 digits · SHA1 · 160-bit key',
      'Time-based · every 30 s · 8 digits · SHA256 · 256-bit key',
      'Counter-based · starts at 7 · 6 digits · SHA1 · 160-bit key',
    ]);
    expect(await items.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as unknown as { checked: boolean }).checked))).toEqual([true, true, true]);
    await page.screenshot({ path: path.join(SHOTS, 'google-export-confirmation.png') });
    for (const a of EXPORT_ACCOUNTS) await expectSecretStaysInMain(page, a.secret);
    await page.getByRole('button', { name: 'Add 3 accounts' }).click();

    await row(page, 'Corp VPN', 'erin').waitFor();
    const accounts = await app.vault.list();
    expect(accounts.map((a) => [a.type, a.issuer, a.label, a.algorithm, a.digits, a.type === 'hotp' ? a.counter : a.period])).toEqual([
      ['totp', 'GitHub', 'carol', 'SHA1', 6, 30],
      ['totp', 'Example Bank', 'dave@example.com', 'SHA256', 8, 30],
      ['hotp', 'Corp VPN', 'erin', 'SHA1', 6, 7],
    ]);
    for (const [i, a] of EXPORT_ACCOUNTS.entries()) expectInKeychain(accounts[i]!.id, a.secret);
    await expectRowCode(row(page, 'GitHub', 'carol'), EXPORT_ACCOUNTS[0]!.secret);
    await expectRowCode(row(page, 'Example Bank', 'dave@example.com'), EXPORT_ACCOUNTS[1]!.secret, { algorithm: 'SHA256', digits: 8 });
    // HOTP: "Next code" makes the code for counter 7, then 8.
    const hotp = row(page, 'Corp VPN', 'erin');
    await hotp.getByRole('button', { name: 'Next code for Corp VPN' }).click();
    await expect.poll(async () => ((await hotp.locator('.code').textContent()) ?? '').replace(/\s/g, '')).toBe(oathHotp(EXPORT_ACCOUNTS[2]!.secret, 7));
    await hotp.getByRole('button', { name: 'Next code for Corp VPN' }).click();
    await expect.poll(async () => ((await hotp.locator('.code').textContent()) ?? '').replace(/\s/g, '')).toBe(oathHotp(EXPORT_ACCOUNTS[2]!.secret, 8));
    expect(app.pageErrors).toEqual([]);
  });

  it('a Google export in two QR codes: both on screen -> all accounts; one on screen -> its accounts and what is missing', async () => {
    await reset();
    const { page } = app;
    os.screens = screensOf(frames.exportBatches[0]);
    await openAddMethod(page, 'scan-screen');
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Google Authenticator export: 2 accounts');
    expect(await results.locator('.scan-results__tag').allTextContents()).toEqual(['QR code 1 of 2', 'QR code 1 of 2']);
    expect(await results.locator('.scan-results__note--warn').textContent()).toBe('This Google Authenticator export has 2 QR codes; this scan read 1. Add these, then scan the remaining 1.');
    // Both QR codes (two screens): the whole export.
    os.screens = screensOf(...frames.exportBatches);
    await page.getByRole('button', { name: 'Scan again' }).click();
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Google Authenticator export: 3 accounts');
    expect(await results.locator('.scan-results__tag').allTextContents()).toEqual(['QR code 1 of 2', 'QR code 1 of 2', 'QR code 2 of 2']);
    expect(await results.locator('.scan-results__note--warn').count()).toBe(0);
    await page.getByRole('button', { name: 'Add 3 accounts' }).click();
    await row(page, 'Corp VPN', 'erin').waitFor();
    expect((await app.vault.list()).map((a) => a.label)).toEqual(['carol', 'dave@example.com', 'erin']);
  });

  it('a damaged Google export: says so and what to do; nothing can be added', async () => {
    await reset();
    const { page } = app;
    const adds = addCalls();
    os.screens = screensOf(frames.damagedExport);
    await openAddMethod(page, 'scan-screen');
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('No account can be added');
    expect(await results.getByRole('alert').textContent()).toMatch(/^The Google Authenticator export is damaged \(.+\)\. Export it again from Google Authenticator and scan the new code\.$/);
    expect(await results.getByRole('button', { name: /^Add/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await app.vault.list()).toEqual([]);
    expect(addCalls()).toBe(adds);
  });

  it('a screen with no QR code: a clear message, a way forward, nothing added', async () => {
    await reset();
    const { page } = app;
    const adds = addCalls();
    os.screens = screensOf(frames.noQr);
    await openAddMethod(page, 'scan-screen');
    const alert = page.locator('.scan-runner').getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('No QR code was found on the screen. Make sure the code is fully visible and not covered by another window, then try again.');
    for (const other of ['Clipboard image', 'Image file', 'Paste link']) expect(await page.locator('.scan-runner__alternatives').getByRole('button', { name: other }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Try again' }).isEnabled()).toBe(true);
    // Two displays, neither with a code: the sentence says so.
    os.screens = screensOf(frames.noQr, frames.noQr);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => alert.textContent()).toMatch(/^No QR code was found on your 2 screens\./);
    expect(await app.vault.list()).toEqual([]);
    expect(addCalls()).toBe(adds);
  });

  it('a QR that is not an authenticator code: "not an authenticator code", its hostile text shown as text only', async () => {
    await reset();
    const { page } = app;
    const pwned = () => page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned);
    // Page-side code as a string: this file is type-checked without the DOM library.
    const injected = () => page.evaluate(`document.querySelectorAll('img[src="x"], img[onerror], script:not([src])').length`);
    os.screens = screensOf(frames.hostileOnly);
    await openAddMethod(page, 'scan-screen');
    const alert = page.locator('.scan-runner').getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe(`This QR code is not an authenticator code. It contains: "${HOSTILE_URL}"`);
    expect(await alert.locator('*').count()).toBe(0);
    expect(await injected()).toBe(0);
    expect(await pwned()).toBeUndefined();
    expect(await app.vault.list()).toEqual([]);

    // Next to an AWS code on the same screen: the account is offered, the other code listed as text.
    os.screens = screensOf(frames.hostileAndAws);
    await page.getByRole('button', { name: 'Try again' }).click();
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 1 account');
    const note = results.locator('.scan-results__note');
    expect(await note.textContent()).toBe(`Not an authenticator code: “${HOSTILE_URL}”`);
    expect(await note.locator('.scan-results__text').textContent()).toBe(HOSTILE_URL);
    expect(await note.locator('.scan-results__text *').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'picker-not-authenticator.png') });
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    await row(page, AWS_ISSUER, `alice@${ACCOUNT_ID}`).waitFor();
    expect((await app.vault.list()).map((a) => a.label)).toEqual([`alice@${ACCOUNT_ID}`]);
    await page.waitForTimeout(200);
    expect(await injected()).toBe(0);
    expect(await pwned()).toBeUndefined();
    expect(app.pageErrors).toEqual([]);
  });
});

describe('Image file and clipboard image', () => {
  it('image file: a photo of the monitor (JPEG, then WebP) chosen in the open dialog adds the account', async () => {
    await reset();
    const { page } = app;
    for (const [file, user, secret] of [[frames.jpegFile, 'frank', secrets.jpeg], [frames.webpFile, 'grace', secrets.webp]] as const) {
      os.file = async () => file;
      await openAddMethod(page, 'image-file');
      await page.getByRole('button', { name: 'Choose image…' }).click();
      const results = page.locator('.scan-results');
      await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 1 account');
      expect(await results.locator('.scan-results__label').textContent()).toBe(`${user}@${ACCOUNT_ID}`);
      await page.getByRole('button', { name: 'Add 1 account' }).click();
      const r = row(page, AWS_ISSUER, `${user}@${ACCOUNT_ID}`);
      await r.waitFor();
      const account = (await app.vault.list()).find((a) => a.label === `${user}@${ACCOUNT_ID}`)!;
      expectInKeychain(account.id, secret);
      await expectRowCode(r, secret);
    }
    expect((await app.vault.list()).length).toBe(2);
  });

  it('image file: a photo dropped on the view adds the account', async () => {
    await reset();
    const { page } = app;
    await openAddMethod(page, 'image-file');
    const base64 = readFileSync(frames.webpFile).toString('base64');
    // Page-side code as a string: this file is type-checked without the DOM library.
    const dataTransfer = await page.evaluateHandle(`(() => {
      const binary = atob(${JSON.stringify(base64)});
      const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'photo of monitor.webp', { type: 'image/webp' }));
      return dt;
    })()`);
    const zone = page.locator('.drop-zone');
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 1 account');
    expect(app.ipc.filter((r) => r.channel === 'authdesk:scan.imageBytes').at(-1)?.payload).toMatchObject({ name: 'photo of monitor.webp' });
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    const r = row(page, AWS_ISSUER, `grace@${ACCOUNT_ID}`);
    await r.waitFor();
    expectInKeychain((await app.vault.list())[0]!.id, secrets.webp);
    await expectRowCode(r, secrets.webp);
  });

  it('image file: cancelling the open dialog changes nothing', async () => {
    await reset();
    const { page } = app;
    os.file = async () => undefined;
    await openAddMethod(page, 'image-file');
    await page.getByRole('button', { name: 'Choose image…' }).click();
    await expect.poll(() => app.ipc.filter((r) => r.channel === 'authdesk:scan.imageFile').at(-1)?.result).toEqual({ ok: true, value: null });
    await expect.poll(() => page.getByRole('button', { name: 'Choose image…' }).isEnabled()).toBe(true);
    expect(await page.locator('.scan-runner [role="alert"]').count()).toBe(0);
    expect(await app.vault.list()).toEqual([]);
  });

  it('clipboard image: a copied 4K dark screenshot (PNG bytes) adds the account', async () => {
    await reset();
    const { page } = app;
    os.clipboard = () => new Uint8Array(frames.clipboardPng);
    await openAddMethod(page, 'clipboard-image');
    const results = page.locator('.scan-results');
    await expect.poll(() => results.getByRole('heading').textContent()).toBe('Found 1 account');
    expect(await results.locator('.scan-results__label').textContent()).toBe(`heidi@${ACCOUNT_ID}`);
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    const r = row(page, AWS_ISSUER, `heidi@${ACCOUNT_ID}`);
    await r.waitFor();
    const [account] = await app.vault.list();
    expectInKeychain(account!.id, secrets.clipboard);
    await expectRowCode(r, secrets.clipboard);
  });
});

describe('Screen capture refused by the OS', () => {
  it('macOS without the Screen Recording permission: the guidance says where to grant it, and the other ways are offered', async () => {
    await reset();
    const { page } = app;
    let asked = false;
    // The real capture (electron/main/capture.ts) with macOS saying "denied".
    os.screens = createScreenCapture({
      platform: 'darwin',
      systemPreferences: { getMediaAccessStatus: () => 'denied' },
      screen: { getAllDisplays: () => [] },
      desktopCapturer: { getSources: async () => { asked = true; return []; } },
    });
    await openAddMethod(page, 'scan-screen');
    const alert = page.locator('.scan-runner').getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe(MAC_SCREEN_RECORDING_GUIDANCE);
    expect(MAC_SCREEN_RECORDING_GUIDANCE).toMatch(/System Settings → Privacy & Security → Screen & System Audio Recording/);
    expect(asked).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'capture-denied-macos.png') });
    // "Clipboard image" is the way the guidance names: it is one click away.
    await page.locator('.scan-runner__alternatives').getByRole('button', { name: 'Clipboard image' }).click();
    await expect.poll(() => page.locator('#add-title').textContent()).toBe('Clipboard image');
    expect(await app.vault.list()).toEqual([]);
  });

  it('Wayland with no screen shared (portal cancelled): the guidance names the portal and the clipboard', async () => {
    await reset();
    const { page } = app;
    os.screens = createScreenCapture({
      platform: 'linux',
      env: { XDG_SESSION_TYPE: 'wayland' },
      screen: { getAllDisplays: () => [] },
      desktopCapturer: { getSources: async () => [] },
    });
    await openAddMethod(page, 'scan-screen');
    const alert = page.locator('.scan-runner').getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/^The screen could not be captured\. On Wayland.*xdg-desktop-portal.*“Clipboard image”\.$/);
  });
});

afterAll(() => tmp.cleanup());
