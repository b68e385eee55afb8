/**
 * Backups end to end with the real keychain (run under scripts/with-keyring.sh) and real processes:
 * a vault is filled by `authdesk import`, exported as an encrypted backup, decrypted by the
 * standalone script, restored into another vault (other data dir, other vault id), exported as a
 * plain list and as Google Authenticator QR PNGs that are decoded again by the real QR decoder.
 * Codes are checked against oathtool.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../core/otpauth/uri.js';
import type { VaultApi } from '../../core/vault/api.js';
import { KeyringSecretStore } from '../../node/keychain.js';
import { openVault } from '../../node/open-vault.js';
import { backupPassphraseName, listAutoBackups } from '../../node/backup/auto.js';
import { FIXTURES } from '../helpers/backup-fixtures.js';
import { ensureCliBuilt, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { oathHotp, oathTotp } from '../helpers/vault-doubles.js';

const T = 1_800_000_007;
const dirs: Array<{ path: string; cleanup(): void }> = [];
const opened: VaultApi[] = [];

function dir(): string {
  const d = tempDir('authdesk-backup-');
  dirs.push(d);
  return d.path;
}

async function vaultAt(dataDir: string): Promise<VaultApi> {
  const vault = await openVault({ dataDir });
  opened.push(vault);
  return vault;
}

/** Every account of a vault as "issuer|label|type|algo|digits|period|counter" + its code at T (oathtool). */
async function snapshot(vault: VaultApi): Promise<string[]> {
  const out: string[] = [];
  for (const a of await vault.list()) {
    const secret = await vault.revealSecret(a.id);
    const expected = a.type === 'totp' ? oathTotp(secret, T, { algorithm: a.algorithm, digits: a.digits, period: a.period }) : a.algorithm === 'SHA1' ? oathHotp(secret, a.counter ?? 0, a.digits) : 'hotp';
    if (a.type === 'totp') expect((await vault.code(a.id, T * 1000)).code).toBe(expected);
    out.push(`${a.issuer}|${a.label}|${a.type}|${a.algorithm}|${a.digits}|${a.period}|${a.counter ?? ''}|${secret}|${expected}`);
  }
  return out.sort();
}

beforeAll(() => {
  ensureCliBuilt();
});

afterAll(() => {
  for (const v of opened) v.forgetSecrets();
  for (const d of dirs) d.cleanup();
});

