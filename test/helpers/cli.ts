import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli/authdesk.cjs');

/** Build the CLI once per test file if `npm test` has not already (it builds first). */
export function ensureCliBuilt(): void {
  if (!existsSync(CLI) || process.env.AUTHDESK_REBUILD_CLI) execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: ROOT, stdio: 'inherit' });
}

export interface CliResult { code: number; stdout: string; stderr: string }

/**
 * Run any program as a real process and collect its output. `input` is written to its standard
 * input (then closed); without it standard input is closed from the start.
 */
export function runProcess(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Run the built `authdesk` CLI as a real process. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; dataDir?: string } = {}): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...(options.dataDir ? { AUTHDESK_DATA_DIR: options.dataDir } : {}), ...options.env },
    input: options.input ?? '',
  });
}

export function tempDir(prefix = 'authdesk-test-'): { path: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Debian's oathtool: the independent TOTP/HOTP implementation the tests trust. */
export function oathtoolTotp(secretBase32: string, unixSeconds: number, opts: { algorithm?: string; digits?: number; period?: number } = {}): string {
  const algo = (opts.algorithm ?? 'SHA1').toLowerCase();
  return execFileSync('oathtool', [`--totp=${algo}`, '-b', '-d', String(opts.digits ?? 6), '-s', `${opts.period ?? 30}s`, '-N', `@${Math.floor(unixSeconds)}`, secretBase32], { encoding: 'utf8' }).trim();
}

export function oathtoolHotp(secretBase32: string, counter: number, digits = 6): string {
  return execFileSync('oathtool', ['--hotp', '-b', '-d', String(digits), '-c', String(counter), secretBase32], { encoding: 'utf8' }).trim();
}
