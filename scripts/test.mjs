#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it.
//   1. checks the Debian tools the tests use (and says which packages to install),
//   2. builds (CLI, Electron main/preload, renderer), 3. type-checks every layer, 4. lints,
//   5. runs vitest inside a private D-Bus session with an unlocked gnome-keyring (the real
//      Secret Service), 6. runs the Electron security scan.
// Extra arguments go to vitest: `npm test -- test/unit` runs only the unit tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitestArgs = process.argv.slice(2);

const TOOLS = [
  ['chromium', 'chromium'], ['oathtool', 'oathtool'], ['qrencode', 'qrencode'], ['chronyd', 'chrony'],
  ['faketime', 'faketime'], ['ffmpeg', 'ffmpeg'], ['convert', 'imagemagick'], ['gnome-keyring-daemon', 'gnome-keyring'],
  ['dbus-run-session', 'dbus'], ['secret-tool', 'libsecret-tools'], ['aws', 'awscli'],
];

function has(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { stdio: 'ignore' }).status === 0;
}

function step(title, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (${seconds} s)`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${title} (${seconds} s)`);
}

const missing = TOOLS.filter(([tool]) => !has(tool));
if (missing.length) {
  const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  console.error(`The tests use real system tools that are missing: ${missing.map(([t]) => t).join(', ')}.\n` +
    `Install them (Debian/Ubuntu): sudo apt-get install -y ${packages}\n(.ci/run does this on CI.)`);
  process.exit(1);
}

const node = process.execPath;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
step('build', node, ['scripts/build.mjs']);
step('type-check core (no Node/DOM types)', bin('tsc'), ['-p', 'tsconfig.core.json']);
step('type-check node, cli, electron, tests', bin('tsc'), ['-p', 'tsconfig.json']);
if (existsSync(path.join(root, 'renderer/tsconfig.json'))) step('type-check renderer', bin('tsc'), ['-p', 'renderer/tsconfig.json']);
step('lint (incl. layering rules)', bin('eslint'), ['.']);

mkdirSync(path.join(root, 'test/.tmp'), { recursive: true });
const report = path.join(root, 'test/.tmp/vitest-report.json');
const vitest = spawnSync(path.join(root, 'scripts/with-keyring.sh'), [bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs], { cwd: root, stdio: 'inherit' });
let summary = null;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  summary = { passed: json.numPassedTests, failed: json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0), skipped: json.numPendingTests + json.numTodoTests };
} catch { /* vitest did not get as far as writing its report */ }

if (vitest.status === 0 && existsSync(path.join(root, 'scripts/electronegativity.mjs')) && vitestArgs.length === 0) {
  step('Electron security scan (electronegativity)', node, ['scripts/electronegativity.mjs']);
}
if (summary) console.log(`\nTests: ${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`);
process.exit(vitest.status ?? 1);
