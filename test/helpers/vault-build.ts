import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Bundle test/helpers/vault-driver.ts into test/.tmp (inside the repo so its external packages,
 * e.g. @napi-rs/keyring, resolve from node_modules). Node 20 cannot run .ts itself.
 */
export function buildVaultDriver(): Promise<{ file: string; cleanup(): void }> {
  return buildTestScript('test/helpers/vault-driver.ts');
}

/** Bundle a TypeScript script of test/helpers (path from the repo root) the same way, for child processes. */
export async function buildTestScript(entry: string): Promise<{ file: string; cleanup(): void }> {
  const dir = path.join(ROOT, 'test/.tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${path.basename(entry, '.ts')}-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { file, cleanup: () => rmSync(file, { force: true }) };
}

export { ROOT };
