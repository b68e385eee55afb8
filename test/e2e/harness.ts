/**
 * The e2e harness (DESIGN.md section 6): the BUILT renderer in Debian's Chromium, with the same
 * `window.authdesk` the preload builds (electron/preload/api.ts, bundled into the page), wired by
 * `page.exposeBinding` to the REAL dispatcher and handlers running in this process, over a REAL
 * vault (node/open-vault.ts) and the real keychain (run under scripts/with-keyring.sh).
 *
 *   const app = await startApp();                       // fresh data dir, empty vault
 *   await app.page.getByRole('button', { name: 'Add account' }).click();
 *   ...
 *   await app.close();                                  // closes Chromium, removes the data dir
 *
 * For the area engineers: `startApp({ chromiumArgs: [...fake camera flags], dataDir, colorScheme })`;
 * `app.vault` is the VaultApi, `app.services` the handlers/lock/clipboard, `app.clipboard` records
 * every clipboard write, `app.ipc` every call and answer, `app.emit(name, payload)` pushes an event.
 *
 * The page is served from http://authdesk.test/ by `context.route` (files of the Vite build): a real
 * origin, so the CSP meta tag and module scripts behave as under the app's own protocol. Every other
 * request is aborted and recorded in `app.blockedRequests`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { VaultApi } from '../../core/vault/api.js';
import type { SecretStore } from '../../core/vault/ports.js';
import { openVault } from '../../node/open-vault.js';
import type { Timers } from '../../node/app-lock.js';
import type { EventName, EventPayload } from '../../electron/ipc/contract.js';
import { eventChannel } from '../../electron/ipc/contract.js';
import type { IpcResult } from '../../electron/ipc/channel.js';
import { appOriginCheck } from '../../electron/main/handlers/dispatch.js';
import { createAppServices, type AppServices, type HandlerDeps, type ScanDeps } from '../../electron/main/handlers/index.js';
import type { ClipboardPort } from '../../electron/main/handlers/clipboard-guard.js';
import { watchVault } from '../../electron/main/handlers/vault-watch.js';

/** The checkout's root: found upward from this file, so the harness also works bundled (bench/ui.ts -> .bench/). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'authdesk') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('The Authdesk checkout was not found above the harness.');
    dir = parent;
  }
}
const ROOT = findRoot();
export const APP_ORIGIN = 'http://authdesk.test';
export const APP_URL = `${APP_ORIGIN}/index.html`;
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const BUILD_DIR = path.join(ROOT, 'test/.tmp/renderer-dist');

// ------------------------------------------------------------------------------------ build

function newestInput(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(`${full}:${statSync(full).mtimeMs}:${statSync(full).size}\n`);
    }
  };
  walk(path.join(ROOT, 'renderer'));
  walk(path.join(ROOT, 'electron/ipc'));
  hash.update(readFileSync(path.join(ROOT, 'vite.config.ts')));
  hash.update('NODE_ENV=production');
  return hash.digest('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `vite build` into test/.tmp/renderer-dist, once per change of the renderer's sources (a hash of
 * their mtimes is kept next to the build). Test files running in parallel share one build (a
 * directory lock; a stale lock older than 2 minutes is taken over).
 */
