/**
 * Run `authdesk aws ...` as a real process: the real entry (cli/authdesk.ts, then cli/run.ts ->
 * cli/main.ts, which dispatches `aws` to cli/commands/aws.ts), built fresh from the current sources
 * by scripts/build.mjs's own buildCli, once per test file, so a stale dist/ never hides a change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { buildCli } from '../../scripts/build.mjs';
import { ROOT, type CliResult } from './cli.js';

const OUT_ROOT = path.join(ROOT, 'test/.tmp/iam-cli');
let resolved: Promise<string[]> | undefined;

async function prepare(): Promise<string[]> {
  const outdir = path.join(OUT_ROOT, String(process.pid));
  await buildCli(outdir);
  return [path.join(outdir, 'authdesk.cjs'), 'aws'];
}

/** Remove this process's bundle (call in afterAll). */
export function cleanupAwsCli(): void {
  rmSync(path.join(OUT_ROOT, String(process.pid)), { recursive: true, force: true });
  resolved = undefined;
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