describe('authdesk export / import with the real keychain', () => {
  let source: string;
  let work: string;
  let passFile: string;

  beforeAll(async () => {
    source = dir();
    work = dir();
    passFile = path.join(work, 'pass.txt');
    writeFileSync(passFile, 'tr0ub4dor & 3 horses\n', { mode: 0o600 });
    const a = await runCli(['import', path.join(FIXTURES, 'otpauth.txt'), '--yes'], { dataDir: source });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/list of otpauth:\/\/ links: 4 accounts to import/);
    const b = await runCli(['import', path.join(FIXTURES, 'aegis-plain.json'), '--yes', '--skip-unsupported'], { dataDir: source });
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/Cannot be used by Authdesk \(1\):\n {2}! Steam: gamer/);
  });

  it('an encrypted backup restores into another vault (other data dir and vault id) with its passphrase', async () => {
    const backup = path.join(work, 'backup.json');
    const out = await runCli(['export', '--format', 'authdesk', '--out', backup, '--passphrase-file', passFile], { dataDir: source });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    const again = await runCli(['export', '--format', 'authdesk', '--out', backup, '--passphrase-file', passFile], { dataDir: source });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists.*--force/);

    const target = dir();
    const wrong = path.join(work, 'wrong.txt');
    writeFileSync(wrong, 'not the passphrase');
    const bad = await runCli(['import', backup, '--passphrase-file', wrong, '--yes'], { dataDir: target });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/passphrase is wrong, or the file was changed/);
    const restored = await runCli(['import', backup, '--passphrase-file', passFile, '--yes'], { dataDir: target });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Authdesk encrypted backup: 7 accounts to import/);

    const [from, to] = [await vaultAt(source), await vaultAt(target)];
    expect(to.vaultId).not.toBe(from.vaultId);
    expect(await snapshot(to)).toEqual(await snapshot(from));
    // Same order as the source.
    expect((await to.list()).map((a) => a.label)).toEqual([...(await from.list())].sort((x, y) => x.order - y.order).map((a) => a.label));

    const twice = await runCli(['import', backup, '--passphrase-file', passFile, '--yes', '--json'], { dataDir: target });
    expect(twice.code).toBe(0);
    const report = JSON.parse(twice.stdout);
    expect(report.imported).toBe(0);
    expect(report.duplicates).toHaveLength(7);

    // The standalone script (node:crypto only) decrypts the same file to the same accounts.
    const script = execFileSync(process.execPath, [path.join(ROOT, 'scripts/decrypt-backup.mjs'), backup, '--passphrase-file', passFile], { encoding: 'utf8' });
    const links = script.trim().split('\n');
    expect(links).toHaveLength(7);
    const fromScript = links.map((l) => parseOtpauthUri(l)).map((d) => {
      const expected = d.type === 'totp' ? oathTotp(d.secret, T, { algorithm: d.algorithm, digits: d.digits, period: d.period }) : d.algorithm === 'SHA1' ? oathHotp(d.secret, d.counter ?? 0, d.digits) : 'hotp';
      return `${d.issuer}|${d.label}|${d.type}|${d.algorithm}|${d.digits}|${d.period}|${d.counter ?? ''}|${d.secret}|${expected}`;
    });
    expect(fromScript.sort()).toEqual(await snapshot(from));
    let failed: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/decrypt-backup.mjs'), backup, '--passphrase-file', wrong], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      failed = e as { status: number; stderr: string };
    }
    expect(failed?.status).toBe(1);
    expect(failed?.stderr).toMatch(/decryption failed/);
  });

  it('a plain otpauth list is written with a warning and imports into a fresh vault', async () => {
    const list = path.join(work, 'accounts.txt');
    const out = await runCli(['export', '--format', 'otpauth', '--out', list], { dataDir: source });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/WARNING: this file holds your secret keys in plain text/);
    expect(statSync(list).mode & 0o777).toBe(0o600);
    const target = dir();
    expect((await runCli(['import', list, '--yes'], { dataDir: target })).code).toBe(0);
    expect(await snapshot(await vaultAt(target))).toEqual(await snapshot(await vaultAt(source)));
  });

  it('Google Authenticator QR PNGs round-trip through the real QR decoder', async () => {
    // Only 30 s accounts with 6 or 8 digits travel in Google's format: a vault of those.
    const google = dir();
    expect((await runCli(['import', path.join(FIXTURES, 'google.txt'), '--yes', '--skip-unsupported'], { dataDir: google })).code).toBe(0);
    const many = Array.from({ length: 12 }, (_, i) => `otpauth://totp/Amazon%20Web%20Services:user${i}@123456789012?secret=${'GFYDVVWRRL7MASOHHAKXWMSHXXKMM3MP5PGLWEIWLTMFHRL4XIIQ5L4KEZ3KXM'}${'ABCDEFGH'[i % 8]}${'ABCDEFGHIJKLMNOP'[i]}&issuer=Amazon%20Web%20Services`).join('\n');
    writeFileSync(path.join(work, 'many.txt'), `${many}\n`);
    expect((await runCli(['import', path.join(work, 'many.txt'), '--yes'], { dataDir: google })).code).toBe(0);
    const base = path.join(work, 'ga.png');
    const out = await runCli(['export', '--format', 'google-qr', '--out', base], { dataDir: google });
    expect(out.stderr).toMatch(/WARNING: these QR codes hold your secret keys/);
    expect(out.code, out.stderr).toBe(0);
    const pngs = readdirSync(work).filter((f) => /^ga-\d+\.png$/.test(f)).sort();
    expect(pngs.length).toBeGreaterThanOrEqual(2); // 15 accounts: at most 10 per code and 700 protobuf bytes
    for (const f of pngs) expect(statSync(path.join(work, f)).mode & 0o777).toBe(0o600);
    const target = dir();
    const imported = await runCli(['import', ...pngs.map((f) => path.join(work, f)), '--yes'], { dataDir: target });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).not.toMatch(/Warning/);
    expect(await snapshot(await vaultAt(target))).toEqual(await snapshot(await vaultAt(google)));
  });

  it('refusals leave the vault as it was: unsupported entries, no --yes off a terminal, wrong --format, overwrite', async () => {
    const target = dir();
    const unsupported = await runCli(['import', path.join(FIXTURES, 'twofas-plain.2fas'), '--yes'], { dataDir: target });
    expect(unsupported.code).toBe(1);
    expect(unsupported.stdout).toMatch(/! Steam: frank/);
    expect(unsupported.stderr).toMatch(/Nothing was imported.*--skip-unsupported/);
    const noYes = await runCli(['import', path.join(FIXTURES, 'otpauth.txt')], { dataDir: target });
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toMatch(/add --yes/);
    const mismatch = await runCli(['import', path.join(FIXTURES, 'bitwarden.json'), '--format', 'aegis', '--yes'], { dataDir: target });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/not an Aegis vault; it looks like a Bitwarden JSON export/);
    const usage = await runCli(['export', '--format', 'pdf', '--out', 'x'], { dataDir: target });
    expect(usage.code).toBe(2);
    expect(await (await vaultAt(target)).list()).toHaveLength(0);
    const qrBase = path.join(work, 'again.png');
    expect((await runCli(['export', '--format', 'google-qr', '--out', qrBase], { dataDir: source })).code).toBe(1); // 7-digit / 15 s accounts cannot travel
    const list = path.join(work, 'exists.txt');
    writeFileSync(list, 'keep me');
    const refused = await runCli(['export', '--format', 'otpauth', '--out', list], { dataDir: source });
    expect(refused.code).toBe(1);
    expect(readFileSync(list, 'utf8')).toBe('keep me');
    expect((await runCli(['export', '--format', 'otpauth', '--out', list, '--force'], { dataDir: source })).code).toBe(0);
    expect(readFileSync(list, 'utf8')).toMatch(/^otpauth:\/\//);
  });

  it('importing with a backup passphrase set writes an automatic backup the script can read', async () => {
    const vault = await vaultAt(source);
    const store = new KeyringSecretStore();
    await store.set(backupPassphraseName(vault.vaultId), 'auto backup passphrase');
    try {
      const more = path.join(work, 'one.txt');
      writeFileSync(more, 'otpauth://totp/Auto:backup?secret=IO6OL55B6RU3E7E7GN7VWQIQKYOWQJBP&issuer=Auto\n');
      const r = await runCli(['import', more, '--yes', '--json'], { dataDir: source });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).autoBackup).toBe('written');
      const [latest] = await listAutoBackups(source);
      expect(latest).toBeDefined();
      expect(statSync(latest!.path).mode & 0o777).toBe(0o600);
      const pf = path.join(work, 'auto-pass.txt');
      writeFileSync(pf, 'auto backup passphrase');
      chmodSync(pf, 0o600);
      const script = execFileSync(process.execPath, [path.join(ROOT, 'scripts/decrypt-backup.mjs'), latest!.path, '--passphrase-file', pf], { encoding: 'utf8' });
      expect(script).toContain('otpauth://totp/Auto:backup?secret=IO6OL55B6RU3E7E7GN7VWQIQKYOWQJBP&issuer=Auto');
      expect(readFileSync(latest!.path, 'utf8')).not.toContain('IO6OL55B6RU3E7E7GN7VWQIQKYOWQJBP');
    } finally {
      await store.delete(backupPassphraseName(vault.vaultId));
    }
  });
});
