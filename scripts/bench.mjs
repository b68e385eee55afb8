#!/usr/bin/env node
// `npm run bench`: bundles every bench/*.ts and runs each in its own Node process (so memory and
// start-up figures are not polluted by another benchmark), inside the private keychain session.
//   npm run bench            all
//   npm run bench -- otp qr  only bench/otp.ts and bench/qr.ts
import { build } from 'esbuild';
import { readdirSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const names = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .filter((n) => wanted.length === 0 || wanted.includes(n));

spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const out = path.join(root, '.bench');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  absWorkingDir: root, entryPoints: names.map((n) => `bench/${n}.ts`), outdir: '.bench', bundle: true, platform: 'node',
  format: 'esm', target: 'node20', packages: 'external', outExtension: { '.js': '.mjs' }, logLevel: 'warning',
});
let failed = 0;
for (const name of names) {
  console.log(`\n=== bench/${name}.ts ${'='.repeat(Math.max(0, 60 - name.length))}`);
  const result = spawnSync(path.join(root, 'scripts/with-keyring.sh'), [process.execPath, '--expose-gc', path.join(out, `${name}.mjs`)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) { failed++; console.error(`bench/${name}.ts exited with ${result.status}`); }
}
process.exit(failed ? 1 : 0);
