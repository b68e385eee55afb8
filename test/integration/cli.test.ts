// The `authdesk` CLI end to end: a real process, the real vault files, the real Secret Service
// (npm test runs vitest under scripts/with-keyring.sh), Debian's oathtool as the oracle.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, oathtoolHotp, oathtoolTotp, runCli, tempDir, ROOT } from '../helpers/cli.js';

// Random secrets per run, so nothing can be hard-coded to pass.
const randomBase32 = (chars: number) => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');
const AWS_SECRET = randomBase32(64);
const GH_SECRET = randomBase32(32);
const HOTP_SECRET = randomBase32(32);
const AWS_URI = `otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=${AWS_SECRET}&issuer=Amazon%20Web%20Services`;

/** Every authdesk item in the Secret Service (secret-tool prints attributes on stderr). */
function secretToolSearch(): string {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', 'authdesk'], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`;
}

function readAllFiles(dir: string): string {
  let text = '';
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    text += entry.isDirectory() ? readAllFiles(full) : readFileSync(full).toString('latin1');
  }
  return text;
}

/** The code printed must be oathtool's at some instant during the call (a step may tick over). */
async function expectTotpDuringCall(run: () => Promise<string>, secret: string, opts: { digits?: number; period?: number; algorithm?: string } = {}) {
  const before = Date.now() / 1000;
  const printed = await run();
  const after = Date.now() / 1000;
  expect([oathtoolTotp(secret, before, opts), oathtoolTotp(secret, after, opts)]).toContain(printed);
  return printed;
}

