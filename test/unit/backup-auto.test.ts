import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptBackup } from '../../node/backup/crypto.js';
import { backupNow, backupPassphraseName, forgetBackupKeys, listAutoBackups, maybeAutoBackup, setBackupPassphrase, clearBackupPassphrase, hasBackupPassphrase } from '../../node/backup/auto.js';
import { InMemorySecretStoreDouble, openTestVault, randomSecret } from '../helpers/vault-doubles.js';

const dirs: string[] = [];
afterEach(() => {
  forgetBackupKeys();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-auto-'));
  dirs.push(dataDir);
  const fx = await openTestVault();
  const keychain = new InMemorySecretStoreDouble(); // where the passphrase lives (the vault's own double holds seeds)
  let t = Date.parse('2025-03-01T12:00:00.000Z');
  const options = { dataDir, secrets: keychain, now: () => new Date((t += 1000)) };
  const add = (label: string) => fx.vault.add({ type: 'totp', issuer: 'Auto', label, secret: randomSecret(), algorithm: 'SHA1', digits: 6, period: 30 });
  return { ...fx, dataDir, keychain, options, add };
}

describe('automatic backups', () => {
  it('do nothing without a passphrase, or when turned off', async () => {
    const s = await setup();
    await s.add('a');
    expect(await maybeAutoBackup(s.vault, s.options)).toEqual({ status: 'no-passphrase' });
    await setBackupPassphrase(s.vault, 'a good passphrase', s.options);
    await s.vault.updateSettings({ autoBackupKeep: 0 });
    expect(await maybeAutoBackup(s.vault, s.options)).toEqual({ status: 'off' });
    expect(await listAutoBackups(s.dataDir)).toEqual([]);
  });

  it('keep the newest N encrypted files (0600), skip unchanged contents, reuse one derived key', async () => {
    const s = await setup();
    await setBackupPassphrase(s.vault, 'a good passphrase', s.options);
    expect(JSON.parse(s.keychain.items.get(backupPassphraseName(s.vault.vaultId))!)).toEqual({ kind: 'authdesk-backup-passphrase', version: 1, passphrase: 'a good passphrase' });
    expect(await hasBackupPassphrase(s.vault, s.options)).toBe(true);
    await s.vault.updateSettings({ autoBackupKeep: 3 });
    const written: string[] = [];
    for (const label of ['a', 'b', 'c', 'd', 'e']) {
      await s.add(label);
      const result = await maybeAutoBackup(s.vault, s.options);
      expect(result.status).toBe('written');
      if (result.status === 'written') written.push(result.path);
    }
    expect(await maybeAutoBackup(s.vault, s.options)).toEqual({ status: 'unchanged' });
    const files = await listAutoBackups(s.dataDir);
    expect(files.map((f) => f.path)).toEqual(written.slice(2).reverse());
    for (const f of files) expect(statSync(f.path).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(s.dataDir, 'backups')).mode & 0o777).toBe(0o700);
    const newest = JSON.parse(readFileSync(files[0]!.path, 'utf8'));
    const oldest = JSON.parse(readFileSync(files[2]!.path, 'utf8'));
    expect(newest.kdf.salt).toBe(oldest.kdf.salt); // one scrypt per session
    expect(newest.cipher.nonce).not.toBe(oldest.cipher.nonce); // a fresh nonce per file
    const payload = await decryptBackup(readFileSync(files[0]!.path, 'utf8'), 'a good passphrase');
    expect(payload.accounts.map((a) => a.label)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(payload.accounts[4]!.secret).toBe(await s.vault.revealSecret((await s.vault.list())[4]!.id));
  });

  it('a new passphrase takes effect at once (new salt); clearing it stops backups', async () => {
    const s = await setup();
    await s.add('a');
    await setBackupPassphrase(s.vault, 'first passphrase', s.options);
    const one = await maybeAutoBackup(s.vault, s.options);
    await setBackupPassphrase(s.vault, 'second passphrase', s.options);
    const two = await backupNow(s.vault, s.options);
    expect(one.status === 'written' && two.status === 'written').toBe(true);
    if (one.status !== 'written' || two.status !== 'written') return;
    expect(JSON.parse(readFileSync(one.path, 'utf8')).kdf.salt).not.toBe(JSON.parse(readFileSync(two.path, 'utf8')).kdf.salt);
    await expect(decryptBackup(readFileSync(two.path, 'utf8'), 'first passphrase')).rejects.toMatchObject({ code: 'BACKUP_WRONG_PASSPHRASE' });
    expect((await decryptBackup(readFileSync(two.path, 'utf8'), 'second passphrase')).accounts).toHaveLength(1);
    expect(await clearBackupPassphrase(s.vault, s.options)).toBe(true);
    await s.add('b');
    expect(await maybeAutoBackup(s.vault, s.options)).toEqual({ status: 'no-passphrase' });
    await expect(backupNow(s.vault, s.options)).resolves.toMatchObject({ status: 'failed', error: { code: 'BACKUP_NO_PASSPHRASE' } });
  });

  it('the keychain item can never pass for a seed in the vault\'s reconciliation (a base32-looking passphrase)', async () => {
    const s = await setup();
    const fx = await openTestVault({ secrets: s.keychain });
    await setBackupPassphrase(fx.vault, 'abcdefghijklmnop', { ...s.options });
    const report = await fx.vault.reconcile({ again: true });
    expect(report.recovered).toEqual([]);
    expect(await fx.vault.list()).toEqual([]);
    await fx.vault.add({ type: 'totp', issuer: 'X', label: 'y', secret: randomSecret(), algorithm: 'SHA1', digits: 6, period: 30 });
    expect((await maybeAutoBackup(fx.vault, s.options)).status).toBe('written');
  });

  it('refuse a short passphrase; report failures instead of throwing into the caller', async () => {
    const s = await setup();
    await expect(setBackupPassphrase(s.vault, 'short', s.options)).rejects.toMatchObject({ code: 'BACKUP_PASSPHRASE_TOO_SHORT' });
    await setBackupPassphrase(s.vault, 'a good passphrase', s.options);
    const notADir = path.join(s.dataDir, 'file');
    writeFileSync(notADir, 'x');
    const result = await maybeAutoBackup(s.vault, { ...s.options, dataDir: notADir });
    expect(result.status).toBe('failed');
    expect(JSON.stringify(result)).not.toContain('a good passphrase');
  });

  it('calls in a burst run one after another; the newest backup holds the latest contents', async () => {
    const s = await setup();
    await setBackupPassphrase(s.vault, 'a good passphrase', s.options);
    await s.add('a');
    const first = maybeAutoBackup(s.vault, s.options);
    await s.add('b');
    const second = maybeAutoBackup(s.vault, s.options);
    await s.add('c');
    const third = maybeAutoBackup(s.vault, s.options);
    const results = [await first, await second, await third].map((r) => r.status);
    expect(results[0]).toBe('written');
    expect(results.every((r) => r === 'written' || r === 'unchanged')).toBe(true);
    const [newest] = await listAutoBackups(s.dataDir);
    const payload = await decryptBackup(readFileSync(newest!.path, 'utf8'), 'a good passphrase');
    expect(payload.accounts.map((a) => a.label)).toEqual(['a', 'b', 'c']);
  });
});
