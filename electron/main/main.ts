/**
 * Electron's main process: the thin glue between Electron and the unit-tested policy modules beside it.
 * Every decision lives elsewhere (security.ts, app-protocol.ts, tray-menu.ts, tray-controller.ts,
 * idle-lock.ts, login-item.ts, window-policy.ts, startup-error.ts); this file only wires them into
 * Electron's hooks, in the order Electron requires. docs/SECURITY.md maps each checklist item here.
 *
 * Bundled by scripts/build.mjs to dist/main/main.cjs (CJS, electron and dependencies external).
 */
import {
  app,
  BrowserWindow,
  clipboard,
  desktopCapturer,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  powerMonitor,
  protocol,
  screen,
  session,
  systemPreferences,
  Tray,
  type Session,
  type WebContents,
} from 'electron';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { VaultApi } from '../../core/vault/api.js';
import type { Settings } from '../../core/vault/model.js';
import { defaultDataDir, PRODUCT_NAME } from '../../node/data-dir.js';
import { openVault } from '../../node/open-vault.js';
import type { EventName, EventPayload } from '../ipc/contract.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { isCameraAllowed } from './camera-gate.js';
import { bridgeAsyncClipboard } from './clipboard-bridge.js';
import { appOriginCheck } from './handlers/dispatch.js';
import { createCliToolDeps } from './cli-tool.js';
import { createAppServices, type AppServices } from './handlers/index.js';
import { createEventSink, registerIpc, type EventSink } from './handlers/register.js';
import { watchVault } from './handlers/vault-watch.js';
import { powerActions, startIdleWatcher, type LockSettings, type PowerEvent } from './idle-lock.js';
import { loginItemPlan, startedHidden } from './login-item.js';
import { createPresenceTracker, type PresenceTracker } from './presence.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  forbiddenSwitches,
  isNavigationAllowed,
  isPermissionGranted,
  isRequestAllowed,
  secureWebPreferences,
  windowOpenDecision,
} from './security.js';
import { createElectronScanDeps } from './scan-wiring.js';
import { createSystemAuth } from './system-auth.js';
import { IMPORT_DIALOG_OPTIONS, type SaveDialogOptions } from './handlers/backup.js';
import { scanImageBytes } from '../../node/qr/scan.js';
import { onBeforeQuit, onResume, runQuitHooks, runResumeHooks } from './shell-hooks.js';
import { RETRY_BUTTON, startupErrorDialog } from './startup-error.js';
import { copyCodeFromTray, createTrayController, type TrayController } from './tray-controller.js';
import { toMenuTemplate, type TrayAction } from './tray-menu.js';
import { applicationMenuTemplate, closeBehavior, DEFAULT_SHOW_SHORTCUT, revealWindow } from './window-policy.js';
import { createPromptController, promptBounds, promptWindowOptions } from './release-prompt.js';

const dev = !app.isPackaged;
/** Longest a quit waits for the clipboard clear and quit hooks. */
const QUIT_CLEANUP_MS = 1500;
const log = (...args: unknown[]) => console.error('[authdesk]', ...args);

let win: BrowserWindow | null = null;
/** Can the person see the window, and is it theirs to type in? The renderer pauses every timer
 * while it cannot be seen and calms its clock while it is not focused (presence.ts). */
let presence: PresenceTracker | null = null;
let tray: Tray | null = null;
let quitting = false;
/** The vault is open and IPC is registered: only then may a window be created. */
let started = false;
// One definition of the data directory (node/data-dir.ts, honouring AUTHDESK_DATA_DIR) for the app and
// the CLI; Chromium's own profile data goes in a subfolder so the vault folder stays readable.
const dataDir = defaultDataDir();

// ---- Before ready: refuse every switch not on the allowlist (security.ts), name the app, place its data, claim the single instance.

const badSwitches = dev ? [] : forbiddenSwitches(process.argv, process.platform);
if (badSwitches.length > 0) {
  dialog.showErrorBox('Authdesk did not start', `Authdesk does not run with these switches (${badSwitches.map((s) => `--${s}`).join(', ')}): switches can let other programs read your codes or run code inside Authdesk. Start it without them.`);
  app.exit(1);
} else {
  boot();
}

function boot(): void {
  app.setName(PRODUCT_NAME);
  app.setPath('userData', dataDir);
  app.setPath('sessionData', path.join(dataDir, 'Chromium'));
  if (process.platform === 'win32') app.setAppUserModelId('dev.authdesk.app');

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    // Before start() finishes (vault still opening, or its error dialog showing) there is nothing to show yet.
    if (!revealWindow(win) && started) win = createWindow(false);
  });
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('before-quit', () => {
    quitting = true;
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // Never a half-started app with no window: say so (no stack) and leave.
      log('startup failed', error);
      const dialogText = startupErrorDialog(error, process.platform);
      dialog.showErrorBox(dialogText.title, dialogText.detail);
      app.exit(1);
    });
}