describe('authdesk CLI', () => {
  const data = tempDir('authdesk-cli-');
  beforeAll(() => ensureCliBuilt());
  afterAll(() => data.cleanup());
  const cli = (args: string[], input?: string) => runCli(args, { dataDir: data.path, ...(input === undefined ? {} : { input }) });

  it('adds the AWS console form of otpauth URI and prints oathtool\'s code', async () => {
    const added = await cli(['add', '--uri', AWS_URI, '--json']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const account = JSON.parse(added.stdout);
    expect(account).toMatchObject({ issuer: 'Amazon Web Services', label: 'alice@123456789012', type: 'totp', digits: 6, period: 30 });
    await expectTotpDuringCall(async () => (await cli(['code', 'alice'])).stdout.trim(), AWS_SECRET);
  });

  it('adds by typed secret (spaces, lower case) with SHA256/8 digits/60 s', async () => {
    const spaced = GH_SECRET.toLowerCase().replace(/(.{4})/g, '$1 ');
    const r = await cli(['add', '--secret', '-', '--issuer', 'GitHub', '--label', 'octocat', '--algorithm', 'sha256', '--digits', '8', '--period', '60'], spaced);
    expect(r.code, r.stderr).toBe(0);
    await expectTotpDuringCall(async () => (await cli(['code', 'github'])).stdout.trim(), GH_SECRET, { algorithm: 'SHA256', digits: 8, period: 60 });
  });

  it('--pair prints two consecutive codes, --json carries validity', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await cli(['code', 'Amazon', '--pair']);
    expect(r.code).toBe(0);
    const [first, second] = r.stdout.trim().split('\n');
    const step = Math.floor(before / 30);
    const candidates = [step, step + 1].map((s) => [oathtoolTotp(AWS_SECRET, s * 30), oathtoolTotp(AWS_SECRET, (s + 1) * 30)].join(' '));
    expect(candidates).toContain(`${first} ${second}`);

    const json = JSON.parse((await cli(['code', 'Amazon', '--json'])).stdout);
    expect(json.code).toMatch(/^\d{6}$/);
    expect(json.secondsLeft).toBeGreaterThan(0);
    expect(json.secondsLeft).toBeLessThanOrEqual(30);
    expect(new Date(json.validUntil).getTime() % 30_000).toBe(0);
  });

  it('HOTP codes advance the counter durably, matching oathtool', async () => {
    const r = await cli(['add', '--secret', HOTP_SECRET, '--issuer', 'Bank', '--label', 'token', '--hotp', '--counter', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect((await cli(['code', 'bank'])).stdout.trim()).toBe(oathtoolHotp(HOTP_SECRET, 5));
    expect((await cli(['code', 'bank'])).stdout.trim()).toBe(oathtoolHotp(HOTP_SECRET, 6));
    const listed = JSON.parse((await cli(['list', '--json'])).stdout);
    expect(listed.find((a: { issuer: string }) => a.issuer === 'Bank').counter).toBe(7);
  });

  it('keeps seeds in the keychain, never in the data directory', async () => {
    expect(secretToolSearch()).toContain(AWS_SECRET);
    const everything = readAllFiles(data.path);
    for (const secret of [AWS_SECRET, GH_SECRET, HOTP_SECRET]) {
      expect(everything).not.toContain(secret);
      expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    const vaultFile = readdirSync(data.path).find((f) => f.endsWith('.json'));
    expect(vaultFile).toBeDefined();
    expect(statSync(path.join(data.path, vaultFile!)).mode & 0o777).toBe(0o600);
  });

  it('an ambiguous query lists the candidates and fails; an unknown one fails', async () => {
    await cli(['add', '--uri', AWS_URI.replace('alice', 'bob').replace(AWS_SECRET, randomBase32(32))]);
    const r = await cli(['code', 'amazon']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/matches 2 accounts/);
    expect(r.stderr).toContain('alice@123456789012');
    expect(r.stderr).toContain('bob@123456789012');
    const none = await cli(['code', 'no-such-thing']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No account matches "no-such-thing"/);
  });

  it('remove asks for --yes when not at a terminal, then removes the keychain item too', async () => {
    const refused = await cli(['remove', 'bob']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--yes/);
    const removed = await cli(['remove', 'bob', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    const names = JSON.parse((await cli(['list', '--json'])).stdout).map((a: { label: string }) => a.label);
    expect(names).not.toContain('bob@123456789012');
    const items = secretToolSearch();
    // The keyring is shared by the whole test run: count only this vault's items.
    const vaultFile = readdirSync(data.path).find((f) => f.endsWith('.json'))!;
    const { vaultId } = JSON.parse(readFileSync(path.join(data.path, vaultFile), 'utf8'));
    expect(items.split('\n').filter((line) => line.startsWith('attribute.username') && line.includes(`${vaultId}/`))).toHaveLength(3);
  });

  it('otp is stateless and agrees with oathtool (TOTP at a given time, HOTP)', async () => {
    const secret = randomBase32(40);
    for (const [algorithm, digits, period, time] of [['SHA1', 6, 30, 59], ['SHA256', 8, 60, 1_111_111_109], ['SHA512', 7, 45, 20_000_000_000]] as const) {
      const r = await cli(['otp', '--secret', secret, '--time', String(time), '--algorithm', algorithm, '--digits', String(digits), '--period', String(period)]);
      expect(r.stdout.trim()).toBe(oathtoolTotp(secret, time, { algorithm, digits, period }));
    }
    expect((await cli(['otp', '--secret', secret, '--hotp', '--counter', '42'])).stdout.trim()).toBe(oathtoolHotp(secret, 42));
  });

  it('parse shows the fields with the secret masked, or the reason it is invalid', async () => {
    const shown = await cli(['parse', AWS_URI, '--json']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain(AWS_SECRET.slice(0, 6));
    expect(JSON.parse(shown.stdout)).toMatchObject({ issuer: 'Amazon Web Services', label: 'alice@123456789012', secretBits: 320 });
    const bad = await cli(['parse', 'otpauth://totp/x?secret=ABC1DEFGHIJKLMNOPQ']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^authdesk: The secret key contains "1"/);
    expect(bad.stderr).not.toMatch(/at .*\.(m?js|ts):\d+/); // no stack trace
  });

  it('usage errors exit 2; operation errors exit 1 with one sentence on stderr', async () => {
    expect((await cli(['code'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['otp', '--secret', 'JBSWY3DPEHPK3PXPJBSWY3DP', '--digits', 'six'])).code).toBe(2);
    const shortKey = await cli(['add', '--secret', 'JBSWY3DP', '--label', 'x']);
    expect(shortKey.code).toBe(1);
    expect(shortKey.stderr).toMatch(/too short/);
    expect(shortKey.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('add --image reads a QR code (made by Debian qrencode), asks unless --yes, and refuses a non-QR image', async () => {
    const secret = randomBase32(32);
    const png = path.join(data.path, 'qr.png');
    execFileSync('qrencode', ['-o', png, '-s', '6', `otpauth://totp/Example:carol?secret=${secret}&issuer=Example`]);
    const refused = await cli(['add', '--image', png]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--yes/);
    expect(refused.stdout).not.toContain(secret);
    const added = await cli(['add', '--image', png, '--yes']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Example: carol');
    expect(added.stdout).not.toContain(secret);
    await expectTotpDuringCall(async () => (await cli(['code', 'carol'])).stdout.trim(), secret);

    const blank = path.join(data.path, 'blank.png');
    execFileSync('convert', ['-size', '300x200', 'xc:white', blank]);
    const none = await cli(['add', '--image', blank, '--yes']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No QR code was found/);
    await cli(['remove', 'carol', '--yes']);
  });

  it('after add and remove, an automatic encrypted backup is written once a backup passphrase is set', async () => {
    const own = tempDir('authdesk-cli-backup-');
    try {
      const { openVault } = await import('../../node/open-vault.js');
      const { setBackupPassphrase } = await import('../../node/backup/auto.js');
      const first = await runCli(['add', '--secret', randomBase32(32), '--issuer', 'Before', '--label', 'x'], { dataDir: own.path });
      expect(first.code, first.stderr).toBe(0);
      expect(existsSync(path.join(own.path, 'backups'))).toBe(false); // no passphrase: no backup
      await setBackupPassphrase(await openVault({ dataDir: own.path }), 'a long backup passphrase');
      const secret = randomBase32(32);
      const added = await runCli(['add', '--secret', secret, '--issuer', 'After', '--label', 'y'], { dataDir: own.path });
      expect(added.code, added.stderr).toBe(0);
      const backups = () => readdirSync(path.join(own.path, 'backups'));
      expect(backups()).toHaveLength(1);
      const file = path.join(own.path, 'backups', backups()[0]!);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).not.toContain(secret);
      // The standalone script (node:crypto only) recovers both accounts from it.
      const passFile = path.join(own.path, 'pass.txt');
      writeFileSync(passFile, 'a long backup passphrase');
      const listed = execFileSync(process.execPath, [path.join(ROOT, 'scripts/decrypt-backup.mjs'), file, '--passphrase-file', passFile], { encoding: 'utf8' });
      expect(listed).toContain(`secret=${secret}`);
      expect(listed).toContain('Before');
      const removed = await runCli(['remove', 'Before', '--yes'], { dataDir: own.path });
      expect(removed.code, removed.stderr).toBe(0);
      expect(backups()).toHaveLength(2);
      // Read-only commands write none.
      await runCli(['list'], { dataDir: own.path });
      expect(backups()).toHaveLength(2);
    } finally {
      own.cleanup();
    }
  });

  it('works through npx in the checkout and as the package bin', async () => {
    // A private npm cache: npx links the checkout into it (no network), unaffected by other runs.
    const cache = tempDir('authdesk-npx-cache-');
    try {
      const r = execFileSync('npx', ['authdesk', 'otp', '--secret', GH_SECRET, '--time', '59'], {
        cwd: ROOT, encoding: 'utf8', // ignore-scripts: npx would otherwise run our `prepare` (a CLI rebuild) while other test
        // files are running dist/cli/authdesk.cjs.
        env: { ...process.env, AUTHDESK_DATA_DIR: data.path, npm_config_cache: cache.path, npm_config_update_notifier: 'false', npm_config_ignore_scripts: 'true' },
      });
      expect(r.trim()).toBe(oathtoolTotp(GH_SECRET, 59));
    } finally {
      cache.cleanup();
    }
    const direct = await cli(['otp', '--secret', GH_SECRET, '--time', '59']);
    expect(direct.stdout.trim()).toBe(oathtoolTotp(GH_SECRET, 59));
  });
});
