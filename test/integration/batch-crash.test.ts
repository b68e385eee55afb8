// Interrupted batches with REAL kills (issue 10, section 3): the built `authdesk` CLI imports a file
// of mixed-parameter accounts (SHA1/SHA256/SHA512, 6/7/8 digits, 30/60 s, some HOTP) or adds one
// account, on the real Secret Service, and is SIGKILLed at random moments and at the exact moments
// that used to be dangerous (while vault.json is being saved, i.e. after seeds were written), and
// SIGINTed once. After each: every account's code equals oathtool's for its TRUE parameters, no
// secret is in the vault twice, no keychain item is left without an account; then a final import
// completes exactly (every account once). docs/storage.md, "Batches", has the design.
//
// Only APIs that existed before the change are used for the checks (open, list, revealSecret,
// code, the keychain list), so this file also runs against the old code, where it fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32ToBytes } from '../../core/otp/base32.js';
import { hotp } from '../../core/otp/otp.js';
import type { HashAlgorithm } from '../../core/otp/types.js';
import type { VaultApi } from '../../core/vault/api.js';
import { keychainAccountName } from '../../core/vault/model.js';
import { nodeHmac } from '../../node/crypto.js';
import { KeyringSecretStore } from '../../node/keychain.js';
import { openVault } from '../../node/open-vault.js';
import { CLI, ROOT, ensureCliBuilt, oathtoolHotp, oathtoolTotp, tempDir } from '../helpers/cli.js';
import { usePrivateKeyring, type PrivateKeyring } from '../helpers/private-keyring.js';

if (!process.env['DBUS_SESSION_BUS_ADDRESS']) {
  throw new Error('These tests need the real Secret Service: run them with scripts/with-keyring.sh (npm test does).');
}

/** Enough accounts that a batch takes a while (gnome-keyring: ~15-45 ms per write), few enough for a loaded 2-core machine. */
const IMPORT_ACCOUNTS = 60;
const T = 1_900_000_000; // fixed instant (seconds) at which TOTP codes are compared

interface Truth {
  type: 'totp' | 'hotp';
  issuer: string;
  label: string;
  secret: string;
  algorithm: HashAlgorithm;
  digits: number;
  period: number;
  counter?: number;
}

const randomBase32 = (chars: number): string => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');

/** Mixed parameters; one in five is HOTP (oathtool's HOTP is HMAC-SHA1, so those are SHA1). */
function mixedAccounts(n: number, prefix: string): Truth[] {
  const algorithms: HashAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
  return Array.from({ length: n }, (_, i): Truth => {
    const issuer = `Svc${i % 7}`;
    const label = `${prefix}${i}@example.com`;
    const secret = randomBase32(32);
    const digits = 6 + (i % 3);
    if (i % 5 === 4) return { type: 'hotp', issuer, label, secret, algorithm: 'SHA1', digits, period: 30, counter: 3 * i };
    return { type: 'totp', issuer, label, secret, algorithm: algorithms[i % 3]!, digits, period: i % 2 === 0 ? 30 : 60 };
  });
}

function uriOf(a: Truth): string {
  const params = new URLSearchParams({ secret: a.secret, issuer: a.issuer, algorithm: a.algorithm, digits: String(a.digits) });
  if (a.type === 'hotp') params.set('counter', String(a.counter));
  else params.set('period', String(a.period));
  return `otpauth://${a.type}/${encodeURIComponent(a.issuer)}:${encodeURIComponent(a.label)}?${params.toString()}`;
}

type Trigger =
  | { kind: 'time'; ms: number } // after spawn
  | { kind: 'progress'; ms: number } // after the first "Storing secret keys" progress line
  | { kind: 'save'; nth: number }; // when the nth temporary vault.json of a save appears

interface RunResult {
  /** Killed (by us) before it exited by itself. */
  killed: boolean;
  code: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

/** Run the built CLI and send `signal` when `trigger` fires (unless it exits first). */
function runAndInterrupt(args: string[], dataDir: string, trigger: Trigger, signal: 'SIGKILL' | 'SIGINT'): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let sent = false;
    const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, AUTHDESK_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const fire = (): void => {
      if (sent || child.exitCode !== null) return;
      sent = true;
      child.kill(signal);
    };
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (trigger.kind === 'progress' && !timer && stderr.includes('Storing secret keys')) timer = setTimeout(fire, trigger.ms);
    });
    if (trigger.kind === 'time') timer = setTimeout(fire, trigger.ms);
    if (trigger.kind === 'save') {
      // inotify: the save's temporary file appears after the seeds of the batch were written
      // (before the change there was one save, after them; now the first is the journal).
      const seen = new Set<string>();
      watcher = watch(dataDir, (_event, name) => {
        if (!name || !/^\.vault\.json\..*\.tmp$/.test(String(name)) || seen.has(String(name))) return;
        seen.add(String(name));
        if (seen.size === trigger.nth) fire();
      });
    }
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      watcher?.close();
      resolve({ killed: sent, code, stderr, stdout, ms: Date.now() - started });
    });
  });
}

