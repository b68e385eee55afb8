/**
 * Settings › Backup and "Show QR code…" in Chromium through the real dispatcher, handlers, vault
 * and keychain (test/e2e/harness.ts; run under scripts/with-keyring.sh), with fake open/save dialogs
 * in place of Electron's. Every file the app writes is read back by something that is not the app:
 * the standalone scripts/decrypt-backup.mjs, the QR decoder plus a hand-written protobuf reader
 * (test/helpers/qr-protobuf.ts); codes are checked against Debian's oathtool.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../core/otpauth/uri.js';
import type { VaultApi } from '../../core/vault/api.js';
import { backupPassphraseName, listAutoBackups, setBackupPassphrase } from '../../node/backup/auto.js';
import { KeyringSecretStore } from '../../node/keychain.js';
import { scanImageFile } from '../../node/qr/scan.js';
import { fakeBackupDialogs, type FakeBackupDialogs } from '../helpers/backup-e2e-dialogs.js';
import { FIXTURES } from '../helpers/backup-fixtures.js';
import { oracleBase32, oracleDecode } from '../helpers/qr-protobuf.js';
import { launchBrowser, rowCode, startApp, type AppHarness } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'test/.tmp/backup-e2e');
const T = 1_800_000_007;
const LOCK = 'lock passphrase 1';
const BACKUP_PASS = 'backup passphrase 22';
const EXPORT_PASS = 'export passphrase 333';

// Made up for this test. Google's format carries only 30 s codes, so all of these are.
const SEEDED = [
  { type: 'totp', issuer: 'GitHub', label: 'octocat', secret: 'K5IGQ3UYPDKBXEF2Y7DSMLVKSQOVE4KN', algorithm: 'SHA1', digits: 6, period: 30 },
  { type: 'totp', issuer: 'Fastmail', label: 'me@example.com', secret: 'UWBK2FVNWJ7CYXHEFNZX6PZ7HG5KJY3I', algorithm: 'SHA1', digits: 8, period: 30 },
  { type: 'hotp', issuer: 'Acme VPN', label: 'alice', secret: 'QZC5IJX7PJYQXBWYWAOWZ6J3BYDQJKGN', algorithm: 'SHA1', digits: 6, period: 30, counter: 7 },
] as const;
// test/fixtures/import/aegis-plain.json (three usable entries and a Steam one).
const AEGIS = {
  github: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE',
  bank: 'XNIPIGXXJGKRK4ZWD36IFTIBF6QWTC3P',
  counter: '4YUKY3HYX7VALOU3GYQJTGEIPOZJ55QHRLKBYG5QG6ACN7F5LTOA',
  steam: '5RV6MQKO3TPRZB6SBYIPJ6L6GBL42RZX',
};
const ALL_SECRETS = [...SEEDED.map((a) => a.secret), ...Object.values(AEGIS)];

function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}
const totp = (secret: string, at: number, algorithm = 'SHA1', digits = 6, period = 30) =>
  oathtool([`--totp=${algorithm.toLowerCase()}`, '-b', '-d', String(digits), '-s', `${period}s`, `--now=@${at}`, secret]);
const hotp = (secret: string, counter: number, digits = 6) => oathtool(['--hotp', '-b', '-d', String(digits), '-c', String(counter), secret]);

/** RFC 4226 HOTP with node:crypto, for SHA-512 (oathtool's --hotp is SHA-1 only); itself checked against oathtool below. */
function rfcHotp(secretBase32: string, counter: number, digits: number, algorithm: 'sha1' | 'sha512'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, '0');
}

/** The code oathtool (or the checked HMAC) gives for a vault account at T. */
async function expectedCode(vault: VaultApi, id: string): Promise<string> {
  const a = await vault.get(id);
  const secret = await vault.revealSecret(id);
  if (a.type === 'totp') return totp(secret, T, a.algorithm, a.digits, a.period);
  return a.algorithm === 'SHA1' ? hotp(secret, a.counter ?? 0, a.digits) : rfcHotp(secret, a.counter ?? 0, a.digits, a.algorithm.toLowerCase() as 'sha512');
}

