import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { CLI, ROOT, ensureCliBuilt } from './cli.js';

/**
 * The CLI binary the time tests run. When cli/main.ts registers `time`, that is the real
 * dist/cli/authdesk.mjs. Until then, a test entry (test/helpers/time-cli-entry.ts) built here
 * dispatches `time` to cli/commands/time.ts and everything else to the real runCli: the same
 * modules, a real process.
 */
export async function timeCliPath(): Promise<string> {
  ensureCliBuilt();
  const registered = execFileSync(process.execPath, [CLI, 'help'], { encoding: 'utf8', env: { ...process.env, AUTHDESK_DATA_DIR: path.join(ROOT, 'test/.tmp/none') } }).includes('  time ');
  if (registered) return CLI;
  const out = path.join(ROOT, 'test/.tmp/time-cli/authdesk.mjs');
  if (!existsSync(out) || process.env.AUTHDESK_REBUILD_CLI) {
    await build({
      absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning',
      entryPoints: { authdesk: 'test/helpers/time-cli-entry.ts' }, outdir: path.dirname(out), outExtension: { '.js': '.mjs' }, splitting: true,
    });
  }
  return out;
}
