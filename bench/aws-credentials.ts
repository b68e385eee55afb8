// The cached path of `authdesk aws credentials` (credential_process: run before every AWS CLI
// command), against `node -e 0` measured in the same run, alternating. Target (issue 11): wall time
// <= 1.3x node's. Runs under scripts/with-keyring.sh (npm run bench): a real vault and the session
// item in the real Secret Service, put there through the same cache module the CLI uses (no STS
// call is needed to measure the cached path: it makes none).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sessionKey, type CachedSession } from '../core/aws/session-policy.js';
import { KeychainSessionCache } from '../node/aws/session-cache.js';

const root = process.cwd();
const cli = path.join(root, 'dist/cli/authdesk.cjs');
if (!existsSync(cli)) throw new Error('Build first: node scripts/build.mjs');
const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-bench-creds-'));
const env = { ...process.env, AUTHDESK_DATA_DIR: dataDir, AWS_PROFILE: '' };
const ROUNDS = 25;
const SERIAL = 'arn:aws:iam::123456789012:mfa/bench';

function measure(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return wallMs;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  execFileSync(process.execPath, [cli, 'add', '--secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', '--issuer', 'Amazon Web Services', '--label', 'bench@123456789012'], { env });
  const vaultId = (JSON.parse(readFileSync(path.join(dataDir, 'vault.json'), 'utf8')) as { vaultId: string }).vaultId;
  const key = { source: 'bench-source', serial: SERIAL };
  const now = Date.now();
  const session: CachedSession = {
    format: 'authdesk-session', version: 1, key, kind: 'session-token', serial: SERIAL, issuedAt: new Date(now).toISOString(),
    credentials: { accessKeyId: 'ASIABENCHBENCHBENCH1', secretAccessKey: 'bench-secret-access-key-not-real-0000000', sessionToken: 'bench-session-token', expiration: new Date(now + 12 * 3_600_000).toISOString() },
  };
  const cache = new KeychainSessionCache(vaultId);
  await cache.put(sessionKey(vaultId, key), session);
  const args = [cli, 'aws', 'credentials', '--profile', 'bench-source', '--serial', SERIAL];
  const printed = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (JSON.parse(printed.stdout).AccessKeyId !== 'ASIABENCHBENCHBENCH1') throw new Error(`the cached path did not answer: ${printed.stderr}`);

  const baseline: number[] = [];
  const cached: number[] = [];
  measure(['-e', '0']);
  measure(args);
  for (let i = 0; i < ROUNDS; i++) {
    baseline.push(measure(['-e', '0']));
    cached.push(measure(args));
  }
  const ratio = median(cached) / median(baseline);
  console.log(`rounds: ${ROUNDS} (alternating), one cached session in the Secret Service`);
  console.log(`node -e 0:                         wall ${median(baseline).toFixed(1)} ms`);
  console.log(`authdesk aws credentials (cached): wall ${median(cached).toFixed(1)} ms`);
  console.log(`wall ratio ${ratio.toFixed(2)}x (target <= 1.3x) ${ratio <= 1.3 ? 'PASS' : 'MISS'}`);
  await cache.remove(sessionKey(vaultId, key));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
