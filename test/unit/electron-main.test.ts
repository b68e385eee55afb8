// The Electron glue itself (electron/main/main.ts), run in Node against a recording fake of the
// `electron` module (Electron's binary cannot run here) and a real Vault over in-memory port doubles.
// It checks the wiring the policy modules cannot: what is called before `ready`, which handlers are
// installed, that they enforce the policy, that the tray copies the code oathtool computes, and that a
// vault failure at startup becomes a dialog rather than a crash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { oathTotp, openTestVault, randomSecret } from '../helpers/vault-doubles.js';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      const wrapped: Listener = (...args) => {
        this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapped));
        return listener(...args);
      };
      return this.on(event, wrapped);
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
      return (this.listeners.get(event) ?? []).length > 0;
    }
  }

  function make() {
    const calls: string[] = [];
    let resolveReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const paths: Record<string, string> = {};
    const state = {
      appRoot: '',
      dialogResponse: 1,
      dialogs: [] as unknown[],
      errorBoxes: [] as unknown[],
      notifications: [] as Array<{ title: string; body: string }>,
      clipboardText: 'user data',
      idleSeconds: 0,
      quitCalls: 0,
      windows: [] as Array<InstanceType<typeof BrowserWindow>>,
      trays: [] as Array<InstanceType<typeof Tray>>,
      ipc: new Map<string, Listener>(),
      shortcuts: new Map<string, Listener>(),
      schemes: [] as unknown[],
      protocolHandlers: new Map<string, Listener>(),
      session: {} as Record<string, Listener>,
      loginItem: [] as unknown[],
    };
    const app = Object.assign(new Emitter(), {
      isPackaged: false,
      setName: (name: string) => calls.push(`setName:${name}`),
      setPath: (key: string, value: string) => {
        paths[key] = value;
        calls.push(`setPath:${key}`);
      },
      getPath: (key: string) => paths[key],
      setAppUserModelId: () => {},
      requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), true),
      enableSandbox: () => calls.push('enableSandbox'),
      whenReady: () => ready,
      exit: (code: number) => calls.push(`exit:${code}`),
      quit: () => {
        state.quitCalls++;
        calls.push('quit');
      },
      getAppPath: () => state.appRoot,
      getVersion: () => '0.1.0',
      getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
      setLoginItemSettings: (s: unknown) => state.loginItem.push(s),
    });
    class WebContents extends Emitter {
      readonly sent: Array<[string, unknown]> = [];
      readonly mainFrame = { url: 'app://authdesk/index.html', parent: null };
      windowOpenHandler: Listener | undefined;
      destroyed = false;
      send(channel: string, payload: unknown) {
        this.sent.push([channel, payload]);
      }
      isDestroyed() {
        return this.destroyed;
      }
      setWindowOpenHandler(handler: Listener) {
        this.windowOpenHandler = handler;
      }
    }
    class BrowserWindow extends Emitter {
      readonly webContents = new WebContents();
      readonly loaded: string[] = [];
      contentProtection: boolean | undefined;
      visible = false;
      constructor(readonly options: Record<string, unknown>) {
        super();
        state.windows.push(this);
        calls.push('BrowserWindow');
        // Electron announces every new WebContents on the app.
        app.emit('web-contents-created', {}, this.webContents);
      }
      setContentProtection(on: boolean) {
        this.contentProtection = on;
      }
      loadURL(url: string) {
        this.loaded.push(url);
        return Promise.resolve();
      }
      isDestroyed = () => false;
      isMinimized = () => false;
      isVisible = () => this.visible;
      restore = () => {};
      show = () => {
        this.visible = true;
      };
      hide = () => {
        this.visible = false;
      };
      focus = () => {};
      reload = () => {};
    }
    class Tray extends Emitter {
      menus: Array<{ template: Array<{ label?: string; click?: () => void; enabled?: boolean; type?: string }> }> = [];
      constructor(readonly image: unknown) {
        super();
        state.trays.push(this);
      }
      setToolTip() {}
      setContextMenu(menu: (typeof this.menus)[number]) {
        this.menus.push(menu);
      }
      destroy() {}
    }
    class Notification {
      static isSupported = () => true;
      constructor(readonly options: { title: string; body: string }) {}
      show() {
        state.notifications.push({ title: this.options.title, body: this.options.body });
      }
    }
    const module = {
      app,
      BrowserWindow,
      Tray,
      Notification,
      clipboard: {
        readText: async () => state.clipboardText,
        writeText: async (text: string) => {
          state.clipboardText = text;
        },
      },
      dialog: {
        showErrorBox: (...args: unknown[]) => state.errorBoxes.push(args),
        showMessageBox: async (options: unknown) => {
          state.dialogs.push(options);
          return { response: state.dialogResponse };
        },
      },
      globalShortcut: {
        register: (accelerator: string, fn: Listener) => (state.shortcuts.set(accelerator, fn), true),
        unregisterAll: () => state.shortcuts.clear(),
      },
      ipcMain: {
        handle: (channel: string, fn: Listener) => state.ipc.set(channel, fn),
        removeHandler: (channel: string) => state.ipc.delete(channel),
      },
      Menu: {
        setApplicationMenu: () => {},
        buildFromTemplate: (template: unknown) => ({ template }),
      },
      desktopCapturer: { getSources: async () => [] },
      screen: { getAllDisplays: () => [] },
      systemPreferences: { getMediaAccessStatus: () => 'granted' },
      nativeImage: { createFromPath: (p: string) => ({ path: p, setTemplateImage: () => {} }) },
      nativeTheme: { shouldUseDarkColors: false, themeSource: 'system' },
      powerMonitor: Object.assign(new Emitter(), { getSystemIdleTime: () => state.idleSeconds }),
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown[]) => {
          state.schemes.push(...schemes);
          calls.push('registerSchemesAsPrivileged');
        },
        handle: (scheme: string, fn: Listener) => state.protocolHandlers.set(scheme, fn),
      },
      session: {
        defaultSession: {
          setSpellCheckerEnabled: (on: boolean) => (state.session['spellcheck'] = () => on),
          setPermissionRequestHandler: (fn: Listener) => (state.session['request'] = fn),
          setPermissionCheckHandler: (fn: Listener) => (state.session['check'] = fn),
          setDevicePermissionHandler: (fn: Listener) => (state.session['device'] = fn),
          webRequest: { onBeforeRequest: (fn: Listener) => (state.session['beforeRequest'] = fn) },
        },
      },
    };
    return { module, calls, state, resolveReady, paths };
  }

  const holder = { current: undefined as ReturnType<typeof make> | undefined, make };
  return holder;
});

