/**
 * `authdesk backup ...` as a person uses it: the BUILT CLI (dist/cli/authdesk.cjs) as real
 * processes, the real keychain (run under scripts/with-keyring.sh), real files. The backups it writes
 * are read back by the standalone scripts/decrypt-backup.mjs and by `backup restore`; codes are
 * checked against Debian's oathtool. The terminal prompts run in a real pseudo-terminal (util-linux
 * `script`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../core/otpauth/uri.js';
import type { VaultApi } from '../../core/vault/api.js';
import { backupPassphraseName, clearBackupPassphrase, listAutoBackups } from '../../node/backup/auto.js';
import { KeyringSecretStore } from '../../node/keychain.js';
import { openVault } from '../../node/open-vault.js';
import { FIXTURES } from '../helpers/backup-fixtures.js';
import { CLI, ROOT, ensureCliBuilt, oathtoolHotp, oathtoolTotp, runCli, tempDir, type CliResult } from '../helpers/cli.js';

const T = 1_800_000_007;
const PASS = 'correct battery staple 42';
const NEW_PASS = 'a new longer passphrase';
const DECRYPT = path.join(ROOT, 'scripts/decrypt-backup.mjs');

const dirs: Array<{ path: string; cleanup(): void }> = [];
function dir(): string {
  const d = tempDir('authdesk-backup-cmd-');
  dirs.push(d);
  return d.path;
}

const store = new KeyringSecretStore();

async function vaultAt(dataDir: string): Promise<VaultApi> {
  return openVault({ dataDir, reconcile: 'skip' });
}

/** Each account as "issuer|label|type|...|secret|code at T", the code from oathtool (HOTP SHA1 from its counter). */
async function snapshot(dataDir: string): Promise<string[]> {
  const vault = await vaultAt(dataDir);
  const out: string[] = [];
  for (const a of await vault.list()) {
    const secret = await vault.revealSecret(a.id);
    let expected: string;
    if (a.type === 'totp') {
      expected = oathtoolTotp(secret, T, { algorithm: a.algorithm, digits: a.digits, period: a.period });
      expect((await vault.code(a.id, T * 1000)).code).toBe(expected);
    } else expected = oathtoolHotp(secret, a.counter ?? 0, a.digits);
    out.push(`${a.issuer}|${a.label}|${a.type}|${a.algorithm}|${a.digits}|${a.period}|${a.counter ?? ''}|${secret}|${expected}`);
  }
  vault.forgetSecrets();
  return out.sort();
}

