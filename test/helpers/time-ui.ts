/**
 * The time area's UI in Debian's Chromium with REAL main-side handlers: the e2e harness's renderer
 * build and browser (test/e2e/harness.ts), the standard handlers (createAppServices) over a real
 * vault, and the time area served by the real createTimeService (real measurement, e.g. chrony).
 *
 * Why not startApp(): its page preload is built from electron/ipc/contract.ts `areas`, which gets
 * the `time` line from the IPC owner (docs/time.md "Hooks"); until then this helper builds the same
 * preload plus `time`. The renderer cannot tell the difference.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { toUserFacing } from '../../core/errors.js';
import type { VaultApi } from '../../core/vault/api.js';
import { openVault } from '../../node/open-vault.js';
import { eventChannel } from '../../electron/ipc/contract.js';
import { time as timeArea } from '../../electron/ipc/channels/time.js';
import { appOriginCheck } from '../../electron/main/handlers/dispatch.js';
import { createAppServices, type AppServices } from '../../electron/main/handlers/index.js';
import { createTimeService, type TimeService, type TimeServiceDeps } from '../../electron/main/handlers/time.js';
import { APP_ORIGIN, APP_URL, buildRenderer, launchBrowser, recordingClipboard } from '../e2e/harness.js';
import { ROOT } from './cli.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.png': 'image/png', '.wasm': 'application/wasm' };

let preloadSource: Promise<string> | undefined;
function preload(): Promise<string> {
  preloadSource ??= build({
    absWorkingDir: ROOT, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent',
    stdin: {
      resolveDir: ROOT, sourcefile: 'time-ui-preload.ts', loader: 'ts',
      contents: `
        import { buildAuthdeskApi } from './electron/preload/api.ts';
        const invoke = globalThis.__authdeskInvoke;
        const listeners = new Map();
        Object.defineProperty(globalThis, '__authdeskDeliver', { value: (channel, payload) => { for (const l of [...(listeners.get(channel) ?? [])]) l(payload); } });
        const subscribe = (channel, listener) => { const set = listeners.get(channel) ?? new Set(); set.add(listener); listeners.set(channel, set); return () => set.delete(listener); };
        const base = buildAuthdeskApi({ invoke: (c, p) => invoke(c, p), subscribe });
        const time = Object.freeze({
          status: () => invoke('authdesk:time.status', undefined),
          sync: (r) => invoke('authdesk:time.sync', r),
          setStepAdjust: (r) => invoke('authdesk:time.setStepAdjust', r),
        });
        const api = Object.freeze({ ...base, time, on: (name, listener) => name === 'time.changed' ? subscribe('authdesk:event:time.changed', listener) : base.on(name, listener) });
        Object.defineProperty(globalThis, 'authdesk', { value: api, enumerable: true, writable: false, configurable: false });
      `,
    },
  }).then((r) => r.outputFiles[0]?.text ?? '');
  return preloadSource;
}

export interface TimeUi {
  readonly page: Page;
  readonly vault: VaultApi;
  readonly services: AppServices;
  readonly time: TimeService;
  readonly pageErrors: string[];
  readonly blockedRequests: string[];
  close(): Promise<void>;
}

export async function startTimeUi(options: { time: Omit<TimeServiceDeps, 'vault' | 'onChange' | 'onAccountChanged'>; beforeLoad?: (vault: VaultApi) => Promise<void>; browser?: Browser }): Promise<TimeUi> {
  if (process.env['AUTHDESK_IN_KEYRING_SESSION'] !== '1') throw new Error('Uses the real keychain: run under scripts/with-keyring.sh.');
  const [dist, script] = await Promise.all([buildRenderer(), preload()]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'authdesk-time-ui-'));
  const vault = await openVault({ dataDir });
  const pageRef: { current?: Page } = {};
  const emit = (name: string, payload: unknown) => void pageRef.current?.evaluate(([c, v]) => (globalThis as unknown as { __authdeskDeliver(c: string, v: unknown): void }).__authdeskDeliver(c as string, v), [eventChannel(name), payload] as const).catch(() => undefined);
  const services = await createAppServices({ vault, clipboard: recordingClipboard(), appInfo: { version: '0.0.0-time', platform: 'linux' }, events: { emit } });
  const time = createTimeService({ ...options.time, vault, onChange: (s) => emit('time.changed', s), onAccountChanged: () => emit('accounts.changed', { source: 'app' }) });
  if (options.beforeLoad) await options.beforeLoad(vault);
  const browser = options.browser ?? (await launchBrowser());
  const context: BrowserContext = await browser.newContext({ viewport: { width: 480, height: 720 }, serviceWorkers: 'block' });
  const blockedRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== APP_ORIGIN) {
      blockedRequests.push(url.href);
      return route.abort('blockedbyclient');
    }
    const file = path.resolve(dist, `.${decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)}`);
    if (!file.startsWith(dist + path.sep) || !existsSync(file) || !statSync(file).isFile()) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' } });
  });
  const dispatch = services.dispatch(appOriginCheck(`${APP_ORIGIN}/`));
  await context.exposeBinding('__authdeskInvoke', async (source, channel: string, payload: unknown) => {
    const sender = { url: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() };
    if (!channel.startsWith('authdesk:time.')) return dispatch(channel, sender, payload);
    // The dispatcher's checks, for the time area: trusted sender, schema, then the handler.
    if (!appOriginCheck(`${APP_ORIGIN}/`)(sender)) return { ok: false, error: { code: 'IPC_FORBIDDEN_SENDER', domain: 'input', message: 'forbidden' } };
    const action = channel.slice('authdesk:time.'.length) as keyof typeof timeArea.channels;
    const spec = timeArea.channels[action];
    try {
      const request = spec.request.parse(payload, 'request') as never;
      return { ok: true, value: await (time.handlers[action] as (r: never) => unknown)(request) };
    } catch (error) {
      return { ok: false, error: toUserFacing(error) };
    }
  });
  await context.addInitScript({ content: script });
  const page = await context.newPage();
  pageRef.current = page;
  page.setDefaultTimeout(5_000);
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  await page.goto(APP_URL);
  await page.waitForSelector('.app, .lock, .fatal');
  return {
    page, vault, services, time, pageErrors, blockedRequests,
    async close() {
      time.dispose();
      services.dispose();
      await context.close().catch(() => undefined);
      if (!options.browser) await browser.close().catch(() => undefined);
      for (const account of await vault.list().catch(() => [])) await vault.remove(account.id).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
