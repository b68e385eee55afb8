// Limits before work (issue 10 §6): time and peak memory of `authdesk` refusing each oversized input,
// against `node -e 0` (the floor: Node's own start) measured in the same run. GNU time gives the
// child's wall time and peak RSS. Runs under scripts/with-keyring.sh (npm run bench -- limits).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeAegisEncrypted } from '../test/helpers/backup-fixtures.js';

const root = process.cwd();
const cli = path.join(root, 'dist/cli/authdesk.cjs');
if (!existsSync(cli)) throw new Error('Build first: node scripts/build.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-bench-limits-'));
const env = { ...process.env, AUTHDESK_DATA_DIR: path.join(dir, 'data') };
const ROUNDS = 3;

function measure(command: string): { seconds: number; rssMb: number; line: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '@@ %e %M', 'sh', '-c', command], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
  const lines = r.stderr.trim().split('\n');
  const [, seconds, kb] = /@@ ([\d.]+) (\d+)/.exec(lines.pop() ?? '') ?? [];
  return { seconds: Number(seconds), rssMb: Number(kb) / 1024, line: lines.filter((l) => !l.startsWith('Command exited')).join(' | ').slice(0, 150) };
}

function row(name: string, command: string): void {
  const runs = Array.from({ length: ROUNDS }, () => measure(command));
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const peak = Math.max(...runs.map((r) => r.rssMb));
  console.log(`${name.padEnd(34)} ${best.seconds.toFixed(2).padStart(6)} s  ${peak.toFixed(0).padStart(5)} MB  ${best.line}`);
}

try {
  const big = path.join(dir, 'big.json');
  writeFileSync(big, '');
  truncateSync(big, 1500 * 1024 * 1024);
  const deep = path.join(dir, 'deep.json');
  writeFileSync(deep, `${'['.repeat(16 * 1024 * 1024)}${']'.repeat(16 * 1024 * 1024)}`);
  // 8 password slots, each with the costliest parameters one slot may have (N=2^17, r=8, p=4).
  const vault = JSON.parse(makeAegisEncrypted({ version: 3, entries: [], groups: [] }, 'right', { N: 2 ** 14, extraSlots: 7 }));
  for (const slot of vault.header.slots) if (slot.type === 1) Object.assign(slot, { n: 2 ** 17, r: 8, p: 4 });
  const aegis = path.join(dir, 'aegis-8-slots.json');
  writeFileSync(aegis, JSON.stringify(vault));
  const pw = path.join(dir, 'pw');
  writeFileSync(pw, 'not the password\n');
  const node = JSON.stringify(process.execPath);
  const authdesk = `${node} ${JSON.stringify(cli)}`;

  console.log(`${'input'.padEnd(34)} ${'wall'.padStart(8)}  ${'peak RSS'.padStart(8)}  message (best of ${ROUNDS})`);
  row('node -e 0 (floor)', `${node} -e 0`);
  row('authdesk --help', `${authdesk} --help >/dev/null`);
  row('import /dev/zero', `${authdesk} import /dev/zero`);
  row('import 1.5 GB sparse file', `${authdesk} import ${big}`);
  row('import - (1.8 GB on stdin)', `head -c 1800M /dev/zero | ${authdesk} import -`);
  row('import deep JSON (32 MiB of [ ])', `${authdesk} import ${deep}`);
  row('import Aegis, 8 maximal slots', `${authdesk} import ${aegis} --passphrase-file ${pw}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
