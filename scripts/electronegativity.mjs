#!/usr/bin/env node
// Security review of the Electron app with Doyensec's Electronegativity, offline.
//
//   node scripts/electronegativity.mjs            scan the sources (electron/, renderer/) and, when built,
//                                                 dist/main, dist/preload and dist/renderer
//   node scripts/electronegativity.mjs --input D  scan directory D instead (tests use this)
//
// Fails (exit 1) on any finding that is not in the allowlist, and on any allowlist entry that no
// longer matches a finding (so the list cannot rot). The allowlist is the fenced
// `json electronegativity-allowlist` block in docs/SECURITY.md, each entry with its reason.
//
// Offline: Electronegativity fetches translations and Electron's release list over the network. The
// translation fetch is answered "offline" in-process (it falls back to its bundled English), and
// AvailableSecurityFixesGlobalCheck (the release list) is excluded: Electron updates are tracked through
// npm instead (docs/SECURITY.md).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const ALLOWLIST_FILE = path.join(root, 'docs', 'SECURITY.md');

function parseArgs(argv) {
  const args = { input: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input') args.input = argv[++i];
    else if (argv[i] === '--json') args.json = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

export function readAllowlist(markdown) {
  const match = /```json electronegativity-allowlist\n([\s\S]*?)```/.exec(markdown);
  if (!match) throw new Error('docs/SECURITY.md has no ```json electronegativity-allowlist block');
  const entries = JSON.parse(match[1]);
  for (const entry of entries) {
    const files = Array.isArray(entry.files) && entry.files.length > 0 && entry.files.every((f) => typeof f === 'string');
    if (typeof entry.check !== 'string' || !files || typeof entry.reason !== 'string' || entry.reason.trim().length < 20) {
      throw new Error(`allowlist entry needs check, files and a real reason: ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}

/** What is scanned: the sources, and the built output when it exists (what actually ships). */
function stage() {
  const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-electronegativity-'));
  const copy = (rel, filter) => {
    const from = path.join(root, rel);
    if (existsSync(from)) cpSync(from, path.join(dir, rel), { recursive: true, filter: filter ?? (() => true) });
  };
  copy('package.json');
  copy('electron');
  copy('renderer/index.html');
  copy('renderer/src');
  const noMaps = (src) => !src.endsWith('.map');
  copy('dist/main', noMaps);
  copy('dist/preload', noMaps);
  copy('dist/renderer', noMaps);
  return dir;
}

function stubNetwork() {
  // Electronegativity requires `got` for its translation and release-list downloads: answer "offline".
  const base = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const gotPath = require.resolve('got', { paths: [path.join(base, 'dist')] });
  const offline = () => Promise.reject(new Error('offline: Authdesk scans without network'));
  offline.head = offline;
  offline.get = offline;
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = offline;
  require.cache[gotPath] = stub;
  return path.join(base, 'dist', 'runner.js');
}

export async function scan(input) {
  const runner = require(stubNetwork());
  const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  // Its progress and translation notices go to console.log; keep our output to the verdict.
  const log = console.log;
  console.log = () => {};
  try {
    const result = await runner({ input, isRelative: true, customScan: [], excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()), electronVersionOverride: electronVersion }, false);
    return {
      checks: result.globalChecks + result.atomicChecks,
      errors: result.errors.filter((e) => !e.tolerable).map((e) => ({ file: e.file, message: e.message })),
      issues: result.issues.map((i) => ({
        check: i.id,
        file: i.file.split(path.sep).join('/'),
        line: i.location?.line ?? 0,
        severity: i.severity?.name ?? String(i.severity),
        confidence: i.confidence?.name ?? String(i.confidence),
        manualReview: Boolean(i.manualReview),
        description: i.description,
      })),
    };
  } finally {
    console.log = log;
  }
}

export function judge(issues, allowlist) {
  // Matched by check and file, not line: a reason explains a construct, which moves as code is edited.
  const matches = (entry, issue) => entry.check === issue.check && entry.files.includes(issue.file);
  const unexplained = issues.filter((i) => !allowlist.some((a) => matches(a, i)));
  const stale = allowlist.filter((a) => !issues.some((i) => matches(a, i)));
  return { unexplained, stale };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const staged = args.input ? undefined : stage();
  const input = args.input ? path.resolve(args.input) : staged;
  try {
    const allowlist = args.input ? [] : readAllowlist(readFileSync(ALLOWLIST_FILE, 'utf8'));
    const result = await scan(input);
    const { unexplained, stale } = judge(result.issues, allowlist);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...result, unexplained, stale }, null, 2)}\n`);
    } else {
      console.log(`Electronegativity: ${result.checks} checks over ${args.input ?? 'electron/, renderer/ and dist/'}; ${result.issues.length} finding(s), ${result.issues.length - unexplained.length} explained in docs/SECURITY.md.`);
      for (const issue of result.issues) {
        const tag = unexplained.includes(issue) ? 'UNEXPLAINED' : 'allowed';
        console.log(`  [${tag}] ${issue.check} ${issue.file}:${issue.line} (${issue.severity}, ${issue.confidence}${issue.manualReview ? ', review' : ''}) ${issue.description}`);
      }
      for (const entry of stale) console.log(`  [STALE] allowlist entry ${entry.check} ${entry.files.join(', ')} matches no finding: remove it from docs/SECURITY.md`);
      for (const error of result.errors) console.log(`  [PARSE ERROR] ${error.file}: ${error.message}`);
    }
    const failed = unexplained.length > 0 || stale.length > 0 || result.errors.length > 0;
    if (!args.json) console.log(failed ? 'FAIL' : 'PASS');
    process.exitCode = failed ? 1 : 0;
  } finally {
    if (staged) rmSync(staged, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
