/**
 * `authdesk` refuses oversized and non-file inputs with one line, before reading them (issue 10 §6):
 * the real built CLI as a process, real devices, a real sparse file, a real pipe on standard input.
 * No assertion on time (the machine is shared); docs/SECURITY.md has the measured figures
 * (bench/limits.bench.mjs).
 */
import { spawn } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, ensureCliBuilt, runCli, tempDir, type CliResult } from '../helpers/cli.js';

const work = tempDir('authdesk-cli-limits-');
const data = path.join(work.path, 'data');
beforeAll(() => ensureCliBuilt(), 180_000);
afterAll(() => work.cleanup());

/** Exactly one line on stderr, a sentence, no stack, nothing generic. */
function expectOneLine(result: CliResult, pattern: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/Something went wrong|\n\s+at |Error:/);
}

/** Pipes `bytes` of zeros into `authdesk args` (stopping quietly when the CLI closes its end). */
function runWithStdin(args: string[], bytes: number): Promise<CliResult & { written: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, AUTHDESK_DATA_DIR: data }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let written = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // EPIPE once the CLI stops reading: expected
    const chunk = Buffer.alloc(1024 * 1024);
    const pump = (): void => {
      while (written < bytes) {
        written += chunk.length;
        if (!child.stdin.write(chunk)) {
          child.stdin.once('drain', pump);
          return;
        }
      }
      child.stdin.end();
    };
    pump();
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code: code ?? -1, stdout, stderr, written });
    });
  });
}

describe('authdesk: limits before work', () => {
  it('import /dev/zero: refused as not a file (it used to grow to 4 GB and crash)', async () => {
    expectOneLine(await runCli(['import', '/dev/zero'], { dataDir: data }), /^authdesk: \/dev\/zero is not an ordinary file/);
  });

  it('import of a 1.5 GB file: refused by its size, unread', async () => {
    const big = path.join(work.path, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, 1500 * 1024 * 1024);
    expectOneLine(await runCli(['import', big], { dataDir: data }), /is 1\.5 GiB; an export or backup is at most 32\.0 MiB/);
  });

  it('import - with 200 MB on standard input: cut at the cap with a sentence, the rest never read', async () => {
    const result = await runWithStdin(['import', '-'], 200 * 1024 * 1024);
    expectOneLine(result, /^authdesk: Standard input carries more than 32\.0 MiB, too much for a file to import/);
  });

  it('add --secret - and --passphrase-file -: standard input capped at 64 KiB for a key or a passphrase', async () => {
    expectOneLine(await runWithStdin(['add', '--secret', '-', '--issuer', 'X', '--label', 'y'], 1024 * 1024), /^authdesk: Standard input carries more than 64 KiB, too much for a secret key or link/);
    expectOneLine(await runWithStdin(['backup', 'passphrase', '--passphrase-file', '-'], 1024 * 1024), /^authdesk: Standard input carries more than 64 KiB, too much for a passphrase/);
  });

  it('a deeply nested JSON file: refused before parsing', async () => {
    const deep = path.join(work.path, 'deep.json');
    writeFileSync(deep, `{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
    expectOneLine(await runCli(['import', deep], { dataDir: data }), /nests its JSON more than 64 levels deep/);
  });

  it('passphrase file, scan and add --image: devices refused with one line', async () => {
    expectOneLine(await runCli(['scan', '/dev/zero'], { dataDir: data }), /not a regular file/);
    expectOneLine(await runCli(['add', '--image', '/dev/zero'], { dataDir: data }), /not a regular file/);
    expectOneLine(await runCli(['backup', 'passphrase', '--passphrase-file', '/dev/zero'], { dataDir: data }), /passphrase file \/dev\/zero is not an ordinary file/);
  });
});