vi.mock('electron', () => {
  fake.current = fake.make();
  return fake.current.module;
});

const vaultControl = vi.hoisted(() => ({ open: undefined as undefined | (() => Promise<unknown>) }));
vi.mock('../../node/open-vault.js', () => ({ openVault: () => (vaultControl.open ? vaultControl.open() : Promise.reject(new Error('no vault'))) }));

const NOW = 1_767_225_607_000; // a fixed instant for the vault's clock; oathtool is asked for the same one
let base: string;
const secret = randomSecret(20);
let accountId = '';

function electron() {
  if (!fake.current) throw new Error('electron was not imported');
  return fake.current;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'authdesk-main-'));
  const appRoot = path.join(base, 'app');
  mkdirSync(path.join(appRoot, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Authdesk</title>');
  mkdirSync(path.join(base, 'data'));
  process.env['AUTHDESK_DATA_DIR'] = path.join(base, 'data');
  const fixture = await openTestVault({ nowMs: NOW });
  const account = await fixture.vault.add({ type: 'totp', issuer: 'GitHub', label: 'alice', secret, algorithm: 'SHA1', digits: 6, period: 30 });
  accountId = account.id;
  vaultControl.open = async () => fixture.vault;
});

afterAll(() => {
  delete process.env['AUTHDESK_DATA_DIR'];
  rmSync(base, { recursive: true, force: true });
});

