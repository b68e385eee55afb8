#!/usr/bin/env node
// Builds the standalone `authdesk` executable for this platform: a Node single executable
// application (https://nodejs.org/api/single-executable-applications.html), so people who installed
// the desktop app have a CLI without Node (docs/packaging.md).
//   node scripts/build-cli-exe.mjs [--out DIR]     default DIR: dist/cli-exe (electron-builder.yml ships it)
// Output: DIR/authdesk (authdesk.exe on Windows) and DIR/keyring.node beside it.
// 1. esbuild bundles cli/authdesk-standalone.ts and every JS dependency (the AWS SDK included) into
//    one CommonJS file: a SEA's main script can require only Node's built-in modules.
// 2. @napi-rs/keyring's native .node cannot be inside the blob: it is copied beside the executable and
//    loaded from there with process.dlopen (the banner below gives the bundle a `require` that does it).
// 3. sharp and zxing-wasm (image decoding for scan / add --image / image imports) are not bundled:
//    sharp needs libvips beside its .node. Those commands say they need the app or the npm package.
// 4. node --experimental-sea-config makes the blob; postject injects it into a copy of this node.
// The build is skipped when DIR/.build-hash matches the inputs (sources, lock file, node version).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, 'dist', 'cli-exe'));
const exeName = process.platform === 'win32' ? 'authdesk.exe' : 'authdesk';
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (/\.(ts|mjs|cjs|js|json)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Hash of everything the executable is made from. */
export function inputHash() {
  const hash = createHash('sha256');
  hash.update(`${process.version} ${process.platform} ${process.arch}\n`);
  const files = ['cli', 'core', 'node'].flatMap((d) => listFiles(path.join(root, d))).sort();
  files.push(path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url));
  for (const file of files) hash.update(`${path.relative(root, file)}\n`).update(readFileSync(file));
  return hash.digest('hex');
}

function keyringBinary() {
  // The platform package @napi-rs/keyring picks at run time (e.g. @napi-rs/keyring-linux-x64-gnu).
  const base = path.dirname(require.resolve('@napi-rs/keyring/package.json'));
  const scope = path.dirname(base);
  for (const name of readdirSync(scope)) {
    if (!name.startsWith('keyring-')) continue;
    const dir = path.join(scope, name);
    const node = readdirSync(dir).find((f) => f.endsWith('.node'));
    if (node && name.includes(process.platform === 'win32' ? 'win32' : process.platform) && name.includes(process.arch)) return path.join(dir, node);
  }
  throw new Error(`No @napi-rs/keyring binary for ${process.platform}-${process.arch} in node_modules.`);
}

// The SEA's main script gets a `require` for built-in modules only. Node/keychain.ts loads the
// keychain module with `require('@napi-rs/keyring')` in CommonJS: answer that from the .node file
// beside the executable (its real path: the executable may be reached through a symlink on PATH).
const BANNER = `var require = ((builtin) => {
  let keyring;
  return (id) => {
    // The package or its platform binary's package (node/keychain.ts asks for the latter first on Linux).
    if (id !== '@napi-rs/keyring' && !id.startsWith('@napi-rs/keyring-')) return builtin(id);
    if (!keyring) {
      const { realpathSync } = builtin('node:fs');
      const { dirname, join } = builtin('node:path');
      const file = join(dirname(realpathSync(process.execPath)), 'keyring.node');
      const module = { exports: {} };
      try {
        process.dlopen(module, file);
      } catch (error) {
        // A broken install, not a keychain problem: say which file, and stop.
        process.stderr.write('authdesk: the keychain module ' + file + ' is missing or cannot be loaded (' + String(error && error.message).split('\\n')[0] + '). Reinstall Authdesk, or keep keyring.node beside the authdesk executable.\\n');
        process.exit(1);
      }
      keyring = module.exports;
    }
    return keyring;
  };
})(require);`;