/** Every WebContents (the window, DevTools, anything unexpected) gets the same guards. */
function guardContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
  const guard = (event: { url: string; preventDefault(): void }) => {
    if (!isNavigationAllowed(event.url, { dev })) {
      event.preventDefault();
      log('blocked navigation to', event.url);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', guard);
}

function hardenSession(ses: Session): void {
  const root = path.join(app.getAppPath(), 'dist', 'renderer');
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root }));
  ses.setSpellCheckerEnabled(false);
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details && Array.isArray(details.mediaTypes) ? details.mediaTypes : [];
    const granted = isPermissionGranted(
      { permission, mediaTypes, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame, fromAppWindow: win !== null && contents === win.webContents },
      isCameraAllowed(),
    );
    if (!granted) log('denied permission', permission);
    callback(granted);
  });
  ses.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    isPermissionGranted(
      {
        permission,
        mediaTypes: details.mediaType ? [details.mediaType] : [],
        requestingUrl: details.requestingUrl ?? requestingOrigin,
        isMainFrame: details.isMainFrame,
        fromAppWindow: win !== null && contents === win.webContents,
      },
      isCameraAllowed(),
    ),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRequestAllowed(details.url, { dev });
    if (!allowed) log('blocked request to', details.url);
    callback({ cancel: !allowed });
  });
}

async function openVaultOrExplain(): Promise<VaultApi | null> {
  for (;;) {
    try {
      return await openVault({ dataDir, reconcile: 'background' });
    } catch (error) {
      log('could not open the vault', error);
      const { response } = await dialog.showMessageBox(startupErrorDialog(error, process.platform));
      if (response !== RETRY_BUTTON) return null;
    }
  }
}

