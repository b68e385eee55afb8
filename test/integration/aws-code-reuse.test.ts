// "Never the same code twice" with the real CLI as processes, the real ledger files and the real
// Secret Service; Debian's oathtool says which step each printed code belongs to.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureCliBuilt, oathtoolTotp, ROOT, runCli, tempDir } from '../helpers/cli.js';

const randomBase32 = (chars: number) => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');
const SECRET = randomBase32(64);
const OTHER = randomBase32(32);
const SERIAL = 'arn:aws:iam::123456789012:mfa/reuse-test';

/** The 30-second step (near `aroundMs`) whose oathtool code is `code`. */
function stepOf(code: string, secret: string, aroundMs: number): number {
  const center = Math.floor(aroundMs / 30_000);
  for (let step = center - 4; step <= center + 4; step++) if (oathtoolTotp(secret, step * 30) === code) return step;
  throw new Error(`${code} is no code of the secret near ${new Date(aroundMs).toISOString()}`);
}

describe('authdesk code off a terminal: recorded, never the same code twice', () => {
  const data = tempDir('authdesk-reuse-');
  const cli = (args: string[]) => runCli(args, { dataDir: data.path });
  let accountId = '';
  beforeAll(async () => {
    ensureCliBuilt();
    const added = await cli(['add', '--secret', SECRET, '--issuer', 'Amazon Web Services', '--label', 'reuse@123456789012', '--json']);
    expect(added.code, added.stderr).toBe(0);
    accountId = JSON.parse(added.stdout).id;
    const linked = await cli(['aws', 'link', accountId, SERIAL]);
    expect(linked.code, linked.stderr).toBe(0);
    expect((await cli(['add', '--secret', OTHER, '--issuer', 'GitHub', '--label', 'octo'])).code).toBe(0);
  });
  afterAll(() => data.cleanup());

  it('two calls in a row give two codes of consecutive fresh steps; the second says it waited', async () => {
    const t0 = Date.now();
    const first = await cli(['code', SERIAL]);
    const second = await cli(['code', SERIAL]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const a = first.stdout.trim();
    const b = second.stdout.trim();
    expect(a).not.toBe(b);
    const stepA = stepOf(a, SECRET, t0);
    const stepB = stepOf(b, SECRET, Date.now());
    expect(stepB).toBeGreaterThan(stepA);
    expect(second.stderr).toMatch(/^Waiting \d+ s for a fresh code \(the last one was already used\)…$/m);
    expect(second.stdout).toMatch(/^\d{6}\n$/); // nothing but the code on stdout
    // The ledger records the step, durably, and holds no code and no secret.
    const ledgerFile = path.join(data.path, 'code-ledger', `${accountId}.json`);
    const record = JSON.parse(readFileSync(ledgerFile, 'utf8'));
    expect(record.lastStep).toBe(stepB);
    expect(readFileSync(ledgerFile, 'utf8')).not.toContain(b);
    expect(readFileSync(ledgerFile, 'utf8')).not.toContain(SECRET);
  }, 120_000);

  it('concurrent processes never get the same step (the exclusive lock)', async () => {
    const t0 = Date.now();
    const results = await Promise.all([cli(['code', SERIAL]), cli(['code', SERIAL])]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const steps = results.map((r) => stepOf(r.stdout.trim(), SECRET, t0 + 30_000));
    expect(new Set(steps).size).toBe(2);
  }, 180_000);

  it('--pair gives two unused consecutive codes and records both: the next code is after the pair', async () => {
    const pair = await cli(['code', SERIAL, '--pair']);
    expect(pair.code, pair.stderr).toBe(0);
    const [c1 = '', c2 = ''] = pair.stdout.trim().split('\n');
    const s1 = stepOf(c1, SECRET, Date.now());
    expect(stepOf(c2, SECRET, Date.now() + 30_000)).toBe(s1 + 1);
    const next = await cli(['code', SERIAL, '--json']);
    expect(next.code, next.stderr).toBe(0);
    const json = JSON.parse(next.stdout);
    expect(json.recorded).toBe(true);
    expect(json.next).toBeUndefined(); // only released codes are printed
    expect(stepOf(json.code, SECRET, Date.now())).toBe(s1 + 2);
  }, 150_000);

  it('accounts not linked to AWS, and codes shown at a terminal, are not recorded', async () => {
    const a = await cli(['code', 'github']);
    const b = await cli(['code', 'github']);
    expect(a.stderr + b.stderr).toBe('');
    expect(readdirSync(path.join(data.path, 'code-ledger')).filter((f) => !f.startsWith(accountId))).toEqual([]);
    // At a terminal (script(1) gives the CLI a pseudo-terminal) nothing waits and nothing is recorded.
    const ledgerFile = path.join(data.path, 'code-ledger', `${accountId}.json`);
    const before = readFileSync(ledgerFile, 'utf8');
    const started = Date.now();
    const shown = spawnSync('script', ['-qec', `${process.execPath} ${CLI} code ${SERIAL}`, '/dev/null'], {
      cwd: ROOT, env: { ...process.env, AUTHDESK_DATA_DIR: data.path }, encoding: 'utf8',
    });
    expect(shown.status, shown.stderr).toBe(0);
    const code = shown.stdout.replace(/\r/g, '').trim();
    expect([oathtoolTotp(SECRET, started / 1000), oathtoolTotp(SECRET, Date.now() / 1000)]).toContain(code);
    expect(shown.stdout).not.toMatch(/Waiting/);
    expect(readFileSync(ledgerFile, 'utf8')).toBe(before);
    expect(existsSync(path.join(data.path, 'code-ledger', `${accountId}.lock`))).toBe(false);
  });
});
