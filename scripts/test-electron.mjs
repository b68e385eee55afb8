#!/usr/bin/env node
// `npm run test:electron`: the shell in REAL Electron (issue 12 §3), through Playwright's Electron
// driver: the built app (dist/, from `npm run build`) and, when release/ holds one, the packaged app.
// What it proves and how a maintainer runs it: docs/packaging.md. Not part of `npm test`: the build
// machines cannot download Electron's binary. Where the binary is missing this prints one line and
// exits 0 — it never triggers the download itself (node_modules/electron's index.js would).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

/** The Electron executable npm installed, without running node_modules/electron/index.js. */
function installedElectron() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (override) return path.join(override, relative || 'electron');
  if (!relative) return undefined;
  const full = path.join(electronDir, 'dist', relative);
  return existsSync(full) ? full : undefined;
}

const binary = installedElectron();
if (!binary) {
  console.log("test:electron: Electron's binary is not installed here (node_modules/electron/dist is empty; it downloads on first `npm start`), so the real-Electron checks were not run.");
  process.exit(0);
}

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const node = process.execPath;
spawnSync(node, ['scripts/build.mjs', 'cli'], { cwd: root, stdio: 'inherit' });

let command = [path.join(root, 'node_modules', '.bin', 'vitest'), 'run', '--config', 'vitest.electron.config.ts'];
// Linux: a private keyring (the maintainer's own is never touched) and, with no display, Xvfb.
if (process.platform === 'linux') {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
      console.error('test:electron: no display, and xvfb-run is missing (Debian/Ubuntu: apt-get install -y xvfb).');
      process.exit(1);
    }
    command = ['xvfb-run', '--auto-servernum', '--server-args=-screen 0 1280x800x24', ...command];
  }
  command = [path.join(root, 'scripts', 'with-keyring.sh'), ...command];
}
const result = spawnSync(command[0], command.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, AUTHDESK_ELECTRON_BINARY: binary } });
process.exit(result.status ?? 1);
