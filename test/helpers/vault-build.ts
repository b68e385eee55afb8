import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Bundle test/helpers/vault-driver.ts into test/.tmp (inside the repo so its external packages,
 * e.g. @napi-rs/keyring, resolve from node_modules). Node 20 cannot run .ts itself.
 */
export async function buildVaultDriver(): Promise<{ file: string; cleanup(): void }> {
  const dir = path.join(ROOT, 'test/.tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `vault-driver-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, 'test/helpers/vault-driver.ts')],
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
