/**
 * Power bench (issue 12 §2): how much CPU the account list costs while it sits on screen, and how
 * often it wakes up while nobody can see it. The BUILT renderer in Debian's Chromium, through the
 * real dispatcher and handlers (test/e2e/harness.ts), 20 accounts, seeds in memory.
 *
 * CPU share = CPU time (user + system, from /proc) of EVERY process of the browser (browser, GPU,
 * renderer, utility) over a 30 s window, divided by 30 s: what a person's fan and battery see,
 * including style, layout, paint and compositing, not just JavaScript. Measured four ways in the
 * same run, one after another in the same browser:
 *   static   a static page of 20 rows of text (the floor: what Chromium costs doing nothing)
 *   ticking  the same page changing ONE text node a second (the floor of any once-a-second clock:
 *            Chromium's fixed cost of producing a frame a second, whatever the frame holds)
 *   visible  the app with 20 accounts on screen, focused (the person is using it)
 *   glance   the same app on screen while another window is focused (how it sits all day): the
 *            clock steps every 5 s and every second only in the last 5 s of a code
 *   hidden   the same app after main says its window is hidden (tray, minimised, screen locked)
 * Wake-ups while hidden: timer, interval and animation-frame callbacks that ran in the page,
 * counted by wrappers installed before the app's scripts (an init script), per second.
 * Targets: on screen ≤ 1.5 % of one core (checked for both); hidden: 0 wake-ups per second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { benchAccounts, memorySecretStore } from './_ui-fixtures.js';
import { CHROMIUM_ARGS, startApp } from '../test/e2e/harness.js';

const ACCOUNTS = 20;
const WINDOW_MS = 30_000;
const TARGET_VISIBLE_PERCENT = 1.5;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch {
      /* exited */
    }
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) for (const [pid, ppid] of parents) if (ppid === all[i]) all.push(pid);
  return all;
}

/** User + system CPU seconds of the browser and all its children (live ones: children reaped
 * during the window count in their parent's cutime/cstime, added too). */