/** issuer|label|type|algorithm|digits|counter|secret -> code at T, for every account of the vault. */
async function vaultSnapshot(vault: VaultApi): Promise<string[]> {
  const out: string[] = [];
  for (const a of await vault.list()) {
    const code = await expectedCode(vault, a.id);
    if (a.type === 'totp') expect((await vault.code(a.id, T * 1000)).code).toBe(code);
    out.push(`${a.issuer}|${a.label}|${a.type}|${a.algorithm}|${a.digits}|${a.type === 'hotp' ? a.counter : a.period}|${await vault.revealSecret(a.id)}|${code}`);
  }
  return out.sort();
}

function linkSnapshot(links: readonly string[]): string[] {
  return links.map((l) => {
    const d = parseOtpauthUri(l);
    const code = d.type === 'totp' ? totp(d.secret, T, d.algorithm, d.digits, d.period) : hotp(d.secret, d.counter ?? 0, d.digits);
    return `${d.issuer}|${d.label}|${d.type}|${d.algorithm}|${d.digits}|${d.type === 'hotp' ? d.counter : d.period}|${d.secret}|${code}`;
  }).sort();
}

const toast = (page: Page) => page.locator('.toast').last();

/** WCAG contrast of each selector's first element's text against its nearest opaque background. */
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
      out[sel] = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
    }
    return out;
  })()`)) as Record<string, number>;
}

async function openBackupSettings(page: Page) {
  if ((await page.getByRole('heading', { name: 'Settings' }).count()) === 0) await page.getByRole('button', { name: 'Settings' }).click();
  const region = page.getByRole('region', { name: 'Backup' });
  await region.scrollIntoViewIfNeeded();
  await region.getByTestId('backup-status').getByText(/^(Off|On|Passphrase set)/).waitFor();
  return region;
}

let browser: Browser;
let work: string;
beforeAll(async () => {
  browser = await launchBrowser();
  work = mkdtempSync(path.join(tmpdir(), 'authdesk-backup-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Settings › Backup (e2e)', () => {
  let app: AppHarness;
  let dialogs: FakeBackupDialogs;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dialogs = fakeBackupDialogs();
    app = await startApp({
      browser,
      backupDialogs: dialogs,
      beforeLoad: async (vault) => {
        for (const a of SEEDED) ids[a.issuer] = (await vault.add({ ...a })).id;
      },
    });
  });
  afterAll(async () => {
    if (app) {
      await new KeyringSecretStore().delete(backupPassphraseName(app.vault.vaultId)).catch(() => false);
      await app.close();
    }
  });

  it('the HMAC used for SHA-512 HOTP agrees with oathtool on SHA-1', () => {
    for (const c of [0, 1, 42, 1_000_000]) expect(rfcHotp(AEGIS.github, c, 6, 'sha1')).toBe(hotp(AEGIS.github, c));
  });

  it('a backup passphrase needs the app lock; then it is set, a first backup is written and "Back up now" writes another', async () => {
    const { page } = app;
    // Without an app lock, "Show QR code…" says what to do first (and asks main for nothing).
    await page.getByRole('option', { name: /GitHub/ }).click({ button: 'right' });
    await page.getByRole('button', { name: 'Show QR code…' }).click();
    const qr = page.getByRole('dialog', { name: 'Show QR code' });
    await expect.poll(() => qr.textContent()).toMatch(/Showing a QR code needs the app lock: set a passphrase in Settings → App lock first/);
    await qr.getByRole('button', { name: 'OK' }).click();
    expect(app.ipc.some((r) => r.channel === 'authdesk:backup.accountQr')).toBe(false);

    const region = await openBackupSettings(page);
    await expect.poll(() => region.getByTestId('backup-status').textContent()).toMatch(/Off: set a backup passphrase/);

    // No app lock yet: the form says so instead of failing on submit.
    await region.getByRole('button', { name: 'Set passphrase…' }).click();
    await expect.poll(() => region.getByRole('form', { name: 'Backup passphrase' }).textContent()).toMatch(/Set an app lock passphrase first/);
    await region.getByRole('button', { name: 'Cancel' }).click();

    const lock = page.getByRole('region', { name: 'App lock' });
    await lock.getByRole('button', { name: 'Set passphrase…' }).click();
    await lock.getByLabel('New passphrase').fill(LOCK);
    await lock.getByLabel('Repeat it').fill(LOCK);
    await lock.getByRole('button', { name: 'Save passphrase' }).click();
    await expect.poll(() => page.getByText('On. Codes are hidden until you unlock.').count()).toBe(1);

    await region.getByRole('button', { name: 'Set passphrase…' }).click();
    const form = region.getByRole('form', { name: 'Backup passphrase' });
    await form.getByLabel('Backup passphrase (8 or more characters)').fill(BACKUP_PASS);
    await form.getByLabel('Repeat it').fill(`${BACKUP_PASS}x`);
    await form.getByLabel('App lock passphrase').fill(LOCK);
    await form.getByRole('button', { name: 'Save passphrase' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('The two passphrases are different. Type the same passphrase twice.');
    await form.getByLabel('Repeat it').fill(BACKUP_PASS);
    await form.getByLabel('App lock passphrase').fill('not the lock');
    await form.getByRole('button', { name: 'Save passphrase' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('That passphrase is not right. Check Caps Lock and try again.');
    expect(await listAutoBackups(app.dataDir)).toEqual([]);
    await form.getByLabel('App lock passphrase').fill(LOCK);
    await form.getByRole('button', { name: 'Save passphrase' }).click();
    await expect.poll(() => toast(page).textContent()).toMatch(/^Backup passphrase saved; a first backup was written/);
    await expect.poll(() => region.getByTestId('backup-status').textContent()).toMatch(/On: the last 10 backups are kept \(1 now, newest/);

    const first = await listAutoBackups(app.dataDir);
    expect(first).toHaveLength(1);
    expect(statSync(first[0]!.path).mode & 0o777).toBe(0o600);
    const item = await new KeyringSecretStore().get(backupPassphraseName(app.vault.vaultId));
    expect(JSON.parse(item ?? '{}')).toMatchObject({ passphrase: BACKUP_PASS });

    await region.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => toast(page).textContent()).toBe('Backup written.');
    await expect.poll(async () => (await listAutoBackups(app.dataDir)).length).toBe(2);
    await expect.poll(() => region.getByRole('list', { name: 'Restore an automatic backup' }).getByRole('listitem').count()).toBe(2);
    // The automatic backup holds every account: the standalone script reads it.
    const passFile = path.join(work, 'backup-pass.txt');
    writeFileSync(passFile, BACKUP_PASS, { mode: 0o600 });
    const newest = (await listAutoBackups(app.dataDir))[0]!.path;
    const links = execFileSync(process.execPath, [path.join(ROOT, 'scripts/decrypt-backup.mjs'), newest, '--passphrase-file', passFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n');
    expect(linkSnapshot(links)).toEqual(await vaultSnapshot(app.vault));
  });

  it('export: an encrypted backup to the path the save dialog returns, which the standalone script decrypts', async () => {
    const { page } = app;
    const region = await openBackupSettings(page);
    const target = path.join(work, 'my-backup.json');
    dialogs.savePath = target;
    await region.getByRole('button', { name: 'Export…' }).click();
    const form = region.getByRole('form', { name: 'Export' });
    expect(await form.getByLabel('Format').inputValue()).toBe('authdesk');
    await form.getByLabel('Passphrase for this backup (8 or more characters)').fill(EXPORT_PASS);
    await form.getByLabel('Repeat it').fill(EXPORT_PASS);
    await form.getByLabel('App lock passphrase').fill(LOCK);
    await form.getByRole('button', { name: 'Choose where to save…' }).click();
    await expect.poll(() => toast(page).textContent()).toBe(`Exported 3 accounts to ${target}.`);
    expect(dialogs.saves.at(-1)?.defaultPath).toMatch(/^authdesk-backup-\d{4}-\d\d-\d\d\.json$/);
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const passFile = path.join(work, 'export-pass.txt');
    writeFileSync(passFile, `${EXPORT_PASS}\n`, { mode: 0o600 });
    const links = execFileSync(process.execPath, [path.join(ROOT, 'scripts/decrypt-backup.mjs'), target, '--passphrase-file', passFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n');
    expect(links).toHaveLength(3);
    expect(linkSnapshot(links)).toEqual(await vaultSnapshot(app.vault));
  });

  it('export: the plain otpauth:// list is written with its warning shown', async () => {
    const { page } = app;
    const region = await openBackupSettings(page);
    const target = path.join(work, 'plain.txt');
    dialogs.savePath = target;
    await region.getByRole('button', { name: 'Export…' }).click();
    const form = region.getByRole('form', { name: 'Export' });
    await form.getByLabel('Format').selectOption('otpauth');
    await expect.poll(() => form.textContent()).toMatch(/This file will hold your secret keys in plain form/);
    expect(await form.getByLabel('Passphrase for this backup (8 or more characters)').count()).toBe(0);
    await form.getByLabel('App lock passphrase').fill(LOCK);
    await form.getByRole('button', { name: 'Choose where to save…' }).click();
    await expect.poll(() => toast(page).textContent()).toBe(`Exported 3 accounts to ${target}.`);
    await expect.poll(() => region.locator('.backup-warning[role="status"]').textContent()).toMatch(/^WARNING: this file holds your secret keys in plain text/);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const links = readFileSync(target, 'utf8').trim().split('\n');
    expect(linkSnapshot(links)).toEqual(await vaultSnapshot(app.vault));
  });

  it('export: Google Authenticator QR PNGs decode (QR decoder + hand-written protobuf reader) back to the accounts', async () => {
    const { page } = app;
    const region = await openBackupSettings(page);
    const folder = path.join(work, 'google');
    mkdirSync(folder);
    dialogs.savePath = path.join(folder, 'to-phone.png');
    await region.getByRole('button', { name: 'Export…' }).click();
    const form = region.getByRole('form', { name: 'Export' });
    await form.getByLabel('Format').selectOption('google-qr');
    await form.getByLabel('App lock passphrase').fill(LOCK);
    await form.getByRole('button', { name: 'Choose where to save…' }).click();
    await expect.poll(() => toast(page).textContent()).toBe(`Exported 3 accounts to ${path.join(folder, 'to-phone-1.png')}.`);
    await expect.poll(() => region.locator('.backup-warning[role="status"]').textContent()).toMatch(/QR codes hold your secret keys/);
    expect(readdirSync(folder)).toEqual(['to-phone-1.png']);

    const decoded: string[] = [];
    for (const file of readdirSync(folder)) {
      expect(statSync(path.join(folder, file)).mode & 0o777).toBe(0o600);
      const found = await scanImageFile(path.join(folder, file));
      expect(found).toHaveLength(1);
      const uri = found[0]!.text;
      expect(uri).toMatch(/^otpauth-migration:\/\/offline\?data=/);
      for (const otp of oracleDecode(uri).otp) {
        const secret = oracleBase32(otp.secret);
        const digits = otp.digits === 2 ? 8 : 6;
        const code = otp.type === 1 ? hotp(secret, otp.counter ?? 0, digits) : totp(secret, T, 'SHA1', digits);
        decoded.push(`${otp.issuer}|${otp.name}|${otp.type === 1 ? 'hotp' : 'totp'}|${otp.algorithm === 1 ? 'SHA1' : otp.algorithm}|${digits}|${otp.type === 1 ? otp.counter : 30}|${secret}|${code}`);
      }
    }
    expect(decoded.sort()).toEqual(await vaultSnapshot(app.vault));
  });

  it('import: an Aegis file from the open dialog -> preview without secrets -> confirm -> accounts with oathtool codes', async () => {
    const { page } = app;
    const region = await openBackupSettings(page);
    const before = (await listAutoBackups(app.dataDir)).length;
    dialogs.openPaths = [path.join(FIXTURES, 'aegis-plain.json')];
    await region.getByRole('button', { name: 'Import a file…' }).click();
    const preview = region.getByRole('group', { name: 'Import preview' });
    await expect.poll(() => preview.locator('.backup-heading').textContent()).toBe('Aegis vault: 3 accounts to import.');
    expect(await preview.getByRole('list', { name: 'Accounts to import' }).getByRole('listitem').allTextContents()).toEqual(['+GitHub: alice@example.com', '+Bank of Tests: bob', '+Counter Corp: carol (HOTP)']);
    expect(await preview.getByRole('list', { name: 'Unsupported entries' }).textContent()).toMatch(/Steam: gamer/);
    // Nothing secret in the page, nor in any answer main gave so far.
    const html = await page.content();
    for (const s of ALL_SECRETS) expect(html).not.toContain(s);
    for (const r of app.ipc) for (const s of ALL_SECRETS) expect(JSON.stringify(r.result)).not.toContain(s);

    const confirm = preview.getByRole('button', { name: 'Import 3 accounts' });
    expect(await confirm.isDisabled()).toBe(true);
    await preview.getByRole('checkbox', { name: 'Import the others and leave these out' }).check();
    await confirm.click();
    await expect.poll(() => toast(page).textContent()).toBe('Imported 3 accounts.');
    // The import was followed by an automatic backup.
    await expect.poll(async () => (await listAutoBackups(app.dataDir)).length).toBe(before + 1);

    await page.getByRole('button', { name: 'Close settings' }).click();
    const now = Math.floor(Date.now() / 1000);
    const github = await rowCode(page, /GitHub.*alice@example\.com/);
    expect([totp(AEGIS.github, now), totp(AEGIS.github, now + 3)]).toContain(github);
    const bank = await rowCode(page, /Bank of Tests/);
    const t2 = Math.floor(Date.now() / 1000);
    expect([totp(AEGIS.bank, t2, 'SHA256', 8, 60), totp(AEGIS.bank, t2 + 3, 'SHA256', 8, 60)]).toContain(bank);
    const list = await app.vault.list();
    const carol = list.find((a) => a.label === 'carol')!;
    expect(carol).toMatchObject({ type: 'hotp', algorithm: 'SHA512', digits: 7, counter: 42, issuer: 'Counter Corp' });
    expect(await app.vault.revealSecret(carol.id)).toBe(AEGIS.counter);
    expect(await expectedCode(app.vault, carol.id)).toBe(rfcHotp(AEGIS.counter, 42, 7, 'sha512'));
    expect(list.some((a) => a.issuer === 'Steam')).toBe(false);
    for (const r of app.ipc.filter((x) => x.channel !== 'authdesk:backup.accountQr')) for (const s of ALL_SECRETS) expect(JSON.stringify(r.result)).not.toContain(s);
  });

  it('import: an encrypted backup with a wrong passphrase says so and imports nothing; the right one finds only duplicates', async () => {
    const { page } = app;
    const region = await openBackupSettings(page);
    const count = (await app.vault.list()).length;
    dialogs.openPaths = [path.join(work, 'my-backup.json')];
    await region.getByRole('button', { name: 'Import a file…' }).click();
    const ask = region.getByRole('form', { name: 'Passphrase of the file' });
    await expect.poll(() => ask.textContent()).toMatch(/This Authdesk encrypted backup is protected by a passphrase/);
    await ask.getByLabel(/passphrase/i).fill('wrong wrong wrong');
    await ask.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => ask.getByRole('alert').textContent()).toMatch(/passphrase is wrong, or the file was changed or damaged/);
    expect(await app.vault.list()).toHaveLength(count);

    await ask.getByLabel(/passphrase/i).fill(EXPORT_PASS);
    await ask.getByRole('button', { name: 'Open' }).click();
    const preview = region.getByRole('group', { name: 'Import preview' });
    await expect.poll(() => preview.locator('.backup-heading').textContent()).toBe('Authdesk encrypted backup: 0 accounts to import.');
    expect(await preview.getByRole('list', { name: 'Duplicates' }).getByRole('listitem').count()).toBe(3);
    expect(await preview.getByRole('button', { name: 'Import 0 accounts' }).isDisabled()).toBe(true);
    await preview.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => preview.count()).toBe(0);
    expect(await app.vault.list()).toHaveLength(count);
  });

  it('restore: an automatic backup from the list brings back an account lost since', async () => {
    const { page } = app;
    // Lost behind the app's back (no automatic backup follows): the newest backup still has it.
    await app.vault.remove(ids['GitHub']!);
    app.emit('accounts.changed', { source: 'external' });
    const region = await openBackupSettings(page);
    const list = region.getByRole('list', { name: 'Restore an automatic backup' });
    const newest = (await listAutoBackups(app.dataDir))[0]!;
    // Sealed with the backup passphrase the keychain holds: the preview comes without a question.
    await list.getByRole('listitem').first().getByRole('button', { name: /^Restore the backup of / }).click();
    const preview = region.getByRole('group', { name: 'Import preview' });
    await expect.poll(() => preview.locator('.backup-heading').textContent()).toBe('Authdesk encrypted backup: 1 account to import.');
    expect(await preview.getByRole('list', { name: 'Accounts to import' }).textContent()).toBe('+GitHub: octocat');
    expect(await preview.getByRole('list', { name: 'Duplicates' }).getByRole('listitem').count()).toBe(5);
    expect(await region.getByRole('form', { name: 'Passphrase of the file' }).count()).toBe(0);
    await preview.getByRole('button', { name: 'Import 1 account' }).click();
    await expect.poll(() => toast(page).textContent()).toBe('Imported 1 account.');
    const back = (await app.vault.list()).find((a) => a.issuer === 'GitHub' && a.label === 'octocat')!;
    ids['GitHub'] = back.id;
    expect(await app.vault.revealSecret(back.id)).toBe(SEEDED[0].secret);
    expect((await app.vault.code(back.id, T * 1000)).code).toBe(totp(SEEDED[0].secret, T));
    expect((await listAutoBackups(app.dataDir))[0]!.path).not.toBe(newest.path);

    // After the backup passphrase changed, an older backup asks for the passphrase it was made with.
    await setBackupPassphrase(app.vault, 'a later backup passphrase');
    try {
      await list.getByRole('listitem').first().getByRole('button', { name: /^Restore the backup of / }).click();
      const ask = region.getByRole('form', { name: 'Passphrase of the file' });
      await expect.poll(() => ask.locator('.backup-note').textContent()).toBe('This automatic backup was made before the backup passphrase was last changed: enter the passphrase it had then.');
      await ask.getByLabel('Passphrase of the file').fill(BACKUP_PASS);
      await ask.getByRole('button', { name: 'Open' }).click();
      await expect.poll(() => preview.locator('.backup-heading').textContent()).toBe('Authdesk encrypted backup: 0 accounts to import.');
      await preview.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await setBackupPassphrase(app.vault, BACKUP_PASS);
    }
  });

  it('"Show QR code…" needs the lock passphrase and shows an image that decodes to the account\'s otpauth:// link', async () => {
    const { page } = app;
    if ((await page.getByRole('heading', { name: 'Settings' }).count()) > 0) await page.getByRole('button', { name: 'Close settings' }).click();
    await page.getByRole('option', { name: /Fastmail/ }).click({ button: 'right' });
    await page.getByRole('button', { name: 'Show QR code…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Show QR code' });
    await dialog.getByLabel('App lock passphrase').fill('not it');
    await dialog.getByRole('button', { name: 'Show QR code' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('That passphrase is not right. Check Caps Lock and try again.');
    await dialog.getByLabel('App lock passphrase').fill(LOCK);
    await dialog.getByRole('button', { name: 'Show QR code' }).click();
    const img = dialog.getByRole('img', { name: 'QR code of Fastmail: me@example.com' });
    const src = await img.getAttribute('src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    await page.screenshot({ path: path.join(SHOTS, 'account-qr.png') });
    const png = path.join(work, 'account-qr.png');
    writeFileSync(png, Buffer.from((src ?? '').replace(/^data:image\/png;base64,/, ''), 'base64'));
    const found = await scanImageFile(png);
    expect(found).toHaveLength(1);
    const d = parseOtpauthUri(found[0]!.text);
    expect(d).toMatchObject({ type: 'totp', issuer: 'Fastmail', label: 'me@example.com', secret: SEEDED[1].secret, algorithm: 'SHA1', digits: 8, period: 30 });
    expect(totp(d.secret, T, 'SHA1', 8)).toBe((await app.vault.code(ids['Fastmail']!, T * 1000)).code);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.locator('img[src^="data:image/png"]').count()).toBe(0);
    expect(app.pageErrors.filter((e) => !/ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED/.test(e))).toEqual([]);
  });
});

describe('Settings › Backup screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: passphrase set, backups listed, export form, import preview`, async () => {
      const dialogs = fakeBackupDialogs();
      const app = await startApp({
        browser,
        colorScheme: scheme,
        deviceScaleFactor: 2,
        // Tall enough that the whole Backup section is on screen (an element screenshot is clipped by the sheet's scroll).
        viewport: { width: 440, height: 1600 },
        backupDialogs: dialogs,
        beforeLoad: async (vault, services) => {
          for (const a of SEEDED) await vault.add({ ...a });
          await services.handlers.lock.setPassphrase({ next: LOCK });
          await services.handlers.backup.setPassphrase({ passphrase: BACKUP_PASS, lockPassphrase: LOCK });
          await services.handlers.backup.backupNow();
        },
      });
      try {
        const { page } = app;
        const region = await openBackupSettings(page);
        await region.getByRole('list', { name: 'Restore an automatic backup' }).waitFor();
        const shot = (name: string) => path.join(SHOTS, `${scheme}-backup${name}.png`);
        const shots = ['', '-passphrase', '-export', '-import'].map(shot);
        await region.screenshot({ path: shot('') });
        await region.getByRole('button', { name: 'Change passphrase…' }).click();
        await region.getByRole('form', { name: 'Backup passphrase' }).getByLabel('Backup passphrase (8 or more characters)').fill('short');
        await region.screenshot({ path: shot('-passphrase') });
        await region.getByRole('button', { name: 'Cancel' }).click();
        await region.getByRole('button', { name: 'Export…' }).click();
        await region.getByRole('form', { name: 'Export' }).getByLabel('Format').selectOption('otpauth');
        await region.screenshot({ path: shot('-export') });
        await region.getByRole('button', { name: 'Cancel' }).click();
        dialogs.openPaths = [path.join(FIXTURES, 'aegis-plain.json')];
        await region.getByRole('button', { name: 'Import a file…' }).click();
        await region.getByRole('group', { name: 'Import preview' }).waitFor();
        await region.screenshot({ path: shot('-import') });
        // Small text in the tinted panel and the rows meets WCAG AA (4.5:1) in this theme.
        const ratios = await contrasts(page, ['.backup-panel .backup-heading', '.backup-panel .backup-note', '.backup-panel .backup-list__reason', '.backup-panel .setting__label', '.backup-stacked .setting__description']);
        for (const [selector, ratio] of Object.entries(ratios)) expect(ratio, selector).toBeGreaterThanOrEqual(4.5);
        await region.getByRole('group', { name: 'Import preview' }).getByRole('button', { name: 'Cancel' }).click();
        for (const file of shots) expect(statSync(file).size).toBeGreaterThan(20_000);
        expect(app.pageErrors).toEqual([]);
      } finally {
        await new KeyringSecretStore().delete(backupPassphraseName(app.vault.vaultId)).catch(() => false);
        await app.close();
      }
    });
  }
});
