// scripts/electronegativity.mjs: the tree passes with only the findings docs/SECURITY.md explains, and
// the same scan fails on a deliberately insecure app (so the pass means something). Offline: the script
// answers Electronegativity's downloads itself.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const script = path.join(root, 'scripts/electronegativity.mjs');
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function scan(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [script, ...args], { cwd: root, timeout: 240_000 });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '' };
  }
}

describe('Electronegativity', () => {
  it('passes on Authdesk with every finding explained', async () => {
    const { code, stdout } = await scan([]);
    expect(stdout).toContain('PASS');
    expect(stdout).not.toContain('UNEXPLAINED');
    expect(stdout).not.toContain('STALE');
    expect(code).toBe(0);
  });

  it('fails on an insecure app and names what is wrong', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-insecure-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'insecure', devDependencies: { electron: '45.5.0' } }));
    writeFileSync(
      path.join(dir, 'main.js'),
      [
        "const { app, BrowserWindow, shell } = require('electron');",
        'app.whenReady().then(() => {',
        "  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false, sandbox: false } });",
        "  win.webContents.on('new-window', (e, url) => shell.openExternal(url));",
        "  win.loadURL('http://example.com/');",
        '});',
      ].join('\n'),
    );
    const { code, stdout } = await scan(['--input', dir, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { unexplained: Array<{ check: string }> };
    const checks = new Set(report.unexplained.map((i) => i.check));
    for (const check of ['LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'HTTP_RESOURCES_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'SANDBOX_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'CSP_GLOBAL_CHECK']) {
      expect(checks, check).toContain(check);
    }
  });
});