function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of descendants(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      /* exited */
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

async function share(root: number, wait: (ms: number) => Promise<void>): Promise<number> {
  const start = cpuSeconds(root);
  const startedAt = performance.now();
  await wait(WINDOW_MS);
  const seconds = (performance.now() - startedAt) / 1000;
  return ((cpuSeconds(root) - start) / seconds) * 100;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Counts every timer / interval / animation-frame callback the page runs.
const WAKEUP_COUNTER = `
(() => {
  const count = { n: 0 };
  globalThis.__AUTHDESK_WAKEUPS__ = count;
  const wrap = (name) => {
    const original = globalThis[name].bind(globalThis);
    globalThis[name] = (fn, ...rest) => original(typeof fn === 'function' ? (...args) => { count.n++; return fn(...args); } : fn, ...rest);
  };
  wrap('setTimeout'); wrap('setInterval'); wrap('requestAnimationFrame');
})();`;

const STATIC_PAGE = `<!doctype html><meta charset="utf-8"><title>static</title><body style="font: 14px sans-serif">${Array.from({ length: ACCOUNTS }, (_, i) => `<div style="display:flex;gap:12px;padding:12px;border-bottom:1px solid #ddd"><b>Issuer ${i}</b><span>user${i}@example.com</span><span style="font-size:24px">123 456</span></div>`).join('')}</body>`;
// The same page with one text node changed on each whole second (as the app's clock ticks).
const TICKING_PAGE = STATIC_PAGE.replace('<span style="font-size:24px">123 456</span>', '<span style="font-size:24px" id="t">30</span>').replace('</body>', `<script>
  const t = document.getElementById('t').firstChild;
  const tick = () => { t.data = String(30 - (Math.floor(Date.now() / 1000) % 30)); setTimeout(tick, 1005 - (Date.now() % 1000)); };
  tick();
</script></body>`);

const memory = memorySecretStore();
// A mix of periods, so rows roll over at different seconds, as a real list does.
const inputs = benchAccounts(ACCOUNTS, (i) => (i % 4 === 3 ? 60 : 30));

const server = await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS] });
const browserPid = server.process().pid;
if (!browserPid) throw new Error('no browser process');
const browser = await chromium.connect(server.wsEndpoint());
try {
  /** The browser's CPU share while one page of `html` is open (after 2 s to settle). */
  const shareOfPage = async (html: string) => {
    const context = await browser.newContext({ viewport: { width: 440, height: 1700 } });
    const page = await context.newPage();
    await page.setContent(html);
    await sleep(2000);
    const measured = await share(browserPid, sleep);
    await context.close();
    return measured;
  };
  // 1. The floor: a static page alone.
  const staticShare = await shareOfPage(STATIC_PAGE);
  // 2. The floor of a once-a-second clock: the static page changing one text node a second.
  const tickingShare = await shareOfPage(TICKING_PAGE);

  // 3. The app with 20 accounts on screen.
  const app = await startApp({ browser, secretStore: memory, viewport: { width: 440, height: 1700 }, initScript: WAKEUP_COUNTER, beforeLoad: async (vault) => void (await vault.addMany(inputs)) });
  try {
    const { page } = app;
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return d.querySelectorAll('.row').length > 0 && d.querySelectorAll('.row .code--placeholder').length === 0;
    });
    const rows = (await page.evaluate('document.querySelectorAll(".row").length')) as number;
    await sleep(2000);
    const wakeups = async () => (await page.evaluate('globalThis.__AUTHDESK_WAKEUPS__.n')) as number;
    const visibleWakeStart = await wakeups();
    const visibleShare = await share(browserPid, sleep);
    const visibleWakeups = ((await wakeups()) - visibleWakeStart) / (WINDOW_MS / 1000);

    // 4. Glanced at: on screen, another window has the keyboard (main's 'blur').
    app.emit('app.presence', { visible: true, focused: false });
    await sleep(2000);
    const glanceWakeStart = await wakeups();
    const glanceShare = await share(browserPid, sleep);
    const glanceWakeups = ((await wakeups()) - glanceWakeStart) / (WINDOW_MS / 1000);

    // 5. Hidden: main tells the window it cannot be seen, as it does on hide/minimise/screen lock.
    app.emit('app.presence', { visible: false, focused: false });
    await sleep(2000);
    const hiddenWakeStart = await wakeups();
    const hiddenShare = await share(browserPid, sleep);
    const hiddenWakeups = ((await wakeups()) - hiddenWakeStart) / (WINDOW_MS / 1000);

    // Shown again: the codes must be right at once (fetched fresh), not a minute old.
    app.emit('app.presence', { visible: true, focused: true });
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return d.querySelectorAll('.row .code--placeholder').length === 0;
    });

    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (CPU time, not wall time: load affects it little)`);
    console.log(`rows on screen: ${rows}; window: ${WINDOW_MS / 1000} s each, all Chromium processes (browser, GPU, renderer, utility)`);
    console.log(`static page (floor):       ${staticShare.toFixed(2)} % of one core`);
    console.log(`static page, 1 text/s:     ${tickingShare.toFixed(2)} % of one core (${(tickingShare - staticShare).toFixed(2)} % above the static page: Chromium's cost of one frame a second)`);
    console.log(`app, 20 accounts, focused: ${visibleShare.toFixed(2)} % of one core (${(visibleShare - staticShare).toFixed(2)} % above the static page, ${(visibleShare - tickingShare).toFixed(2)} % above 1 text/s), ${visibleWakeups.toFixed(1)} wake-ups/s  target ≤ ${TARGET_VISIBLE_PERCENT} %  ${visibleShare <= TARGET_VISIBLE_PERCENT ? 'PASS' : 'MISS'}`);
    console.log(`app, 20 accounts, glanced: ${glanceShare.toFixed(2)} % of one core (${(glanceShare - staticShare).toFixed(2)} % above the static page), ${glanceWakeups.toFixed(1)} wake-ups/s  target ≤ ${TARGET_VISIBLE_PERCENT} %  ${glanceShare <= TARGET_VISIBLE_PERCENT ? 'PASS' : 'MISS'}`);
    console.log(`app, window hidden:        ${hiddenShare.toFixed(2)} % of one core, ${hiddenWakeups.toFixed(2)} wake-ups/s  target 0 wake-ups/s  ${hiddenWakeups === 0 ? 'PASS' : 'MISS'}`);
  } finally {
    await app.close();
  }
} finally {
  await browser.close();
  await server.close();
}
