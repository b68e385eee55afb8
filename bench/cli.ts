// `authdesk code X` start-up cost, against `node -e 0` measured in the same run.
// Targets (issue 2): wall time <= 2.5x node's, peak RSS <= 1.5x node's.
// Runs under scripts/with-keyring.sh (npm run bench): a real vault in the real Secret Service.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { bytesToBase32 } from '../core/otp/base32.js';

const root = process.cwd();
const cli = path.join(root, 'dist/cli/authdesk.cjs');
if (!existsSync(cli)) throw new Error('Build first: node scripts/build.mjs');
const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-bench-cli-'));
const env = { ...process.env, AUTHDESK_DATA_DIR: dataDir };
const ROUNDS = 25;

function measure(args: string[]): { wallMs: number; rssKb: number } {
  // GNU time reports the child's peak RSS (getrusage of the child) — Node cannot see a child's.
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { wallMs, rssKb };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  for (let i = 0; i < 50; i++) {
    // A key of its own each: the vault refuses a second account with a key it already holds.
    execFileSync(process.execPath, [cli, 'add', '--secret', bytesToBase32(randomBytes(20)), '--issuer', `Service ${i}`, '--label', `user${i}@example.com`], { env });
  }
  const baseline = { wall: [] as number[], rss: [] as number[] };
  const code = { wall: [] as number[], rss: [] as number[] };
  measure(['-e', '0']);
  measure([cli, 'code', 'Service 7']);
  for (let i = 0; i < ROUNDS; i++) {
    const b = measure(['-e', '0']);
    baseline.wall.push(b.wallMs); baseline.rss.push(b.rssKb);
    const c = measure([cli, 'code', 'Service 7']);
    code.wall.push(c.wallMs); code.rss.push(c.rssKb);
  }
  const wallRatio = median(code.wall) / median(baseline.wall);
  const rssRatio = median(code.rss) / median(baseline.rss);
  console.log(`rounds: ${ROUNDS} (alternating), vault of 50 accounts`);
  console.log(`node -e 0:              wall ${median(baseline.wall).toFixed(1)} ms, peak RSS ${(median(baseline.rss) / 1024).toFixed(1)} MB`);
  console.log(`authdesk code X:        wall ${median(code.wall).toFixed(1)} ms, peak RSS ${(median(code.rss) / 1024).toFixed(1)} MB`);
  console.log(`wall ratio ${wallRatio.toFixed(2)}x (target <= 2.5x) ${wallRatio <= 2.5 ? 'PASS' : 'MISS'}`);
  console.log(`RSS ratio  ${rssRatio.toFixed(2)}x (target <= 1.5x) ${rssRatio <= 1.5 ? 'PASS' : 'MISS'}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