export async function buildRenderer(): Promise<string> {
  const stamp = path.join(BUILD_DIR, '.inputs');
  const wanted = newestInput();
  const lock = `${BUILD_DIR}.lock`;
  mkdirSync(path.dirname(BUILD_DIR), { recursive: true });
  for (;;) {
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return BUILD_DIR;
    try {
      mkdirSync(lock);
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return BUILD_DIR;
      const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', BUILD_DIR, '--emptyOutDir'], {
        cwd: ROOT,
        encoding: 'utf8',
        // vitest sets NODE_ENV=test, which would make Vite bundle React's development build: test what ships.
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
      writeFileSync(stamp, wanted);
      return BUILD_DIR;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

let preloadSource: Promise<string> | undefined;

/**
 * The page-side preload: electron/preload/api.ts (the SAME builder the Electron preload uses),
 * bundled as a script that builds `window.authdesk` over the harness's binding instead of ipcRenderer.
 */
function pagePreload(): Promise<string> {
  preloadSource ??= build({
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
    stdin: {
      resolveDir: ROOT,
      sourcefile: 'harness-preload.ts',
      loader: 'ts',
      contents: `
        import { buildAuthdeskApi } from './electron/preload/api.ts';
        const invoke = globalThis.__authdeskInvoke;
        try { delete globalThis.__authdeskInvoke; } catch {}
        const listeners = new Map();
        Object.defineProperty(globalThis, __AUTHDESK_DELIVER__, {
          enumerable: false,
          value: (channel, payload) => { for (const l of [...(listeners.get(channel) ?? [])]) l(payload); },
        });
        const api = buildAuthdeskApi({
          invoke: (channel, payload) => invoke(channel, payload),
          subscribe(channel, listener) {
            const set = listeners.get(channel) ?? new Set();
            set.add(listener);
            listeners.set(channel, set);
            return () => { set.delete(listener); };
          },
        });
        // contextBridge.exposeInMainWorld makes a read-only, non-writable property: so does this.
        Object.defineProperty(globalThis, 'authdesk', { value: api, enumerable: true, writable: false, configurable: false });
      `,
    },
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return preloadSource;
}

// ------------------------------------------------------------------------------------ app

export interface RecordingClipboard extends ClipboardPort {
  readonly writes: string[];
  text: string;
}

export function recordingClipboard(): RecordingClipboard {
  const port: RecordingClipboard = {
    writes: [],
    text: '',
    writeText(text) {
      port.writes.push(text);
      port.text = text;
    },
    readText: () => port.text,
  };
  return port;
}

export interface IpcRecord {
  readonly channel: string;
  readonly payload: unknown;
  readonly result: IpcResult<unknown>;
}

export interface StartOptions {
  /** Default: a fresh temp dir, removed by close(). A given dir is left in place. */
  readonly dataDir?: string;
  readonly colorScheme?: 'light' | 'dark';
  readonly reducedMotion?: 'reduce' | 'no-preference';
  readonly viewport?: { width: number; height: number };
  readonly deviceScaleFactor?: number;
  /** Extra Chromium flags (e.g. the fake camera's). */
  readonly chromiumArgs?: readonly string[];
  /** Share one Chromium between apps of a test file (it is not closed by close()). */
  readonly browser?: Browser;
  readonly timers?: Timers;
  /** Scanning's OS side (screen capture, open dialog, clipboard image) as main's scan-wiring provides it. */
  readonly scan?: ScanDeps;
  /** Clock service options (a measurement, timers, the HTTPS fallback URL). */
  readonly time?: HandlerDeps['time'];
  /** AWS options (an IAM port factory, sleep). */
  readonly aws?: HandlerDeps['aws'];
  /** "Unlock with Touch ID": the OS's user check (a fake in tests). Default: none = not available. */
  readonly systemAuth?: HandlerDeps['systemAuth'];
  /** Backup's open/save dialogs (a fake returning chosen paths). Default: none (they say they need the app). */
  readonly backupDialogs?: HandlerDeps['backupDialogs'];
  /** Default: the OS keychain (needs scripts/with-keyring.sh). The UI bench passes a memory store. */
  readonly secretStore?: SecretStore;
  /** Runs after the vault is open and before the page loads (seed accounts, settings...). */
  readonly beforeLoad?: (vault: VaultApi, services: AppServices) => Promise<void>;
  /** A script run in the page before the app's (after window.authdesk is defined). */
  readonly initScript?: string;
  /** Do not navigate (the caller calls app.load()). */
  readonly noLoad?: boolean;
}

export interface AppHarness {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly vault: VaultApi;
  readonly services: AppServices;
  readonly clipboard: RecordingClipboard;
  readonly dataDir: string;
  /** Every IPC call the page made, with the answer it got. */
  readonly ipc: IpcRecord[];
  /** Events main sent to the page. */
  readonly events: Array<{ name: string; payload: unknown }>;
  /** Requests to anything but the app's origin (all aborted). */
  readonly blockedRequests: string[];
  /** Console errors and page errors (a CSP violation shows up here). */
  readonly pageErrors: string[];
  load(): Promise<void>;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.wasm': 'application/wasm',
  '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export async function startApp(options: StartOptions = {}): Promise<AppHarness> {
  if (options.secretStore === undefined && process.env['AUTHDESK_IN_KEYRING_SESSION'] !== '1') {
    throw new Error('The e2e harness uses the real keychain: run under scripts/with-keyring.sh (npm test does).');
  }
  const [dist, preload] = await Promise.all([buildRenderer(), pagePreload()]);
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'authdesk-e2e-'));
  // As main opens it: reconciliation in the background (a keychain-wide list must not hold up the
  // window, and parallel test files deleting their items must not fail this one's start).
  const vault = await openVault({ dataDir, reconcile: 'background', ...(options.secretStore ? { secretStore: options.secretStore } : {}) });
  const clipboard = recordingClipboard();
  const events: Array<{ name: string; payload: unknown }> = [];
  const deliverName = `__authdeskDeliver_${Math.random().toString(36).slice(2)}`;
  const pageRef: { current?: Page } = {};
  /** What Electron's webContents.send does: deliver to the page's `authdesk.on` listeners. */
  const emitToPage = (name: string, payload: unknown): void => {
    events.push({ name, payload });
    void pageRef.current
      ?.evaluate(([fn, channel, value]) => (globalThis as unknown as Record<string, (c: string, v: unknown) => void>)[fn as string]?.(channel as string, value), [deliverName, eventChannel(name), payload] as const)
      .catch(() => undefined);
  };
  const services = await createAppServices({
    vault,
    clipboard,
    appInfo: { version: '0.0.0-e2e', platform: 'linux' },
    ...(options.timers ? { timers: options.timers } : {}),
    dataDir,
    ...(options.scan ? { scan: options.scan } : {}),
    ...(options.time ? { time: options.time } : {}),
    ...(options.aws ? { aws: options.aws } : {}),
    ...(options.systemAuth ? { systemAuth: options.systemAuth } : {}),
    ...(options.backupDialogs ? { backupDialogs: options.backupDialogs } : {}),
    events: { emit: (name, payload) => emitToPage(name, payload) },
    onInternalError: (channel, error) => console.error(`[e2e main] ${channel}`, error),
  });
  if (options.beforeLoad) await options.beforeLoad(vault, services);
  // As main does: the CLI (or any other process) editing vault.json refreshes the window.
  const stopWatch = watchVault(dataDir, () => emitToPage('accounts.changed', { source: 'external' }));

  const browser = options.browser ?? (await launchBrowser(options.chromiumArgs));
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 440, height: 680 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'no-preference',
    serviceWorkers: 'block',
  });
  // A hang catcher, not a speed target: on 2 busy cores a click that waits for scrypt, a keychain
  // write or a QR search can take many seconds. Inside vitest's test limit, so a stuck locator
  // still fails with its own message (vitest.config.ts).
  context.setDefaultTimeout(120_000);
  const blockedRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== APP_ORIGIN) {
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    }
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(dist, `.${relative}`);
    if (!file.startsWith(dist + path.sep) || !existsSync(file) || !statSync(file).isFile()) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' } });
  });

  const ipc: IpcRecord[] = [];
  const dispatch = services.dispatch(appOriginCheck(`${APP_ORIGIN}/`));
  const thePage = await context.newPage();
  pageRef.current = thePage;
  await context.exposeBinding('__authdeskInvoke', async (source, channel: unknown, payload: unknown) => {
    const sender = { url: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() };
    const result = await dispatch(channel as string, sender, payload);
    ipc.push({ channel: String(channel), payload, result });
    return result;
  });
  await context.addInitScript({ content: preload.replace('__AUTHDESK_DELIVER__', JSON.stringify(deliverName)) });
  if (options.initScript) await context.addInitScript({ content: options.initScript });
  thePage.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  thePage.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });

  const load = async () => {
    await thePage.goto(APP_URL);
    await thePage.waitForSelector('.app, .lock, .fatal');
  };
  if (!options.noLoad) await load();

  return {
    browser, context, page: thePage, vault, services, clipboard, dataDir, ipc, events, blockedRequests, pageErrors, load,
    emit: (name, payload) => emitToPage(name, payload),
    async close() {
      stopWatch();
      services.dispose();
      await context.close().catch(() => undefined);
      if (!options.browser) await browser.close().catch(() => undefined);
      if (ownDir) {
        // Remove this vault's keychain items, then the data dir.
        for (const account of await vault.list().catch(() => [])) await vault.remove(account.id).catch(() => undefined);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The code a row shows, digits only, read while at least 3 s of its period are left (and so after
 * its code has arrived: the seconds stay empty until then), so an oracle asked at Date.now() right
 * after is asked about the same time step.
 */
export async function rowCode(page: Page, name: string | RegExp): Promise<string> {
  const row = page.getByRole('option', { name: typeof name === 'string' ? new RegExp(name) : name });
  for (;;) {
    const seconds = Number(await row.locator('.row__seconds').textContent());
    if (seconds >= 3) break;
    await page.waitForTimeout(500);
  }
  return ((await row.locator('.code').textContent()) ?? '').replace(/\s/g, '');
}