interface Check {
  accounts: number;
  rolledBack: number;
  recovered: number;
  openMs: number;
}

/**
 * Open the vault as the next process would (breaking the dead process's lock, reconciling), then
 * check every account against the truth with oathtool, and the keychain against the accounts.
 */
async function checkVault(dataDir: string, truths: readonly Truth[], keychain: KeyringSecretStore, where: string): Promise<Check & { vault: VaultApi }> {
  const bySecret = new Map(truths.map((t) => [t.secret, t]));
  const started = Date.now();
  // One shared store (small Entry cache): every open of a fresh store would hold D-Bus connections until GC.
  const vault = await openVault({ dataDir, secretStore: keychain, lock: { lockWaitMs: 15_000 } });
  const report = await vault.reconcile();
  const openMs = Date.now() - started;
  const accounts = await vault.list();
  const secrets = new Set<string>();
  for (const account of accounts) {
    const secret = await vault.revealSecret(account.id);
    expect(secrets.has(secret), `${where}: secret of ${account.issuer}:${account.label} is in the vault twice`).toBe(false);
    secrets.add(secret);
    const truth = bySecret.get(secret);
    expect(truth, `${where}: ${account.issuer}:${account.label} holds a secret that was never imported`).toBeDefined();
    if (!truth) continue;
    // Issuer, name and every parameter are the true ones (a "Recovered" SHA1/6/30 guess fails here).
    expect({ type: account.type, issuer: account.issuer, label: account.label, algorithm: account.algorithm, digits: account.digits, period: account.period }, where)
      .toEqual({ type: truth.type, issuer: truth.issuer, label: truth.label, algorithm: truth.algorithm, digits: truth.digits, period: truth.period });
    if (truth.type === 'totp') {
      const code = (await vault.code(account.id, T * 1000)).code;
      expect(code, `${where}: code of ${truth.label} (${truth.algorithm}/${truth.digits}/${truth.period}s)`).toBe(oathtoolTotp(truth.secret, T, truth));
    } else {
      // HOTP: the code the vault would show next (its counter, its parameters) is oathtool's at the true counter.
      const code = hotp(base32ToBytes(secret), account.counter ?? -1, { algorithm: account.algorithm, digits: account.digits }, nodeHmac);
      expect(code, `${where}: HOTP code of ${truth.label}`).toBe(oathtoolHotp(truth.secret, truth.counter ?? 0, truth.digits));
    }
  }
  // No keychain item of this vault without an account (rolled back or recovered, never left over).
  const items = (await keychain.list()).filter((i) => i.accountName.startsWith(`${vault.vaultId}/`) && !i.accountName.endsWith('/backup-passphrase'));
  const ids = new Set(accounts.map((a) => keychainAccountName(vault.vaultId, a.id)));
  expect(items.filter((i) => !ids.has(i.accountName)).length, `${where}: orphan keychain items`).toBe(0);
  const rolledBack = (report as { rolledBack?: readonly string[] }).rolledBack?.length ?? 0;
  return { vault, accounts: accounts.length, rolledBack, recovered: report.recovered.length, openMs };
}

const keychain = new KeyringSecretStore({ cacheSize: 8 });
const base = tempDir('authdesk-batch-crash-');
// This file SIGKILLs keychain clients: a daemon of its own (test/helpers/private-keyring.ts), which
// goes away with its items at the end.
let privateKeyring: PrivateKeyring | undefined;

beforeAll(async () => {
  privateKeyring = await usePrivateKeyring();
  ensureCliBuilt();
}, 300_000);

afterAll(async () => {
  base.cleanup();
  await privateKeyring?.stop();
});

