#!/usr/bin/env node
// Builds everything that runs: the CLI and Electron main/preload with esbuild, the renderer with Vite.
//   node scripts/build.mjs            all
//   node scripts/build.mjs cli        only the CLI (fast; used by tests)
// Runtime dependencies stay external (node_modules ships with the app and the CLI): native modules
// (@napi-rs/keyring, sharp) cannot be bundled, and keeping the AWS SDK external lets the CLI load it
// only for `authdesk aws ...` (code splitting keeps each command's imports in its own chunk).
import { build } from 'esbuild';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];
const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', packages: 'external', legalComments: 'none' };

// In CommonJS output import.meta is empty; modules that branch on import.meta.url (node/keychain.ts)
// then take their CommonJS path.
const CJS_DEFINES = { 'import.meta.url': 'undefined' };

async function buildCli() {
  rmSync(path.join(root, 'dist/cli'), { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { authdesk: 'cli/authdesk.ts' },
    outdir: 'dist/cli',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: '#!/usr/bin/env node' },
  });
  chmodSync(path.join(root, 'dist/cli/authdesk.mjs'), 0o755);
}

async function buildElectron() {
  const jobs = [];
  if (existsSync(path.join(root, 'electron/main/main.ts'))) {
    jobs.push(build({ ...common, entryPoints: { main: 'electron/main/main.ts' }, outdir: 'dist/main', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'], define: CJS_DEFINES }));
  }
  for (const worker of ['node/qr/worker.ts']) {
    if (existsSync(path.join(root, worker))) {
      jobs.push(build({ ...common, entryPoints: { 'qr-worker': worker }, outdir: 'dist/main', format: 'esm', outExtension: { '.js': '.mjs' } }));
    }
  }
  if (existsSync(path.join(root, 'electron/preload/preload.ts'))) {
    // A sandboxed preload can require only 'electron' (and a few built-ins): bundle everything else in.
    jobs.push(build({ ...common, packages: undefined, entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist/preload', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'], define: CJS_DEFINES }));
  }
  await Promise.all(jobs);
}

function buildRenderer() {
  if (!existsSync(path.join(root, 'vite.config.ts'))) return;
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await buildCli();
if (only !== 'cli') {
  await buildElectron();
  buildRenderer();
}
