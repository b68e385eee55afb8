/**
 * The shell in REAL Electron (issue 12 §3): run by `npm run test:electron` (scripts/test-electron.mjs),
 * never by `npm test` — the build machines cannot download Electron's binary. It launches the built
 * app (dist/) and, when release/ holds one, the packaged app, through Playwright's Electron driver,
 * and checks what only Electron can show: the window on app://, the preload bridge without Node,
 * the CSP, refused navigation and windows, a code from the OS keychain on screen, the tray, the
 * packaged binary's fuses, and a quit that leaves no process. docs/packaging.md says how to run it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, oathtoolTotp } from '../helpers/cli.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const DEV_BINARY = process.env['AUTHDESK_ELECTRON_BINARY'];

/** The packaged app electron-builder left in release/, if any. */
function packagedBinary(): string | undefined {
  const release = path.join(ROOT, 'release');
  const candidates = {
    linux: [path.join(release, 'linux-unpacked', 'authdesk-desktop')],
    darwin: ['mac', 'mac-arm64', 'mac-universal'].map((d) => path.join(release, d, 'Authdesk.app', 'Contents', 'MacOS', 'Authdesk')),
    win32: [path.join(release, 'win-unpacked', 'Authdesk.exe')],
  }[process.platform as 'linux' | 'darwin' | 'win32'] ?? [];
  return candidates.find((file) => existsSync(file));
}

function childPids(root: number): number[] {
  if (process.platform !== 'linux') return [root];
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited */
    }
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) for (const [pid, ppid] of parents) if (ppid === all[i]) all.push(pid);
  return all;
}

/** The page's globals, typed for what these checks touch (the test project has no DOM types). */
interface PageGlobals {
  authdesk?: unknown; require?: unknown; process?: unknown; ipcRenderer?: unknown; __authdeskInlineRan?: boolean;
  location: { href: string };
  open(url: string): unknown;
  document: {
    addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string }) => void, options: { once: boolean }): void;
    createElement(tag: 'script'): { textContent: string };
    head: { appendChild(node: unknown): void };
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const targets: Array<[string, { executablePath: string; args: string[] } | undefined]> = [
  ['the built app (dist/)', DEV_BINARY ? { executablePath: DEV_BINARY, args: [ROOT] } : undefined],
  ['the packaged app (release/)', (() => {
    const binary = packagedBinary();
    return binary ? { executablePath: binary, args: [] } : undefined;
  })()],
];

for (const [name, launch] of targets) {
  describe.runIf(launch !== undefined)(`Authdesk in Electron: ${name}`, () => {
    let app: ElectronApplication;
    let page: Page;
    let dataDir: string;
    let accountId = '';

    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-electron-'));
      const env = { ...process.env, AUTHDESK_DATA_DIR: dataDir } as Record<string, string>;
      // An account whose seed is in the OS keychain, added by the CLI over the same vault.
      const added = JSON.parse(execFileSync(process.execPath, [CLI, 'add', '--secret', '-', '--issuer', 'ShellTest', '--label', 'electron', '--json'], { env, input: SECRET, encoding: 'utf8' })) as { id?: string; account?: { id: string } };
      accountId = added.account?.id ?? added.id ?? '';
      app = await _electron.launch({ executablePath: launch!.executablePath, args: launch!.args, env, cwd: ROOT });
      page = await app.firstWindow();
      await page.waitForSelector('.app, .lock, .fatal');
    });

    afterAll(async () => {
      if (app) await app.close().catch(() => undefined);
      if (accountId) execFileSync(process.execPath, [CLI, 'remove', accountId, '--yes'], { env: { ...process.env, AUTHDESK_DATA_DIR: dataDir } });
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('opens one window on app://, with the preload bridge and without Node', async () => {
      expect(page.url()).toMatch(/^app:\/\/authdesk\//);
      expect(app.windows()).toHaveLength(1);
      const globals = await page.evaluate(() => {
        const g = (globalThis as unknown as PageGlobals);
        return { authdesk: typeof g.authdesk, require: typeof g.require, process: typeof g.process, ipcRenderer: typeof g.ipcRenderer };
      });
      expect(globals).toEqual({ authdesk: 'object', require: 'undefined', process: 'undefined', ipcRenderer: 'undefined' });
    });

    it('the CSP blocks an inline script', async () => {
      const result = await page.evaluate(() => new Promise<{ ran: boolean; violation: string }>((resolve) => {
        const g = (globalThis as unknown as PageGlobals);
        let violation = '';
        g.document.addEventListener('securitypolicyviolation', (e) => (violation = e.violatedDirective), { once: true });
        const script = g.document.createElement('script');
        script.textContent = 'window.__authdeskInlineRan = true';
        g.document.head.appendChild(script);
        setTimeout(() => resolve({ ran: g.__authdeskInlineRan === true, violation }), 200);
      }));
      expect(result.ran).toBe(false);
      expect(result.violation).toMatch(/^script-src/);
    });

    it('refuses navigation away and new windows', async () => {
      const before = page.url();
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
      const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null);
      expect(opened).toBe(true);
      await page.waitForTimeout(500);
      expect(app.windows()).toHaveLength(1);
    });

    it('shows the code of an account whose seed is in the OS keychain', async () => {
      const row = page.getByRole('option', { name: /ShellTest/ });
      await row.waitFor();
      for (;;) {
        const seconds = Number(await row.locator('.row__seconds').textContent());
        if (seconds >= 3) break;
        await page.waitForTimeout(500);
      }
      const shown = ((await row.locator('.code').textContent()) ?? '').replace(/\s/g, '');
      expect(shown).toBe(oathtoolTotp(SECRET, Date.now() / 1000));
    });

    it('has a tray icon and content protection on the window', async () => {
      const state = await app.evaluate(({ BrowserWindow }) => {
        const shell = Reflect.get(globalThis, Symbol.for('authdesk.shell')) as { trayExists(): boolean } | undefined;
        const w = BrowserWindow.getAllWindows()[0]!;
        return { tray: shell?.trayExists() ?? false, contentProtected: typeof w.isContentProtected === 'function' ? w.isContentProtected() : null };
      });
      expect(state.tray).toBe(true);
      if (process.platform !== 'linux' && state.contentProtected !== null) expect(state.contentProtected).toBe(true);
    });

    if (name.startsWith('the packaged')) {
      it('the packaged binary has its fuses flipped', async () => {
        const { getCurrentFuseWire, FuseV1Options } = await import('@electron/fuses');
        // @electron/fuses' FuseState (not exported from its index): the wire's bytes '0' and '1'.
        const FuseState = { DISABLE: 48, ENABLE: 49 } as const;
        const wire = (await getCurrentFuseWire(launch!.executablePath)) as unknown as Record<number, number>;
        expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
        expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
        expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
        expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
        expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
        expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
      });
    }

    it('quit leaves no process behind', async () => {
      const pid = app.process().pid!;
      const family = childPids(pid);
      expect(family.length).toBeGreaterThan(1);
      await app.evaluate(({ app: electronApp }) => electronApp.quit());
      await expect.poll(() => family.filter(alive)).toEqual([]);
    });
  });
}

it('names what it ran', () => {
  // vitest reports a file with no test as a failure; this one says which targets were found.
  expect(targets.some(([, launch]) => launch !== undefined)).toBe(true);
});
