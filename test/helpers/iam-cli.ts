/**
 * Run `authdesk aws ...` as a real process. Uses the built CLI (dist/cli/authdesk.mjs) when it
 * dispatches `aws`; otherwise bundles a one-command entry around cli/commands/aws.ts with esbuild
 * (same options as scripts/build.mjs: packages stay external), so these tests do not wait on cli/main.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { CLI, ROOT, type CliResult } from './cli.js';

const ENTRY_DIR = path.join(ROOT, 'test/.tmp/iam-cli');
let resolved: Promise<string[]> | undefined;

async function prepare(): Promise<string[]> {
  if (existsSync(CLI) && spawnSync(process.execPath, [CLI, 'help', 'aws'], { cwd: ROOT, encoding: 'utf8' }).status === 0) return [CLI, 'aws'];
  mkdirSync(ENTRY_DIR, { recursive: true });
  const out = path.join(ENTRY_DIR, `aws-${process.pid}.mjs`);
  await build({
    absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', outfile: out,
    stdin: {
      resolveDir: ROOT, loader: 'ts', sourcefile: 'aws-entry.ts',
      contents: `import aws from './cli/commands/aws.ts';
import { nodeContext } from './cli/context.ts';
import { reportError } from './cli/io.ts';
const ctx = nodeContext();
const args = process.argv.slice(2);
try { process.exitCode = await aws.run(args, ctx); } catch (error) { process.exitCode = reportError(ctx, error, args.includes('--json')); }`,
    },
  });
  return [out];
}

export function awsCliCommand(): Promise<string[]> {
  resolved ??= prepare();
  return resolved;
}

export interface RunningCli { child: ChildProcess; result: Promise<CliResult> }

/** Start `authdesk aws <args>` with exactly `env` (plus PATH/HOME/D-Bus from the test process). */
export async function startAws(args: string[], env: NodeJS.ProcessEnv): Promise<RunningCli> {
  const command = await awsCliCommand();
  const child = spawn(process.execPath, [...command, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.end('');
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr }));
  });
  return { child, result };
}

export async function runAws(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return (await startAws(args, env)).result;
}