describe('main.ts wiring', () => {
  it('before ready: names the app, places its data, locks one instance, enables the sandbox, registers app:// as privileged', async () => {
    await import('../../electron/main/main.js');
    const { calls, state, paths } = electron();
    state.appRoot = path.join(base, 'app');
    expect(calls).toEqual(['setName:Authdesk', 'setPath:userData', 'setPath:sessionData', 'requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged']);
    expect(paths['userData']).toBe(path.join(base, 'data'));
    expect(paths['sessionData']).toBe(path.join(base, 'data', 'Chromium'));
    expect(state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
  });

  it('a second launch before the vault is open creates no window', () => {
    const { module, state } = electron();
    module.app.emit('second-instance');
    expect(state.windows).toHaveLength(0);
  });

  it('after ready: one hardened window on app://, content protection, session handlers, IPC and tray', async () => {
    const { state, resolveReady } = electron();
    resolveReady();
    await until(() => (state.trays[0]?.menus.length ?? 0) > 0, 'the tray menu');
    expect(state.windows).toHaveLength(1);
    const win = state.windows[0];
    if (!win) throw new Error('no window');
    expect(win.loaded).toEqual(['app://authdesk/index.html']);
    expect(win.contentProtection).toBe(true);
    const prefs = win.options['webPreferences'] as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, spellcheck: false });
    expect(prefs['preload']).toBe(path.join(base, 'app', 'dist', 'preload', 'preload.cjs'));
    expect(win.options['show']).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(state.session['spellcheck']?.()).toBe(false);
    expect(state.ipc.size).toBeGreaterThan(5);
    expect([...state.shortcuts.keys()]).toEqual(['CommandOrControl+Shift+A']);
  });

  it('serves the renderer through the protocol handler with the CSP', async () => {
    const handler = electron().state.protocolHandlers.get('app');
    const response = (await handler?.(new Request('app://authdesk/'))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(((await handler?.(new Request('app://authdesk/..%2f..%2fdata%2fvault.json'))) as Response).status).toBe(403);
  });

  it('guards the window’s navigation, new windows and webviews', () => {
    const contents = electron().state.windows[0]?.webContents;
    if (!contents) throw new Error('no contents');
    const navigate = (url: string) => {
      let prevented = false;
      contents.emit('will-navigate', { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('app://authdesk/index.html#/add')).toBe(false);
    let redirected = false;
    contents.emit('will-redirect', { url: 'http://127.0.0.1/', preventDefault: () => (redirected = true) });
    expect(redirected).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    let webview = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
  });

  it('denies permissions, and the camera only until a scan allows it', async () => {
    const { state } = electron();
    const contents = state.windows[0]?.webContents;
    const ask = (permission: string, mediaTypes: string[]) =>
      new Promise<boolean>((resolve) => state.session['request']?.(contents, permission, resolve, { mediaTypes, requestingUrl: 'app://authdesk/index.html', isMainFrame: true }));
    expect(await ask('media', ['video'])).toBe(false);
    expect(await ask('geolocation', [])).toBe(false);
    const { allowCameraFor, revokeCamera } = await import('../../electron/main/camera-gate.js');
    allowCameraFor(10_000);
    expect(await ask('media', ['video'])).toBe(true);
    expect(await ask('media', ['video', 'audio'])).toBe(false);
    expect(state.session['check']?.(contents, 'media', 'app://authdesk', { mediaType: 'video', isMainFrame: true })).toBe(true);
    expect(state.session['check']?.({}, 'media', 'app://authdesk', { mediaType: 'video', isMainFrame: true })).toBe(false);
    revokeCamera();
    expect(await ask('media', ['video'])).toBe(false);
    expect(state.session['device']?.({})).toBe(false);
  });

  it('cancels every request that is not the app’s own', () => {
    const before = electron().state.session['beforeRequest'];
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      before?.({ url }, (r: { cancel: boolean }) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('app://authdesk/assets/index.js')).toBe(false);
    expect(decide('https://example.com/track.js')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
  });

  it('trusts IPC from its own page only', async () => {
    const { state } = electron();
    const list = state.ipc.get('authdesk:accounts.list');
    const frame = { url: 'app://authdesk/index.html', parent: null };
    const ok = (await list?.({ senderFrame: frame, sender: { mainFrame: frame } }, undefined)) as { ok: boolean; value: Array<{ label: string }> };
    expect(ok.ok).toBe(true);
    expect(ok.value.map((a) => a.label)).toEqual(['alice']);
    const evil = { url: 'https://evil.example/', parent: null };
    const refused = (await list?.({ senderFrame: evil, sender: { mainFrame: evil } }, undefined)) as { ok: boolean; error: { code: string } };
    expect(refused).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });
  });

  it('the tray lists the account and copies the code oathtool computes, then notifies without the code', async () => {
    const { state } = electron();
    const menu = state.trays[0]?.menus.at(-1)?.template ?? [];
    expect(menu.map((m) => m.label ?? '---')).toEqual(['Click to copy a code', 'GitHub: alice', '---', 'Open Authdesk', '---', 'Quit Authdesk']);
    menu.find((m) => m.label === 'GitHub: alice')?.click?.();
    const expected = oathTotp(secret, Math.floor(NOW / 1000));
    await until(() => state.notifications.length > 0, 'the copy notification');
    expect(state.clipboardText).toBe(expected);
    expect(state.notifications[0]?.title).toBe('Code copied');
    expect(state.notifications[0]?.body).not.toContain(expected);
    expect(accountId).not.toBe('');
  });

  it('a second launch brings the hidden window back instead of opening another', () => {
    const { module, state } = electron();
    state.windows[0]?.hide();
    module.app.emit('second-instance');
    expect(state.windows).toHaveLength(1);
    expect(state.windows[0]?.visible).toBe(true);
  });

  it('the global shortcut shows the window and asks it to focus search', () => {
    const { state } = electron();
    const win = state.windows[0];
    win?.hide();
    state.shortcuts.get('CommandOrControl+Shift+A')?.();
    expect(win?.visible).toBe(true);
    expect(win?.webContents.sent.some(([channel]) => channel.endsWith('app.focusSearch'))).toBe(true);
  });

  it('tells the window when nobody can see it (hidden, minimised, screen locked) and when they can again', () => {
    const { state, module } = electron();
    const win = state.windows[0];
    if (!win) throw new Error('no window');
    const power = module.powerMonitor as unknown as { emit(e: string): void };
    const presence = () => win.webContents.sent.filter(([channel]) => channel.endsWith('app.presence')).map(([, payload]) => (payload as { visible: boolean }).visible);
    const before = presence().length;
    win.emit('show');
    win.emit('hide');
    win.emit('show');
    win.emit('minimize');
    win.emit('restore');
    power.emit('lock-screen');
    win.emit('hide'); // already unseen: no second "false"
    power.emit('unlock-screen');
    win.emit('show');
    expect(presence().slice(before)).toEqual([false, true, false, true, false, true]);
  });

  it('tells the window when it loses and regains the keyboard (its clock calms down while another window has it)', () => {
    const { state } = electron();
    const win = state.windows[0];
    if (!win) throw new Error('no window');
    const presence = () => win.webContents.sent.filter(([channel]) => channel.endsWith('app.presence')).map(([, payload]) => payload as { visible: boolean; focused: boolean });
    const before = presence().length;
    win.emit('show');
    win.emit('blur');
    win.emit('focus');
    win.emit('blur');
    win.emit('hide');
    expect(presence().slice(before)).toEqual([
      { visible: true, focused: false },
      { visible: true, focused: true },
      { visible: true, focused: false },
      { visible: false, focused: false },
    ]);
  });

  it('runs resume hooks on resume', async () => {
    const { onResume } = await import('../../electron/main/shell-hooks.js');
    let ran = 0;
    const off = onResume(() => ran++);
    (electron().module.powerMonitor as unknown as { emit(e: string): void }).emit('resume');
    await until(() => ran === 1, 'the resume hook');
    off();
  });

  it('quits after clearing the clipboard it still owns', async () => {
    const { state, module } = electron();
    let prevented = false;
    module.app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await until(() => state.quitCalls > 0, 'app.quit after cleanup');
    expect(state.clipboardText).toBe('');
    expect(state.shortcuts.size).toBe(0);
  });
});

describe('main.ts started with a switch not on the allowlist (packaged)', () => {
  it.each([['--remote-debugging-port=9222'], ['--renderer-cmd-prefix=/tmp/x'], ['--gpu-launcher=/tmp/x'], ['--utility-cmd-prefix=/tmp/x']])('%s: refuses to start and touches nothing else', async (flag) => {
    vi.resetModules();
    vi.doMock('electron', () => {
      fake.current = fake.make();
      fake.current.module.app.isPackaged = true;
      return fake.current.module;
    });
    const argv = process.argv;
    process.argv = [argv[0] ?? 'authdesk', flag];
    try {
      await import('../../electron/main/main.js');
    } finally {
      process.argv = argv;
    }
    const { state, calls } = electron();
    expect(calls).toEqual(['exit:1']);
    expect(JSON.stringify(state.errorBoxes)).toContain(flag.split('=')[0]);
  });
});

describe('main.ts when start-up throws', () => {
  it('shows a plain error box and exits instead of leaving a windowless process', async () => {
    vi.resetModules();
    vi.doMock('electron', () => {
      fake.current = fake.make();
      // An Electron that fails inside start(): the session cannot be configured.
      (fake.current.module.session.defaultSession as unknown as { setSpellCheckerEnabled: () => void }).setSpellCheckerEnabled = () => {
        throw new TypeError('internal detail that must not be shown');
      };
      return fake.current.module;
    });
    await import('../../electron/main/main.js');
    const { state, calls, resolveReady } = electron();
    state.appRoot = path.join(base, 'app');
    resolveReady();
    await until(() => calls.includes('exit:1'), 'app.exit(1)');
    expect(state.errorBoxes).toHaveLength(1);
    expect(JSON.stringify(state.errorBoxes[0])).toContain('Something went wrong inside Authdesk');
    expect(JSON.stringify(state.errorBoxes[0])).not.toContain('internal detail');
    expect(state.windows).toHaveLength(0);
  });
});

describe('main.ts when the vault cannot be opened', () => {
  it('shows what happened and how to fix it, then quits on "Quit" without a window', async () => {
    vi.resetModules();
    // A fresh fake Electron (not yet "ready") for a fresh main.ts.
    vi.doMock('electron', () => {
      fake.current = fake.make();
      return fake.current.module;
    });
    // The fresh module registry has its own error classes: throw the one main.ts will see.
    const { KeychainError } = await import('../../core/errors.js');
    vaultControl.open = async () => {
      throw new KeychainError('KEYCHAIN_UNAVAILABLE', 'No Secret Service answered on D-Bus.');
    };
    await import('../../electron/main/main.js');
    const { state, resolveReady } = electron();
    state.appRoot = path.join(base, 'app');
    state.dialogResponse = 1; // Quit
    resolveReady();
    await until(() => state.quitCalls > 0, 'quit');
    expect(state.dialogs).toHaveLength(1);
    expect(state.dialogs[0]).toMatchObject({ type: 'error', title: 'Authdesk cannot reach the keychain', buttons: ['Try again', 'Quit'] });
    expect((state.dialogs[0] as { detail: string }).detail).toContain('No Secret Service answered on D-Bus.');
    expect(state.windows).toHaveLength(0);
  });
});

