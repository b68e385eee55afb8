// The vault against the REAL Secret Service (gnome-keyring in a private D-Bus session: run under
// scripts/with-keyring.sh, as `npm test` does) and the real filesystem.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keychainAccountName } from '../../core/vault/model.js';
import { openVault } from '../../node/open-vault.js';
import { buildVaultDriver, ROOT } from '../helpers/vault-build.js';
import { oathTotp, randomSecret } from '../helpers/vault-doubles.js';

const run = promisify(execFile);

if (!process.env['DBUS_SESSION_BUS_ADDRESS']) {
  throw new Error('These tests need the real Secret Service: run them with scripts/with-keyring.sh (npm test does).');
}

let driver: { file: string; cleanup(): void };
const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'authdesk-vault-it-'));
  temps.push(dir);
  return join(dir, 'data');
}

beforeAll(async () => {
  driver = await buildVaultDriver();
});
afterAll(() => {
  driver.cleanup();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/**
 * secret-tool's view of one `authdesk` item (null when absent). Searching by username rather than
 * listing the whole service keeps this test independent of other test files that add and delete
 * items in the same keyring meanwhile.
 */
async function secretToolLookup(name: string): Promise<string | null> {
  return run('secret-tool', ['lookup', 'service', 'authdesk', 'username', name]).then(
    ({ stdout }) => stdout,
    (e: { code?: number; stdout?: string }) => {
      if (e.code === 1 && !e.stdout) return null;
      throw e;
    },
  );
}

async function secretToolSearchShows(name: string): Promise<boolean> {
  const { stdout, stderr } = await run('secret-tool', ['search', '--all', 'service', 'authdesk', 'username', name]);
  return `${stdout}\n${stderr}`.includes(`attribute.username = ${name}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function driverRun(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; lines: Array<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver.file, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) }),
    );
  });
}

describe('vault on the real keychain', () => {
  it('stores the seed in the Secret Service and nowhere in the data dir (0700/0600); codes match oathtool', async () => {
    const dataDir = tempDir();
    const vault = await openVault({ dataDir });
    const secret = randomSecret();
    const account = await vault.add({ type: 'totp', secret, issuer: 'Integration', label: 'seed-check', algorithm: 'SHA1', digits: 6, period: 30 });
    const name = keychainAccountName(vault.vaultId, account.id);
    // The item is a seed record: the secret with every parameter (core/vault/seed-record.ts).
    expect(JSON.parse((await secretToolLookup(name)) ?? 'null')).toEqual({ kind: 'authdesk-seed', version: 1, secret, type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Integration', label: 'seed-check' });
    expect(await secretToolSearchShows(name)).toBe(true);

    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'vault.json')).mode & 0o777).toBe(0o600);
    const keyBytes = Buffer.from(execFileSync('sh', ['-c', `printf %s '${secret}' | base32 -d | xxd -p | tr -d '\\n'`], { encoding: 'utf8' }), 'hex');
    expect(keyBytes.length).toBe(20);
    for (const file of filesUnder(join(dataDir, '..'))) {
      const bytes = readFileSync(file);
      const text = bytes.toString('latin1');
      expect(text.toUpperCase()).not.toContain(secret);
      expect(bytes.includes(keyBytes)).toBe(false);
      expect(text).not.toContain(keyBytes.toString('hex'));
      expect(text).not.toContain(keyBytes.toString('base64'));
    }
    // grep -r, as a person would check it.
    const grep = await run('grep', ['-ri', secret, dataDir]).then(() => 'found', (e: { code?: number }) => (e.code === 1 ? 'not found' : `grep failed ${e.code}`));
    expect(grep).toBe('not found');

    const t = Math.floor(Date.now() / 1000);
    expect((await vault.code(account.id, t * 1000)).code).toBe(oathTotp(secret, t));
    // A fresh process (the CLI path) reads the same seed from the keychain.
    const fresh = await driverRun(['code', 'seed-check'], { ...process.env, AUTHDESK_DATA_DIR: dataDir });
    expect(fresh.code).toBe(0);
    const view = fresh.lines[0] as { code: string; validFrom: number };
    expect(view.code).toBe(oathTotp(secret, view.validFrom / 1000));

    await vault.remove(account.id);
    expect(await secretToolLookup(name)).toBeNull();
    expect(await secretToolSearchShows(name)).toBe(false);
  });

  it('recovers an item stored by another program under this vault, and leaves other vaults\' items alone', async () => {
    const dataDir = tempDir();
    const first = await openVault({ dataDir });
    const orphanId = `orphan${Date.now()}`;
    const orphanSecret = randomSecret();
    const foreign = keychainAccountName('someOtherVault1', 'acct00000001');
    const store = (name: string, secret: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('secret-tool', ['store', '--label', `test ${name}`, 'service', 'authdesk', 'username', name], { stdio: ['pipe', 'ignore', 'inherit'] });
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`secret-tool store exited ${code}`))));
        child.stdin.end(secret);
      });
    await store(keychainAccountName(first.vaultId, orphanId), orphanSecret);
    await store(foreign, randomSecret());

    const reopened = await openVault({ dataDir });
    const report = await reopened.reconcile();
    expect(report.recovered.map((a) => [a.id, a.issuer, a.status])).toEqual([[orphanId, 'Recovered', 'recovered']]);
    const t = 1_900_000_000;
    expect((await reopened.code(orphanId, t * 1000)).code).toBe(oathTotp(orphanSecret, t));
    expect(await secretToolLookup(foreign)).not.toBeNull();
    // Metadata whose seed vanished (deleted outside Authdesk): kept, reported, clear error for codes.
    const kept = await reopened.add({ type: 'totp', secret: randomSecret(), issuer: 'Kept', label: 'k', algorithm: 'SHA1', digits: 6, period: 30 });
    await run('secret-tool', ['clear', 'service', 'authdesk', 'username', keychainAccountName(reopened.vaultId, kept.id)]);
    const third = await openVault({ dataDir });
    expect((await third.reconcile()).missingSeeds.map((a) => a.id)).toEqual([kept.id]);
    await expect(third.code(kept.id)).rejects.toMatchObject({ code: 'SEED_MISSING', name: 'KeychainError' });
    await run('secret-tool', ['clear', 'service', 'authdesk', 'username', foreign]);
  });

  it('processes adding at once to a brand-new vault agree on one vault and lose no account', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, AUTHDESK_DATA_DIR: dataDir };
    const secrets = Array.from({ length: 4 }, () => randomSecret());
    const results = await Promise.all(secrets.map((secret, i) => driverRun(['add', secret, 'Concurrent', `p${i}`], env)));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const vault = await openVault({ dataDir });
    const accounts = await vault.list();
    expect(accounts.map((a) => a.label).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    for (const [i, secret] of secrets.entries()) {
      const account = accounts.find((a) => a.label === `p${i}`);
      expect(account).toBeDefined();
      expect((JSON.parse((await secretToolLookup(keychainAccountName(vault.vaultId, account?.id ?? ''))) ?? '{}') as { secret?: string }).secret).toBe(secret);
    }
    expect(readdirSync(dataDir).sort()).toEqual(['vault.json']);
    for (const a of accounts) await vault.remove(a.id);
  });

  it('with no D-Bus session: a clear KEYCHAIN_UNAVAILABLE error and no seed written anywhere', async () => {
    const dataDir = tempDir();
    const secret = randomSecret();
    const result = await driverRun(['add', secret, 'NoBus', 'x'], { ...process.env, AUTHDESK_DATA_DIR: dataDir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
    expect(result.code).toBe(1);
    const error = result.lines.at(-1)?.['error'] as { code: string; message: string };
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toBe("No keychain service is running (Secret Service over D-Bus). Install and start gnome-keyring or KeePassXC's Secret Service, then try again.");
    for (const file of filesUnder(join(dataDir, '..'))) expect(readFileSync(file, 'latin1').toUpperCase()).not.toContain(secret);
    expect(JSON.stringify(result.lines)).not.toContain(secret);
  });

  it('with D-Bus but no unlocked keyring: a clear error, no plaintext', async () => {
    const dataDir = tempDir();
    const home = join(dataDir, '..', 'home');
    const secret = randomSecret();
    // A private session where the Secret Service is D-Bus-activated but has no (unlocked) default keyring.
    const { stdout } = await run('dbus-run-session', ['--', process.execPath, driver.file, 'add', secret, 'Locked', 'x'], {
      cwd: ROOT,
      env: { ...process.env, AUTHDESK_DATA_DIR: dataDir, HOME: home, XDG_DATA_HOME: join(home, 'share'), XDG_RUNTIME_DIR: '' },
    }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    const error = (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { error?: { code: string; message: string } }).error;
    expect(error?.code).toMatch(/^KEYCHAIN_(NO_COLLECTION|LOCKED|UNAVAILABLE)$/);
    expect(error?.message).toMatch(/keyring|keychain/i);
    for (const file of filesUnder(join(dataDir, '..'))) {
      expect(readFileSync(file, 'latin1').toUpperCase()).not.toContain(secret);
    }
  });
});
