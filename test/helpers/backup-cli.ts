import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Bundle the CLI (with export/import wired, see backup-cli-entry.ts) into test/.tmp. */
export async function buildBackupCli(): Promise<{ file: string; cleanup(): void }> {
  const dir = path.join(ROOT, 'test/.tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `backup-cli-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, 'test/helpers/backup-cli-entry.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { file, cleanup: () => rmSync(file, { force: true }) };
}

export interface RunResult { code: number; stdout: string; stderr: string }

export function run(file: string, args: string[], options: { dataDir?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...(options.dataDir ? { AUTHDESK_DATA_DIR: options.dataDir } : {}), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
