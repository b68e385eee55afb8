/**
 * The backup area's main-side handlers (electron/main/handlers/backup.ts) over a real vault (in-memory
 * ports), a fake lock and fake dialogs: the lock gate, the import steps, exports, the QR code, and
 * that no response ever carries a seed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockError } from '../../core/errors.js';
import { parseOtpauthUri } from '../../core/otpauth/uri.js';
import { createBackupService, type BackupDialogs } from '../../electron/main/handlers/backup.js';
import { decryptBackup } from '../../node/backup/crypto.js';
import { forgetBackupKeys } from '../../node/backup/auto.js';
import { scanImageBytes } from '../../node/qr/scan.js';
import { fixture, makeAegisEncrypted } from '../helpers/backup-fixtures.js';
import { InMemorySecretStoreDouble, openTestVault } from '../helpers/vault-doubles.js';

const LOCK = 'lock passphrase';
const dirs: string[] = [];
afterEach(() => {
  forgetBackupKeys();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(options: { lockSet?: boolean; debounceMs?: number } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-backup-ipc-'));
  dirs.push(dataDir);
  const fx = await openTestVault();
  const keychain = new InMemorySecretStoreDouble();
  const saved: string[] = [];
  let nextSavePath: string | undefined = path.join(dataDir, 'out.json');
  const dialogs: BackupDialogs = {
    chooseImportFiles: async () => [],
    chooseExportPath: async () => { if (nextSavePath) saved.push(nextSavePath); return nextSavePath; },
  };
  const events: string[] = [];
  const lock = {
    verify: async (passphrase: string) => {
      if (options.lockSet === false) throw new LockError('LOCK_NOT_SET', 'Set an app lock passphrase first.');
      if (passphrase !== LOCK) throw new LockError('LOCK_WRONG_PASSPHRASE', 'That passphrase is not right.');
    },
  };
  const service = createBackupService({
    vault: fx.vault, lock, dataDir, secrets: keychain, dialogs, debounceMs: options.debounceMs ?? 5,
    emitChanged: () => events.push('changed'), emitAccountsChanged: () => events.push('accounts'), emitProgress: () => events.push('progress'),
  });
  const responses: string[] = [];
  const h = new Proxy(service.handlers, {
    get(target, key) {
      const fn = target[key as keyof typeof target] as (r: unknown) => unknown;
      return async (request: unknown) => {
        const value = await fn(request);
        responses.push(JSON.stringify(value ?? null));
        return value;
      };
    },
  }) as typeof service.handlers;
  return { ...fx, dataDir, keychain, service, h, events, responses, saved, setSavePath: (p: string | undefined) => { nextSavePath = p; } };
}

describe('backup IPC handlers', () => {
  it('setting the backup passphrase is behind the app lock, then writes a first backup', async () => {
    const s = await setup();
    await s.vault.add({ type: 'totp', issuer: 'GitHub', label: 'me', secret: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', algorithm: 'SHA1', digits: 6, period: 30 });
    await expect(s.h.setPassphrase({ passphrase: 'backup passphrase', lockPassphrase: 'wrong' })).rejects.toMatchObject({ code: 'LOCK_WRONG_PASSPHRASE' });
    expect((await s.h.status()).passphraseSet).toBe(false);
    const status = await s.h.setPassphrase({ passphrase: 'backup passphrase', lockPassphrase: LOCK });
    expect(status).toMatchObject({ passphraseSet: true, keep: 10, last: { status: 'written' } });
    expect(status.backups).toHaveLength(1);
    const noLock = await setup({ lockSet: false });
    await expect(noLock.h.setPassphrase({ passphrase: 'backup passphrase', lockPassphrase: 'x' })).rejects.toMatchObject({ code: 'LOCK_NOT_SET' });
  });

  it('an encrypted Aegis file: needs-passphrase, wrong passphrase, preview without secrets, apply, automatic backup', async () => {
    const s = await setup();
    await s.h.setPassphrase({ passphrase: 'backup passphrase', lockPassphrase: LOCK });
    const db = JSON.parse(fixture('aegis-plain.json').toString()).db;
    const file = Buffer.from(makeAegisEncrypted(db, 'aegis pw', { N: 2 ** 14 }));
    const first = await s.h.importBytes({ files: [{ base64: file.toString('base64'), name: 'aegis.json' }] });
    expect(first).toMatchObject({ state: 'needs-passphrase', formatName: 'Aegis vault' });
    await expect(s.h.importDecrypt({ importId: first.importId, passphrase: 'nope' })).rejects.toMatchObject({ code: 'IMPORT_WRONG_PASSPHRASE' });
    const ready = await s.h.importDecrypt({ importId: first.importId, passphrase: 'aegis pw' });
    expect(ready).toMatchObject({ state: 'ready', format: 'aegis', unsupported: [{ name: 'Steam: gamer' }] });
    if (ready.state !== 'ready') return;
    expect(ready.toAdd.map((a) => a.label)).toEqual(['alice@example.com', 'bob', 'carol']);
    await expect(s.h.importApply({ importId: ready.importId })).rejects.toMatchObject({ code: 'IMPORT_HAS_UNSUPPORTED' });
    expect(await s.vault.list()).toHaveLength(0);
    const added = await s.h.importApply({ importId: ready.importId, skipUnsupported: true });
    expect(added).toHaveLength(3);
    expect(s.events).toContain('accounts');
    const status = await s.h.status();
    expect(status.backups).toHaveLength(2);
    await expect(s.h.importApply({ importId: ready.importId })).rejects.toMatchObject({ code: 'IMPORT_EXPIRED' });
    // No response ever held a seed.
    for (const secret of ['CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', 'XNIPIGXXJGKRK4ZWD36IFTIBF6QWTC3P', '4YUKY3HYX7VALOU3GYQJTGEIPOZJ55QHRLKBYG5QG6ACN7F5LTOA']) {
      for (const r of s.responses) expect(r).not.toContain(secret);
    }
  });

  it('restores an automatic backup by name; a locked app drops pending imports', async () => {
    const s = await setup();
    await s.vault.add({ type: 'totp', issuer: 'GitHub', label: 'me', secret: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', algorithm: 'SHA1', digits: 6, period: 30 });
    const status = await s.h.setPassphrase({ passphrase: 'backup passphrase', lockPassphrase: LOCK });
    const name = status.backups[0]!.name;
    // The keychain's backup passphrase opens the vault's own backups: no question asked.
    const opened = await s.h.restoreOpen({ name });
    expect(opened).toMatchObject({ state: 'ready', toAdd: [], duplicates: [{ name: 'GitHub: me', reason: 'already in this vault' }] });
    // After a change of passphrase, an older backup asks for the one it was made with, and says so.
    await s.h.setPassphrase({ passphrase: 'a newer backup passphrase', lockPassphrase: LOCK });
    const older = await s.h.restoreOpen({ name });
    expect(older).toMatchObject({ state: 'needs-passphrase', olderPassphrase: true });
    await expect(s.h.importDecrypt({ importId: older.importId, passphrase: 'a newer backup passphrase' })).rejects.toMatchObject({ code: 'BACKUP_WRONG_PASSPHRASE' });
    const ready = await s.h.importDecrypt({ importId: older.importId, passphrase: 'backup passphrase' });
    expect(ready).toMatchObject({ state: 'ready', toAdd: [], duplicates: [{ name: 'GitHub: me', reason: 'already in this vault' }] });
    const again = await s.h.restoreOpen({ name });
    s.service.clear();
    await expect(s.h.importDecrypt({ importId: again.importId, passphrase: 'backup passphrase' })).rejects.toMatchObject({ code: 'IMPORT_EXPIRED' });
  });

  it('exports behind the lock: encrypted file 0600, plain list with its warning, Google QR PNGs', async () => {
    const s = await setup();
    await s.vault.add({ type: 'totp', issuer: 'GitHub', label: 'me', secret: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', algorithm: 'SHA1', digits: 6, period: 30 });
    await expect(s.h.exportFile({ format: 'authdesk', passphrase: 'export passphrase', lockPassphrase: 'wrong' })).rejects.toMatchObject({ code: 'LOCK_WRONG_PASSPHRASE' });
    const enc = await s.h.exportFile({ format: 'authdesk', passphrase: 'export passphrase', lockPassphrase: LOCK });
    expect(enc).toEqual({ accounts: 1, files: [path.join(s.dataDir, 'out.json')] });
    expect(statSync(enc!.files[0]!).mode & 0o777).toBe(0o600);
    expect((await decryptBackup(readFileSync(enc!.files[0]!, 'utf8'), 'export passphrase')).accounts[0]!.secret).toBe('CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE');
    s.setSavePath(path.join(s.dataDir, 'plain.txt'));
    const plain = await s.h.exportFile({ format: 'otpauth', lockPassphrase: LOCK });
    expect(plain?.warning).toMatch(/plain text/);
    expect(readFileSync(path.join(s.dataDir, 'plain.txt'), 'utf8')).toBe('otpauth://totp/GitHub:me?secret=CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE&issuer=GitHub\n');
    s.setSavePath(path.join(s.dataDir, 'ga.png'));
    const qr = await s.h.exportFile({ format: 'google-qr', lockPassphrase: LOCK });
    expect(qr?.files).toEqual([path.join(s.dataDir, 'ga-1.png')]);
    const decoded = await scanImageBytes(readFileSync(qr!.files[0]!));
    expect(decoded[0]?.text).toMatch(/^otpauth-migration:\/\/offline\?data=/);
    s.setSavePath(undefined);
    expect(await s.h.exportFile({ format: 'otpauth', lockPassphrase: LOCK })).toBeNull();
  });

  it('a Google QR export never overwrites a numbered PNG the save dialog did not ask about', async () => {
    const s = await setup();
    await s.vault.add({ type: 'totp', issuer: 'GitHub', label: 'me', secret: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', algorithm: 'SHA1', digits: 6, period: 30 });
    const someoneElses = path.join(s.dataDir, 'photo-1.png');
    writeFileSync(someoneElses, 'holiday picture');
    s.setSavePath(path.join(s.dataDir, 'photo.png'));
    await expect(s.h.exportFile({ format: 'google-qr', lockPassphrase: LOCK })).rejects.toMatchObject({
      code: 'EXPORT_FILE_EXISTS',
      message: `${someoneElses} already exists. Nothing was written. Choose another name (the codes are saved as name-1.png, name-2.png…).`,
    });
    expect(readFileSync(someoneElses, 'utf8')).toBe('holiday picture');
    s.setSavePath(path.join(s.dataDir, 'other.png'));
    expect((await s.h.exportFile({ format: 'google-qr', lockPassphrase: LOCK }))?.files).toEqual([path.join(s.dataDir, 'other-1.png')]);
  });

  it("an account's QR code (behind the lock) decodes to its otpauth:// link", async () => {
    const s = await setup();
    const account = await s.vault.add({ type: 'totp', issuer: 'Example', label: 'qr@example.com', secret: 'XNIPIGXXJGKRK4ZWD36IFTIBF6QWTC3P', algorithm: 'SHA256', digits: 8, period: 60 });
    await expect(s.h.accountQr({ id: account.id, lockPassphrase: 'wrong' })).rejects.toMatchObject({ code: 'LOCK_WRONG_PASSPHRASE' });
    const { dataUrl } = await s.h.accountQr({ id: account.id, lockPassphrase: LOCK });
    expect(dataUrl).toMatch(/^data:image\/png;base64,/);
    const [qr] = await scanImageBytes(Buffer.from(dataUrl.split(',')[1]!, 'base64'));
    expect(parseOtpauthUri(qr!.text)).toMatchObject({ issuer: 'Example', label: 'qr@example.com', secret: 'XNIPIGXXJGKRK4ZWD36IFTIBF6QWTC3P', algorithm: 'SHA256', digits: 8, period: 60 });
  });

  it('afterChange debounces into one automatic backup', async () => {
    const s = await setup({ debounceMs: 60_000 });
    await s.h.setPassphrase({ passphrase: 'backup passphrase', lockPassphrase: LOCK });
    // Three different keys: the vault refuses a key it already holds (DUPLICATE_SECRET).
    const keys = { a: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', b: 'XNIPIGXXJGKRK4ZWD36IFTIBF6QWTC3P', c: '4YUKY3HYX7VALOU3GYQJTGEIPOZJ55QH' };
    for (const label of ['a', 'b', 'c'] as const) {
      await s.vault.add({ type: 'totp', issuer: 'X', label, secret: keys[label], algorithm: 'SHA1', digits: 6, period: 30 });
      s.service.afterChange();
    }
    await s.service.flush();
    const status = await s.h.status();
    expect(status.backups).toHaveLength(2);
    const newest = await decryptBackup(readFileSync(path.join(status.folder, status.backups[0]!.name), 'utf8'), 'backup passphrase');
    expect(newest.accounts.map((a) => a.label)).toEqual(['a', 'b', 'c']);
  });

  it('without dialogs (headless) the file dialogs say they need the app', async () => {
    const fx = await openTestVault();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-backup-ipc-'));
    dirs.push(dataDir);
    const service = createBackupService({ vault: fx.vault, lock: { verify: async () => undefined }, dataDir, secrets: new InMemorySecretStoreDouble() });
    await expect(service.handlers.importChoose()).rejects.toMatchObject({ code: 'BACKUP_NEEDS_APP' });
  });
});