/** The standalone recovery script's otpauth:// links, in the same shape as snapshot(). */
function decryptWithScript(file: string, passFile: string): string[] {
  const text = execFileSync(process.execPath, [DECRYPT, file, '--passphrase-file', passFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return text.trim().split('\n').map((line) => {
    const d = parseOtpauthUri(line);
    const expected = d.type === 'totp' ? oathtoolTotp(d.secret, T, { algorithm: d.algorithm, digits: d.digits, period: d.period }) : oathtoolHotp(d.secret, d.counter ?? 0, d.digits);
    return `${d.issuer}|${d.label}|${d.type}|${d.algorithm}|${d.digits}|${d.period}|${d.counter ?? ''}|${d.secret}|${expected}`;
  }).sort();
}

async function keychainItem(dataDir: string): Promise<string | null> {
  const vault = await vaultAt(dataDir);
  return store.get(backupPassphraseName(vault.vaultId));
}

/**
 * Run the CLI in a pseudo-terminal (util-linux `script`), typing each answer after its prompt
 * appears, as a person would. Returns everything the terminal showed.
 */
function runInTerminal(args: string[], answers: string[], dataDir: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = ['node', CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, AUTHDESK_DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let seen = 0;
    const pending = [...answers];
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // A prompt ends with ": " and waits; answer the next one once per new prompt.
      const prompts = stdout.match(/: $/gm)?.length ?? 0;
      if (prompts > seen && /: $/.test(stdout) && pending.length > 0) {
        seen = prompts;
        const answer = pending.shift() ?? '';
        setTimeout(() => child.stdin.write(`${answer}\r`), 150);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let source: string;
let work: string;
let passFile: string;

beforeAll(async () => {
  ensureCliBuilt();
  // dist/cli may predate the backup command (another engineer's build): rebuild once then.
  if ((await runCli(['help', 'backup'])).code !== 0) execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: ROOT, stdio: 'inherit' });
  source = dir();
  work = dir();
  passFile = path.join(work, 'pass.txt');
  writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
});

afterAll(async () => {
  // Remove this file's keychain items (seeds and backup passphrases), then the folders.
  for (const d of dirs) {
    const vault = await vaultAt(d.path).catch(() => undefined);
    if (vault) {
      for (const a of await vault.list().catch(() => [])) await vault.remove(a.id).catch(() => undefined);
      await clearBackupPassphrase(vault).catch(() => false);
      vault.forgetSecrets();
    }
    d.cleanup();
  }
});

describe('authdesk backup (built CLI, real keychain)', () => {
  it('status, passphrase and the first backup: refusals change nothing; the backup decrypts with the standalone script', async () => {
    const empty = await runCli(['backup', 'status'], { dataDir: source });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('Backup passphrase: not set');
    expect(empty.stdout).toContain('Automatic backups: off (set a passphrase');
    expect(empty.stdout).toContain(`Folder: ${path.join(source, 'backups')}`);
    expect(empty.stdout).toContain('Backups: none yet');
    expect(JSON.parse((await runCli(['backup', 'status', '--json'], { dataDir: source })).stdout)).toEqual({ passphraseSet: false, keep: 10, automatic: false, folder: path.join(source, 'backups'), backups: [] });

    const now = await runCli(['backup', 'now'], { dataDir: source });
    expect(now.code).toBe(1);
    expect(now.stderr).toBe('authdesk: Set a backup passphrase first: authdesk backup passphrase.\n');
    // Never from the command line (ps, shell history), never from a pipe without --passphrase-file.
    expect((await runCli(['backup', 'passphrase', PASS], { dataDir: source })).code).toBe(2);
    const noFile = await runCli(['backup', 'passphrase'], { dataDir: source, input: `${PASS}\n` });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/--passphrase-file/);
    writeFileSync(path.join(work, 'short.txt'), 'seven77\n');
    const short = await runCli(['backup', 'passphrase', '--passphrase-file', path.join(work, 'short.txt')], { dataDir: source });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 8 characters/);
    expect((await runCli(['backup', 'bogus'], { dataDir: source })).code).toBe(2);
    expect((await runCli(['backup'], { dataDir: source })).code).toBe(2);
    expect(await keychainItem(source)).toBeNull();

    // No passphrase: an import writes no backup.
    expect((await runCli(['import', path.join(FIXTURES, 'otpauth.txt'), '--yes'], { dataDir: source })).code).toBe(0);
    expect(await listAutoBackups(source)).toEqual([]);

    const set = await runCli(['backup', 'passphrase', '--passphrase-file', '-'], { dataDir: source, input: `${PASS}\n` });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^Backup passphrase set; it is kept in the OS keychain/);
    expect(set.stdout).not.toContain(PASS);
    const files = await listAutoBackups(source);
    expect(files).toHaveLength(1);
    const first = files[0]!;
    expect(set.stdout).toContain(`Wrote a backup of 4 accounts: ${first.path}`);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(source, 'backups')).mode & 0o777).toBe(0o700);
    // The keychain holds it (one trailing newline of the input dropped), wrapped so it never looks like a seed.
    const item = await keychainItem(source);
    expect(item).not.toBe(PASS);
    expect(JSON.parse(item ?? '{}')).toMatchObject({ passphrase: PASS });

    // Recovery without Authdesk: the automatic backup holds every account, codes as oathtool says.
    const expected = await snapshot(source);
    expect(expected).toHaveLength(4);
    expect(decryptWithScript(first.path, passFile)).toEqual(expected);

    const status = await runCli(['backup', 'status'], { dataDir: source });
    expect(status.stdout).toContain('Backup passphrase: set (in the OS keychain)');
    expect(status.stdout).toContain('Automatic backups: on, keeping the newest 10');
    expect(status.stdout).toContain('Backups (1, newest first):');
    expect(status.stdout).toContain(`${first.createdAt.slice(0, 10)} ${first.createdAt.slice(11, 19)} UTC`);
    expect(status.stdout).toContain(first.name);
    const json = JSON.parse((await runCli(['backup', 'status', '--json'], { dataDir: source })).stdout);
    expect(json).toMatchObject({ passphraseSet: true, keep: 10, automatic: true, backups: [{ name: first.name, path: first.path, createdAt: first.createdAt, bytes: statSync(first.path).size }] });
  });

  it('automatic backups after changes follow "backup keep N"; "backup now" prunes; keep 0 stops them', async () => {
    const add = await runCli(['add', '--uri', 'otpauth://totp/Keep:one?secret=IO6OL55B6RU3E7E7GN7VWQIQKYOWQJBP&issuer=Keep'], { dataDir: source });
    expect(add.code).toBe(0);
    expect(await listAutoBackups(source)).toHaveLength(2);

    const keep2 = await runCli(['backup', 'keep', '2'], { dataDir: source });
    expect(keep2.code).toBe(0);
    expect(keep2.stdout).toContain('The newest 2 backups will be kept.');
    const now = await runCli(['backup', 'now', '--json'], { dataDir: source });
    expect(now.code).toBe(0);
    const written = JSON.parse(now.stdout) as { path: string; accounts: number; pruned: number };
    expect(written).toMatchObject({ accounts: 5, pruned: 1 });
    const left = await listAutoBackups(source);
    expect(left.map((f) => f.path)).toContain(written.path);
    expect(left).toHaveLength(2);
    expect(decryptWithScript(written.path, passFile)).toEqual(await snapshot(source));

    for (const bad of [['-1'], ['abc'], ['1001'], ['2.5'], [], ['3', '4']]) {
      const r = await runCli(['backup', 'keep', ...bad], { dataDir: source });
      expect(r.code, `keep ${bad.join(' ')}`).toBe(2);
    }
    expect((await (await vaultAt(source)).settings()).autoBackupKeep).toBe(2);

    const off = await runCli(['backup', 'keep', '0'], { dataDir: source });
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('Automatic backups are off. The 2 existing backups are kept.');
    expect((await runCli(['add', '--uri', 'otpauth://totp/Keep:two?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Keep'], { dataDir: source })).code).toBe(0);
    expect((await listAutoBackups(source)).map((f) => f.path)).toEqual(left.map((f) => f.path));
    expect((await runCli(['backup', 'status'], { dataDir: source })).stdout).toContain('Automatic backups: off (keep is 0');
    // A backup made by hand while automatic ones are off deletes none of the earlier files.
    const manual = await runCli(['backup', 'now', '--json'], { dataDir: source });
    expect(manual.code).toBe(0);
    expect(JSON.parse(manual.stdout)).toMatchObject({ accounts: 6, pruned: 0 });
    expect(await listAutoBackups(source)).toHaveLength(3);
    for (const f of left) expect(statSync(f.path).isFile()).toBe(true);

    const back = await runCli(['backup', 'keep', '5'], { dataDir: source });
    expect(back.code).toBe(0);
    expect(JSON.parse((await runCli(['backup', 'status', '--json'], { dataDir: source })).stdout)).toMatchObject({ keep: 5, automatic: true });
    // The account added while backups were off is in the next one.
    const latest = JSON.parse((await runCli(['backup', 'now', '--json'], { dataDir: source })).stdout) as { accounts: number };
    expect(latest.accounts).toBe(6);
  });

  it('restore: into another vault with the passphrase, nothing with a wrong one, an earlier backup undoes a mistaken remove', async () => {
    const newest = (await listAutoBackups(source))[0]!;
    const target = dir();
    writeFileSync(path.join(work, 'wrong.txt'), 'not the passphrase\n');
    const wrong = await runCli(['backup', 'restore', newest.path, '--passphrase-file', path.join(work, 'wrong.txt'), '--yes'], { dataDir: target });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase is wrong, or the file was changed or damaged/);
    expect(await (await vaultAt(target)).list()).toHaveLength(0);
    const notOurs = await runCli(['backup', 'restore', path.join(FIXTURES, 'otpauth.txt'), '--yes'], { dataDir: target });
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toMatch(/not an Authdesk/i);
    expect((await runCli(['backup', 'restore'], { dataDir: target })).code).toBe(2);
    const none = await runCli(['backup', 'restore', '--latest', '--yes'], { dataDir: target });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no automatic backups to restore/);

    const restored = await runCli(['backup', 'restore', newest.path, '--passphrase-file', passFile, '--yes'], { dataDir: target });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Authdesk encrypted backup: 6 accounts to import/);
    expect(await snapshot(target)).toEqual(await snapshot(source));

    // A mistaken remove: the automatic backup after it lacks the account; the one before has it.
    const before = await snapshot(source);
    const removed = await runCli(['remove', 'peggy', '--yes'], { dataDir: source });
    expect(removed.code).toBe(0);
    const list = JSON.parse((await runCli(['backup', 'status', '--json'], { dataDir: source })).stdout) as { backups: Array<{ path: string }> };
    expect(list.backups[0]?.path).not.toBe(newest.path);
    expect(list.backups[1]?.path).toBe(newest.path);
    // In its own vault no passphrase is asked: the keychain holds the one the backups are sealed with.
    const undo = await runCli(['backup', 'restore', list.backups[1]!.path, '--yes'], { dataDir: source });
    expect(undo.stderr).toBe('');
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/1 account to import\.\n {2}\+ peggy@example\.org/);
    expect(undo.stdout).toMatch(/Skipped as duplicates \(5\)/);
    expect(await snapshot(source)).toEqual(before);

    const latest = await runCli(['backup', 'restore', '--latest', '--passphrase-file', passFile, '--yes'], { dataDir: source });
    expect(latest.code).toBe(0);
    expect(latest.stdout).toMatch(/^Restoring the backup of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: /);
    expect(latest.stdout).toContain('Nothing new to import.');
  });

  it('at a terminal the passphrase is typed twice without echo; "backup off" forgets it and keeps the files', async () => {
    const mismatch = await runInTerminal(['backup', 'passphrase'], [NEW_PASS, 'something else'], source);
    expect(mismatch.stdout).toContain('New backup passphrase (8+ characters): ');
    expect(mismatch.stdout).toContain('Repeat it: ');
    expect(mismatch.stdout).toMatch(/The two passphrases differ; nothing was changed/);
    expect(mismatch.code).toBe(1);
    expect(JSON.parse((await keychainItem(source)) ?? '{}')).toMatchObject({ passphrase: PASS });

    const changed = await runInTerminal(['backup', 'passphrase'], [NEW_PASS, NEW_PASS], source);
    expect(changed.code).toBe(0);
    expect(changed.stdout).not.toContain(NEW_PASS);
    expect(changed.stdout).toContain('Backup passphrase changed');
    expect(changed.stdout).toContain('Backups written before keep the old passphrase.');
    expect(JSON.parse((await keychainItem(source)) ?? '{}')).toMatchObject({ passphrase: NEW_PASS });
    const newPassFile = path.join(work, 'new-pass.txt');
    writeFileSync(newPassFile, NEW_PASS, { mode: 0o600 });
    const files = await listAutoBackups(source);
    expect(decryptWithScript(files[0]!.path, newPassFile)).toEqual(await snapshot(source));
    expect(decryptWithScript(files[1]!.path, passFile)).toHaveLength(6);
    // Restoring: the keychain's (new) passphrase opens the newest backup; the older one says why it
    // needs its own passphrase, and opens with it.
    const newest = await runCli(['backup', 'restore', files[0]!.path, '--yes'], { dataDir: source });
    expect([newest.code, newest.stderr]).toEqual([0, '']);
    expect(newest.stdout).toContain('Nothing new to import.');
    const older = await runCli(['backup', 'restore', files[1]!.path, '--yes'], { dataDir: source });
    expect(older.code).toBe(1);
    expect(older.stderr).toMatch(/^The backup passphrase in the keychain does not open this file .*: give its passphrase\.\nauthdesk: .*--passphrase-file F/s);
    const olderWithFile = await runCli(['backup', 'restore', files[1]!.path, '--passphrase-file', passFile, '--yes'], { dataDir: source });
    expect([olderWithFile.code, olderWithFile.stderr]).toEqual([0, '']);

    const noYes = await runCli(['backup', 'off'], { dataDir: source });
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toMatch(/add --yes/);
    expect(await keychainItem(source)).not.toBeNull();
    const off = await runCli(['backup', 'off', '--yes'], { dataDir: source });
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/Automatic backups are off/);
    expect(await keychainItem(source)).toBeNull();
    expect(await listAutoBackups(source)).toEqual(files);
    expect((await runCli(['add', '--uri', 'otpauth://totp/After:off?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=After'], { dataDir: source })).code).toBe(0);
    expect(await listAutoBackups(source)).toEqual(files);
    expect((await runCli(['backup', 'status'], { dataDir: source })).stdout).toContain('Backup passphrase: not set');
    const again = await runCli(['backup', 'off', '--yes'], { dataDir: source });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already off');
    expect(readFileSync(files[0]!.path, 'utf8')).toContain('"format": "authdesk-backup"');
  });
});
