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

// The entry (cli/authdesk.ts) imports the full CLI as './run.js': in the output that is the ESM
// build of cli/run.ts beside it, never bundled into the entry.
const fullCliExternal = {
  name: 'full-cli-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/run\.js$/ }, (args) => (args.importer.endsWith(path.join('cli', 'authdesk.ts')) ? { path: './cli.mjs', external: true } : undefined));
  },
};

/** Build the CLI into `outdir` (relative to the checkout, or absolute): authdesk.cjs, cli.mjs and chunks/. */
export async function buildCli(outdir = 'dist/cli') {
  rmSync(path.resolve(root, outdir), { recursive: true, force: true });
  await Promise.all([
    // The entry: one CommonJS file with only the cached path of `aws credentials` (why: cli/authdesk.ts).
    build({
      ...common,
      entryPoints: { authdesk: 'cli/authdesk.ts' },
      outdir,
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      define: CJS_DEFINES,
      plugins: [fullCliExternal],
      banner: { js: '#!/usr/bin/env node' },
    }),
    // Everything else: ESM, split so each command loads only its own imports.
    build({
      ...common,
      entryPoints: { cli: 'cli/run.ts' },
      outdir,
      format: 'esm',
      splitting: true,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
    }),
  ]);
  chmodSync(path.resolve(root, outdir, 'authdesk.cjs'), 0o755);
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
  if (only !== 'cli') {
    await buildElectron();
    buildRenderer();
  }
}
