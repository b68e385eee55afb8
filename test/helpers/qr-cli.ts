/**
 * `authdesk scan` as its own small executable: the real command module (cli/commands/scan.ts) run
 * with the real process context and error reporting, exactly as cli/main.ts dispatches it. Used
 * until cli/main.ts lists "scan"; then `runCli(['scan', ...])` from helpers/cli.ts is equivalent.
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliResult } from './cli.js';
import { ROOT } from './cli.js';

export async function buildScanCli(): Promise<{ run(args: string[]): Promise<CliResult>; dir: string }> {
  const dir = path.join(ROOT, 'test/.tmp', `qr-cli-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(entry, [
    `import scan from '${path.join(ROOT, 'cli/commands/scan.ts')}';`,
    `import { nodeContext } from '${path.join(ROOT, 'cli/context.ts')}';`,
    `import { reportError } from '${path.join(ROOT, 'cli/io.ts')}';`,
    'const ctx = nodeContext();',
    'const args = process.argv.slice(2);',
    'try { process.exitCode = await scan.run(args, ctx); } catch (error) { process.exitCode = reportError(ctx, error, args.includes("--json")); }',
  ].join('\n'));
  await build({ absWorkingDir: ROOT, entryPoints: [entry], outfile: path.join(dir, 'scan.mjs'), bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  const cli = path.join(dir, 'scan.mjs');
  return {
    dir,
    run: (args) => new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    }),
  };
}
