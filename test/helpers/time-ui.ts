/**
 * The app in Chromium with the clock service under test control (a measurement function, timers,
 * no HTTPS fallback): the standard e2e harness (test/e2e/harness.ts) with its `time` option, and the
 * TimeService at hand so a test decides when the app measures.
 */
import type { Browser } from 'playwright-core';
import type { VaultApi } from '../../core/vault/api.js';
import type { TimeService, TimeServiceDeps } from '../../electron/main/handlers/time.js';
import { startApp, type AppHarness } from '../e2e/harness.js';

export type TimeUi = AppHarness & { readonly time: TimeService };

export async function startTimeUi(options: { time: Omit<TimeServiceDeps, 'vault' | 'onChange' | 'onAccountChanged'>; beforeLoad?: (vault: VaultApi) => Promise<void>; browser?: Browser }): Promise<TimeUi> {
  const { beforeLoad, browser } = options;
  const app = await startApp({
    time: options.time,
    viewport: { width: 480, height: 720 },
    ...(beforeLoad ? { beforeLoad: (vault: VaultApi) => beforeLoad(vault) } : {}),
    ...(browser ? { browser } : {}),
  });
  return Object.assign(app, { time: app.services.time });
}