describe('an interrupted import never leaves wrong accounts', () => {
  it('SIGKILL at random moments and SIGINT once, then a final import that completes exactly', async () => {
    const dataDir = path.join(base.path, 'import');
    mkdirSync(dataDir, { recursive: true });
    const truths = mixedAccounts(IMPORT_ACCOUNTS, 'user');
    const file = path.join(base.path, 'accounts.txt');
    writeFileSync(file, `${truths.map(uriOf).join('\n')}\n`, { mode: 0o600 });
    const args = ['import', file, '--yes'];

    // Mid-batch kills (the keychain writes are under way), kills at the save after the seeds, and
    // kills at any moment of the command's life (start-up, reconciliation, planning, writes, save).
    const rounds: Array<{ trigger: Trigger; signal: 'SIGKILL' | 'SIGINT' }> = [
      { trigger: { kind: 'progress', ms: Math.floor(Math.random() * 400) }, signal: 'SIGKILL' },
      { trigger: { kind: 'save', nth: 1 }, signal: 'SIGKILL' },
      { trigger: { kind: 'progress', ms: 200 + Math.floor(Math.random() * 400) }, signal: 'SIGKILL' },
      { trigger: { kind: 'save', nth: 2 }, signal: 'SIGKILL' },
      { trigger: { kind: 'progress', ms: Math.floor(Math.random() * 300) }, signal: 'SIGINT' },
      { trigger: { kind: 'time', ms: 300 + Math.floor(Math.random() * 2500) }, signal: 'SIGKILL' },
      { trigger: { kind: 'time', ms: 300 + Math.floor(Math.random() * 2500) }, signal: 'SIGKILL' },
    ];
    const figures: string[] = [];
    // What the vault held before each round (a round may finish before its trigger on a quiet machine).
    let before = 0;
    for (const [i, { trigger, signal }] of rounds.entries()) {
      const run = await runAndInterrupt(args, dataDir, trigger, signal);
      if (signal === 'SIGINT' && run.killed) {
        // Ctrl-C: a clean rollback and ONE line saying so (exit 130), never a stack.
        const lines = run.stderr.split(/[\r\n]+/).filter((l) => l.trim() !== '' && !l.includes('Storing secret keys'));
        expect(lines, run.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^authdesk: Interrupted: nothing was added/);
        expect(run.code).toBe(130);
      }
      const check = await checkVault(dataDir, truths, keychain, `round ${i + 1} (${signal} on ${JSON.stringify(trigger)})`);
      figures.push(`round ${i + 1} ${signal} ${trigger.kind}${'ms' in trigger ? `+${trigger.ms}ms` : `#${trigger.nth}`}: ${run.killed ? `killed at ${run.ms} ms` : `exited ${run.code} first`}, ${check.accounts} accounts after, ${check.rolledBack} rolled back, ${check.recovered} recovered, reopen ${check.openMs} ms`);
      if (signal === 'SIGINT' && run.killed) expect(check.accounts, 'SIGINT leaves the vault as before').toBe(before);
      before = check.accounts;
    }

    // The final import completes exactly: every account once, with its true parameters.
    const final = await runAndInterrupt(args, dataDir, { kind: 'time', ms: 10 * 60_000 }, 'SIGKILL');
    expect(final.code, final.stderr).toBe(0);
    const after = await checkVault(dataDir, truths, keychain, 'after the final import');
    expect(after.accounts).toBe(IMPORT_ACCOUNTS);
    // And once more: nothing new (duplicates are recognised by secret, whatever the name).
    const again = await runAndInterrupt(args, dataDir, { kind: 'time', ms: 10 * 60_000 }, 'SIGKILL');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing new to import.');
    expect((await checkVault(dataDir, truths, keychain, 'after importing again')).accounts).toBe(IMPORT_ACCOUNTS);
    console.log(`batch-crash import (${IMPORT_ACCOUNTS} accounts):\n  ${figures.join('\n  ')}\n  final import ${final.ms} ms`);
  }, 600_000);
});

describe('an interrupted backup restore never leaves wrong accounts', () => {
  it('SIGKILL mid-restore and at the save, SIGINT once; the final restore completes; a key present under another name is skipped', async () => {
    const source = path.join(base.path, 'restore-source');
    const target = path.join(base.path, 'restore-target');
    for (const dir of [source, target]) {
      mkdirSync(dir, { recursive: true });
    }
    const truths = mixedAccounts(IMPORT_ACCOUNTS, 'backup');
    const list = path.join(base.path, 'restore-accounts.txt');
    writeFileSync(list, `${truths.map(uriOf).join('\n')}\n`, { mode: 0o600 });
    const pass = path.join(base.path, 'restore-pass.txt');
    writeFileSync(pass, 'correct horse battery staple\n', { mode: 0o600 });
    const backup = path.join(base.path, 'backup.json');
    const never: Trigger = { kind: 'time', ms: 10 * 60_000 };
    expect((await runAndInterrupt(['import', list, '--yes'], source, never, 'SIGKILL')).code).toBe(0);
    const exported = await runAndInterrupt(['export', '--format', 'authdesk', '--out', backup, '--passphrase-file', pass], source, never, 'SIGKILL');
    expect(exported.code, exported.stderr).toBe(0);
    // The target already holds the first account's key under another name: the restore must skip it.
    const renamed = { ...truths[0]!, issuer: 'Mine', label: 'renamed-by-me' };
    expect((await runAndInterrupt(['add', '--uri', uriOf(renamed)], target, never, 'SIGKILL')).code).toBe(0);
    const expected = [renamed, ...truths.slice(1)];

    const args = ['backup', 'restore', backup, '--passphrase-file', pass, '--yes'];
    const rounds: Array<{ trigger: Trigger; signal: 'SIGKILL' | 'SIGINT' }> = [
      { trigger: { kind: 'progress', ms: Math.floor(Math.random() * 400) }, signal: 'SIGKILL' },
      { trigger: { kind: 'save', nth: 2 }, signal: 'SIGKILL' },
      { trigger: { kind: 'progress', ms: Math.floor(Math.random() * 300) }, signal: 'SIGINT' },
    ];
    const figures: string[] = [];
    // On a quiet machine a round's restore may finish before its trigger fires: then everything
    // is already in the vault and the final restore finds all of it as duplicates, not just one.
    let completedEarlier = false;
    for (const [i, { trigger, signal }] of rounds.entries()) {
      const run = await runAndInterrupt(args, target, trigger, signal);
      if (run.code === 0) completedEarlier = true;
      if (signal === 'SIGINT' && run.killed) {
        expect(run.code).toBe(130);
        expect(run.stderr).toMatch(/^authdesk: Interrupted: nothing was added/m);
      }
      const check = await checkVault(target, expected, keychain, `restore round ${i + 1} (${signal} on ${JSON.stringify(trigger)})`);
      figures.push(`restore round ${i + 1} ${signal} ${trigger.kind}: ${run.killed ? `killed at ${run.ms} ms` : `exited ${run.code} first`}, ${check.accounts} accounts after, ${check.rolledBack} rolled back, reopen ${check.openMs} ms`);
    }
    const final = await runAndInterrupt(args, target, never, 'SIGKILL');
    expect(final.code, final.stderr).toBe(0);
    expect(final.stdout).toContain(`Skipped as duplicates (${completedEarlier ? IMPORT_ACCOUNTS : 1}):`);
    expect((await checkVault(target, expected, keychain, 'after the final restore')).accounts).toBe(IMPORT_ACCOUNTS);
    console.log(`batch-crash restore (${IMPORT_ACCOUNTS} accounts):\n  ${figures.join('\n  ')}`);
  }, 600_000);
});

describe('an interrupted add never leaves a wrong account', () => {
  it('SIGKILL at random moments and while the vault is saved; re-adding completes, a present key is refused', async () => {
    const dataDir = path.join(base.path, 'add');
    mkdirSync(dataDir, { recursive: true });
    // Non-default parameters, so a "Recovered" SHA1/6/30 guess makes wrong codes.
    const truths = mixedAccounts(10, 'one').map((t, i) => (t.type === 'hotp' ? t : { ...t, algorithm: i % 2 ? 'SHA512' as const : 'SHA256' as const, digits: 8, period: 60 }));
    const triggers: Trigger[] = [{ kind: 'save', nth: 1 }, { kind: 'save', nth: 2 }, { kind: 'time', ms: 0 }];
    const figures: string[] = [];
    for (const [i, truth] of truths.entries()) {
      const trigger = triggers[i % 3]!.kind === 'time' ? { kind: 'time' as const, ms: 200 + Math.floor(Math.random() * 1500) } : triggers[i % 3]!;
      const run = await runAndInterrupt(['add', '--uri', uriOf(truth)], dataDir, trigger, 'SIGKILL');
      const check = await checkVault(dataDir, truths, keychain, `add ${i + 1} (SIGKILL on ${JSON.stringify(trigger)})`);
      figures.push(`add ${i + 1} ${trigger.kind}: ${run.killed ? `killed at ${run.ms} ms` : `exited ${run.code} first`}, ${check.accounts} accounts after, ${check.rolledBack} rolled back, ${check.recovered} recovered`);
    }
    // Every add again: the ones rolled back are added now; the ones present are refused by secret.
    const present = await openVault({ dataDir, secretStore: keychain });
    const have = new Set(await Promise.all((await present.list()).map((a) => present.revealSecret(a.id))));
    for (const truth of truths) {
      const renamed = { ...truth, label: `renamed-${truth.label}` };
      const run = await runAndInterrupt(['add', '--uri', uriOf(have.has(truth.secret) ? renamed : truth)], dataDir, { kind: 'time', ms: 10 * 60_000 }, 'SIGKILL');
      if (have.has(truth.secret)) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/^authdesk: This secret key is already in the vault as "[^"]+": it would make the same codes, so it was not added\./);
      } else expect(run.code, run.stderr).toBe(0);
    }
    const final = await checkVault(dataDir, truths, keychain, 'after adding again');
    expect(final.accounts).toBe(truths.length);
    console.log(`batch-crash add:\n  ${figures.join('\n  ')}`);
    expect(existsSync(path.join(dataDir, 'vault.lock'))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  }, 600_000);
});