function createWindow(hidden: boolean): BrowserWindow {
  const window = new BrowserWindow({
    width: 440,
    height: 680,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title: PRODUCT_NAME,
    // The page's --bg (renderer/src/styles.css), so the first frame before the page paints does not flash.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0e1014' : '#f4f5f7',
    autoHideMenuBar: true,
    ...(process.platform === 'linux' ? { icon: path.join(app.getAppPath(), 'assets', 'icon.png') } : {}),
    webPreferences: {
      ...secureWebPreferences({ preload: path.join(app.getAppPath(), 'dist', 'preload', 'preload.cjs'), devTools: dev }),
      // Restated as literals so static checkers (scripts/electronegativity.mjs) can see them; the
      // builder above is the tested source and these can only agree with it.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  // Screen sharing and screenshots show a black window instead of codes (macOS, Windows; no-op on Linux).
  window.setContentProtection(true);
  window.once('ready-to-show', () => {
    if (!hidden) window.show();
  });
  window.on('show', () => presence?.note('window-shown'));
  window.on('hide', () => presence?.note('window-hidden'));
  window.on('minimize', () => presence?.note('window-minimised'));
  window.on('restore', () => presence?.note('window-restored'));
  window.on('focus', () => presence?.note('window-focused'));
  window.on('blur', () => presence?.note('window-blurred'));
  window.on('close', (event) => {
    if (closeBehavior(process.platform, tray !== null, quitting) === 'hide') {
      event.preventDefault();
      window.hide();
    }
  });
  window.on('closed', () => {
    if (win === window) win = null;
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    log('renderer gone', details.reason);
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) window.reload();
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

async function applyLoginItem(enabled: boolean): Promise<void> {
  const plan = loginItemPlan(enabled, {
    platform: process.platform,
    execPath: process.execPath,
    appImage: process.env['APPIMAGE'],
    configHome: process.env['XDG_CONFIG_HOME']?.startsWith('/') ? process.env['XDG_CONFIG_HOME'] : path.join(homedir(), '.config'),
    packaged: app.isPackaged,
  });
  if (plan.kind === 'electron') app.setLoginItemSettings(plan.settings);
  else if (plan.kind === 'xdg-autostart') {
    if (plan.contents === null) await rm(plan.file, { force: true });
    else {
      await mkdir(path.dirname(plan.file), { recursive: true });
      await writeFile(plan.file, plan.contents, { mode: 0o644 });
    }
  } else if (enabled) log(plan.reason);
}

function applyTheme(theme: Settings['theme']): void {
  nativeTheme.themeSource = theme;
}

function createTray(services: AppServices, vault: VaultApi): TrayController | null {
  const icon =
    process.platform === 'darwin'
      ? nativeImage.createFromPath(path.join(app.getAppPath(), 'assets', 'tray', 'trayTemplate.png'))
      : nativeImage.createFromPath(path.join(app.getAppPath(), 'assets', 'tray', 'tray.png'));
  if (process.platform === 'darwin') icon.setTemplateImage(true);
  try {
    tray = new Tray(icon);
  } catch (error) {
    log('no tray available', error);
    return null;
  }
  tray.setToolTip(PRODUCT_NAME);
  const show = () => {
    if (!revealWindow(win)) win = createWindow(false);
  };
  // Windows: a left click opens the window, the menu is on the right click. Elsewhere, the menu.
  if (process.platform === 'win32') tray.on('click', show);

  const run = (action: TrayAction): void => {
    switch (action.kind) {
      case 'open':
        show();
        return;
      case 'lock':
        services.lock.lock('user');
        return;
      case 'quit':
        app.quit();
        return;
      case 'copy':
        copyCodeFromTray(action.accountId, {
          isLocked: () => services.lock.isLocked(),
          getAccount: (id) => vault.get(id),
          nextHotp: async (request) => services.handlers.codes.nextHotp(request),
          copyCode: async (request) => services.handlers.clipboard.copyCode(request),
          now: () => Date.now(),
        }).then(
          (result) => {
            if (Notification.isSupported()) new Notification({ title: result.title, body: result.body, silent: true }).show();
          },
          (error: unknown) => {
            log('tray copy failed', error);
            if (Notification.isSupported()) new Notification({ title: 'Could not copy the code', body: 'Open Authdesk to see what went wrong.', silent: true }).show();
          },
        );
        return;
    }
  };

  const controller = createTrayController({
    platform: process.platform,
    listAccounts: () => vault.list(),
    lockState: () => services.lock.state(),
    setMenu: (entries) => tray?.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(entries, run))),
    onError: (error) => log('tray menu', error),
  });
  void controller.refresh();
  return controller;
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  const template = applicationMenuTemplate(process.platform, dev);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);

  const vault = await openVaultOrExplain();
  if (!vault) {
    app.quit();
    return;
  }
  let settings: LockSettings & Pick<Settings, 'startAtLogin' | 'theme'> = await vault.settings();
  applyTheme(settings.theme);

  // Events go to the window; the shell also listens to keep the tray and its settings copy current.
  let trayController: TrayController | null = null;
  // The approval prompt (release-prompt.ts): its own small window, so it works from the tray.
  const prompt = createPromptController({
    create() {
      const window = new BrowserWindow(promptWindowOptions(promptBounds(screen.getPrimaryDisplay().workArea), {
        ...secureWebPreferences({ preload: path.join(app.getAppPath(), 'dist', 'preload', 'preload.cjs'), devTools: dev }),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        disableBlinkFeatures: 'Auxclick',
      }));
      window.setContentProtection(true);
      window.setVisibleOnAllWorkspaces(true);
      // The person closing the prompt is a "no" to what it shows (destroy() on an empty list skips this).
      window.on('close', () => {
        for (const request of services.release.service.pending()) {
          try {
            services.release.service.answer(request.id, { choice: 'deny' });
          } catch {
            // answered or expired meanwhile
          }
        }
      });
      void window.loadURL(`${APP_ENTRY_URL}#release-prompt`);
      return window;
    },
  });
  const windowEvents = createEventSink(() => [...(win && !win.isDestroyed() ? [win.webContents] : []), ...prompt.webContents()]);
  const events: EventSink = {
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      windowEvents.emit(name, payload);
      if (name === 'release.pending') prompt.update((payload as EventPayload<'release.pending'>).length);
      if (name === 'accounts.changed' || name === 'lock.changed' || name === 'settings.changed') void trayController?.refresh();
    },
  };

  const clipboardPort = bridgeAsyncClipboard(clipboard, (error) => log('clipboard', error));
  // The scan area's OS side (scan-wiring.ts). Passed as `scan` for createAppServices to hand to
  // createScanHandlers; through a variable, so this compiles before HandlerDeps has the field.
  const scanWiring = createElectronScanDeps({ desktopCapturer, screen, systemPreferences, dialog, clipboard, platform: process.platform, appPath: app.getAppPath(), getWindow: () => win });
  const deps = {
    vault,
    events,
    clipboard: clipboardPort,
    scan: scanWiring.deps,
    dataDir,
    backupDialogs: {
      chooseImportFiles: async () => (win ? (await dialog.showOpenDialog(win, { ...IMPORT_DIALOG_OPTIONS, properties: [...IMPORT_DIALOG_OPTIONS.properties] })).filePaths : undefined),
      chooseExportPath: async (options: SaveDialogOptions) => (win ? (await dialog.showSaveDialog(win, { ...options, filters: options.filters.map((f) => ({ ...f, extensions: [...f.extensions] })) })).filePath : undefined),
    },
    // QR images inside imports decode in the QR worker, like scans, never on the main thread.
    readImage: async (bytes: Uint8Array) => (await scanImageBytes(bytes, { decode: scanWiring.deps.decode })).map((found) => found.text),
    appInfo: { version: app.getVersion(), platform: process.platform === 'darwin' || process.platform === 'win32' || process.platform === 'linux' ? process.platform : 'other' } as const,
    onSettingsChanged: (next: Settings) => {
      const loginChanged = next.startAtLogin !== settings.startAtLogin;
      if (next.theme !== settings.theme) applyTheme(next.theme);
      settings = next;
      if (loginChanged) applyLoginItem(next.startAtLogin).catch((error: unknown) => log('start at login', error));
    },
    onInternalError: (channel: string, error: unknown) => log('IPC', channel, error),
    // "Use with the AWS CLI…" and "Install the command-line tool" (cli-tool.ts, docs/packaging.md).
    aws: createCliToolDeps(app),
  };
  // "Unlock with Touch ID": macOS only (Electron has no Windows Hello or polkit API; docs/SECURITY.md).
  const systemAuth = createSystemAuth(process.platform, systemPreferences, (error) => log('Touch ID', error));
  const services = await createAppServices(systemAuth ? { ...deps, systemAuth } : deps);
  // The clock service (docs/time.md): measure after start, on resume from sleep, and every few hours.
  onResume(() => services.time.resume());
  onBeforeQuit(() => scanWiring.close());
  // A change made just before quitting still gets its automatic backup.
  onBeforeQuit(() => services.backup.flush());
  const unregisterIpc = registerIpc(ipcMain, services.dispatch(appOriginCheck(APP_ENTRY_URL)));
  // The local channel the CLI asks for approvals on (docs/approvals.md). Without it (another instance
  // already answers, an unsafe folder), "Ask" accounts say "the app is not running" in the CLI.
  const releaseChannel = await services.release.startChannel({}).catch((error: unknown) => {
    log('approval channel', error);
    return null;
  });
  const stopWatch = watchVault(dataDir, () => events.emit('accounts.changed', { source: 'external' }));
  // Keep the login item in step with the setting (the AppImage may have moved since it was written).
  if (settings.startAtLogin) applyLoginItem(true).catch((error: unknown) => log('start at login', error));

  started = true;
  const hidden = startedHidden(process.argv, process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  presence = createPresenceTracker({ shown: !hidden }, (now) => events.emit('app.presence', now));
  win = createWindow(hidden);
  trayController = createTray(services, vault);
  // Read by `npm run test:electron` (test/electron/shell.test.ts) from the main process; holds no
  // secret and is unreachable from the page (context isolation, no Node in the renderer).
  Reflect.set(globalThis, Symbol.for('authdesk.shell'), { trayExists: () => tray !== null && !tray.isDestroyed() });
  services.time.start();

  if (!globalShortcut.register(DEFAULT_SHOW_SHORTCUT, () => {
    if (!revealWindow(win)) win = createWindow(false);
    events.emit('app.focusSearch', {});
  })) {
    log(`the shortcut ${DEFAULT_SHOW_SHORTCUT} is taken by another application`);
  }

  const onPower = (event: PowerEvent) => {
    for (const action of powerActions(event, settings)) {
      if (action === 'lock') services.lock.lock(event === 'suspend' ? 'suspend' : 'screen-lock');
      else void runResumeHooks((error) => log('resume hook', error));
    }
  };
  powerMonitor.on('resume', () => {
    presence?.note('resumed');
    onPower('resume');
  });
  powerMonitor.on('suspend', () => {
    presence?.note('suspended');
    onPower('suspend');
  });
  powerMonitor.on('lock-screen', () => {
    presence?.note('screen-locked');
    onPower('lock-screen');
  });
  powerMonitor.on('unlock-screen', () => presence?.note('screen-unlocked'));
  const idle = startIdleWatcher({
    getIdleSeconds: () => powerMonitor.getSystemIdleTime(),
    settings: () => settings,
    canLock: () => {
      const state = services.lock.state();
      return state.enabled && !state.locked;
    },
    lock: () => services.lock.lock('idle'),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  });

  app.on('activate', () => {
    if (!revealWindow(win)) win = createWindow(false);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || tray === null) app.quit();
  });
  // Quit waits (briefly) for the clipboard to be cleared if it still holds our code, and for quit hooks.
  let cleanedUp = false;
  app.on('will-quit', (event) => {
    if (cleanedUp) return;
    cleanedUp = true;
    event.preventDefault();
    globalShortcut.unregisterAll();
    idle.stop();
    stopWatch();
    unregisterIpc();
    services.dispose();
    prompt.close();
    void releaseChannel?.close();
    tray?.destroy();
    const cleanup = Promise.all([clipboardPort.settled(), runQuitHooks((error) => log('quit hook', error))]);
    const limit = new Promise((resolve) => setTimeout(resolve, QUIT_CLEANUP_MS));
    void Promise.race([cleanup, limit]).finally(() => app.quit());
  });
}
