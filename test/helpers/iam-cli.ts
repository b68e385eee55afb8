/**
 * Run `authdesk aws ...` as a real process: the real entry (cli/authdesk.ts -> cli/main.ts, which
 * dispatches `aws` to cli/commands/aws.ts), bundled fresh from the current sources with esbuild
 * (the options of scripts/build.mjs: packages external, code splitting), once per test file, so a
 * stale dist/ never hides a change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT, type CliResult } from './cli.js';

const OUT_ROOT = path.join(ROOT, 'test/.tmp/iam-cli');
let resolved: Promise<string[]> | undefined;

async function prepare(): Promise<string[]> {
  const outdir = path.join(OUT_ROOT, String(process.pid));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning',
    entryPoints: { authdesk: 'cli/authdesk.ts' }, outdir, splitting: true, outExtension: { '.js': '.mjs' }, chunkNames: 'chunks/[name]-[hash]',
  });
  return [path.join(outdir, 'authdesk.mjs'), 'aws'];
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