// sharp and zxing-wasm resolve to a module that refuses with a sentence (an AuthdeskError, so the
// CLI prints it as one line) when an image command first needs them.
const excludeImages = {
  name: 'standalone-without-images',
  setup(b) {
    b.onResolve({ filter: /^(sharp|zxing-wasm)(\/.*)?$/ }, (a) => ({ path: a.path, namespace: 'standalone-excluded' }));
    b.onLoad({ filter: /.*/, namespace: 'standalone-excluded' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: `const { InputError } = require('./core/errors.ts');
throw new InputError('STANDALONE_NO_IMAGES', 'Reading images (QR codes in pictures and screenshots) is not part of the standalone authdesk executable. Use the Authdesk app, or the npm package (npm install -g authdesk), for this command.');`,
    }));
  },
};

export async function buildCliExecutable(dir = outDir) {
  const hash = inputHash();
  const stamp = path.join(dir, '.build-hash');
  const exe = path.join(dir, exeName);
  if (existsSync(stamp) && existsSync(exe) && readFileSync(stamp, 'utf8') === hash) return { exe, skipped: true };
  // Built beside and renamed into place, so a second build running at the same time (another test
  // run) never sees, or removes, half an output folder.
  const finalDir = dir;
  dir = `${finalDir}.building-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  const work = path.join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const bundle = path.join(work, 'authdesk.cjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['cli/authdesk-standalone.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
    // The stand-ins for sharp/zxing-wasm have no exports: expected, they throw when loaded.
    logOverride: { 'import-is-undefined': 'silent' },
    minifyWhitespace: true,
    external: ['@napi-rs/keyring'],
    // import.meta is empty in CommonJS: modules that branch on it take their CommonJS path.
    define: { 'import.meta.url': 'undefined' },
    banner: { js: BANNER },
    plugins: [excludeImages],
  });
  // A SEA's main script cannot import() (Node 20 has no dynamic-import callback for it), and
  // esbuild keeps import() of built-in modules as is (the AWS SDK has some; so does node:sea's
  // probe in node/cli-invocation.ts): make them requires, and refuse any other import() left.
  const code = readFileSync(bundle, 'utf8').replace(/\bimport\((["'])(node:[\w/]+)\1\)/g, 'Promise.resolve(require("$2"))');
  const left = /\bimport\(\s*["'`][^"'`]*["'`]\s*\)/.exec(code);
  if (left) throw new Error(`The standalone bundle still has a dynamic ${left[0]}: it would fail in the executable.`);
  writeFileSync(bundle, code);
  const blob = path.join(work, 'sea-prep.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
  const made = spawnSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('node --experimental-sea-config failed');
  const built = path.join(dir, exeName);
  copyFileSync(process.execPath, built);
  chmodSync(built, 0o755);
  if (process.platform === 'darwin') spawnSync('codesign', ['--remove-signature', built], { stdio: 'inherit' });
  const { inject } = require('postject');
  await inject(built, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: SENTINEL_FUSE,
    ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  // macOS refuses to run an unsigned changed binary: sign it ad hoc (a release signs it properly).
  if (process.platform === 'darwin') spawnSync('codesign', ['--sign', '-', built], { stdio: 'inherit' });
  copyFileSync(keyringBinary(), path.join(dir, 'keyring.node'));
  rmSync(work, { recursive: true, force: true });
  writeFileSync(path.join(dir, '.build-hash'), hash);
  const size = statSync(built).size;
  if (existsSync(stamp) && existsSync(exe) && readFileSync(stamp, 'utf8') === hash) {
    rmSync(dir, { recursive: true, force: true }); // another build finished first with the same inputs
  } else {
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(dir, finalDir);
  }
  return { exe, skipped: false, size };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildCliExecutable();
  console.log(result.skipped ? `${result.exe} is up to date.` : `Built ${result.exe} (${(result.size / 1e6).toFixed(1)} MB) and keyring.node beside it.`);
}
