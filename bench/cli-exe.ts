// The standalone `authdesk` executable (scripts/build-cli-exe.mjs): its size, and its start-up
// against `node -e 0` and the npm CLI (`node dist/cli/authdesk.cjs`) in the same run, for
// `--version` and for `code X` (a real vault in the real Secret Service: npm run bench runs this
// under scripts/with-keyring.sh). Target: the executable starts within 1.5x of `node -e 0`.
// The executable is built once per content of its inputs (cached in the temp folder, like the test).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = process.cwd();
const cli = path.join(root, 'dist/cli/authdesk.cjs');
if (!existsSync(cli)) throw new Error('Build first: node scripts/build.mjs');
const outDir = path.join(tmpdir(), 'authdesk-cli-exe', 'bench');
execFileSync(process.execPath, ['scripts/build-cli-exe.mjs', '--out', outDir], { cwd: root, stdio: ['ignore', 'inherit', 'ignore'] });
const exe = path.join(outDir, process.platform === 'win32' ? 'authdesk.exe' : 'authdesk');
const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-bench-exe-'));
const env = { ...process.env, AUTHDESK_DATA_DIR: dataDir };
const ROUNDS = 15;

function measure(command: string, args: string[]): { wallMs: number; rssKb: number } {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return { wallMs, rssKb: Number(r.stderr.trim().split('\n').pop()) };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  execFileSync(exe, ['add', '--secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', '--issuer', 'Bench', '--label', 'exe@example.com'], { env });
  const runs: Record<string, [string, string[]]> = {
    'node -e 0': [process.execPath, ['-e', '0']],
    'authdesk --version (exe)': [exe, ['--version']],
    'authdesk --version (npm)': [process.execPath, [cli, '--version']],
    'authdesk code X (exe)': [exe, ['code', 'Bench']],
    'authdesk code X (npm)': [process.execPath, [cli, 'code', 'Bench']],
  };
  const wall: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  for (const [c, a] of Object.values(runs)) measure(c, a); // warm the page cache
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, [c, a]] of Object.entries(runs)) {
      const m = measure(c, a);
      (wall[name] ??= []).push(m.wallMs);
      (rss[name] ??= []).push(m.rssKb);
    }
  }
  console.log(`executable: ${(statSync(exe).size / 1e6).toFixed(1)} MB + keyring.node ${(statSync(path.join(outDir, 'keyring.node')).size / 1e6).toFixed(1)} MB; rounds: ${ROUNDS} (interleaved)`);
  for (const name of Object.keys(runs)) {
    console.log(`${name.padEnd(26)} wall ${median(wall[name]!).toFixed(1)} ms, peak RSS ${(median(rss[name]!) / 1024).toFixed(1)} MB`);
  }
  const ratio = median(wall['authdesk --version (exe)']!) / median(wall['node -e 0']!);
  console.log(`exe --version / node -e 0: ${ratio.toFixed(2)}x (target <= 1.5x) ${ratio <= 1.5 ? 'PASS' : 'MISS'}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
