// The Electron side of the scan area: file dialog, clipboard image, camera gate, and hiding the window
// while the screen is captured (modules faked; the decoder and capture logic are the QR engineer's).
import type { BaseWindow, Clipboard, DesktopCapturer, Dialog } from 'electron';
import { describe, expect, it } from 'vitest';
import { isCameraAllowed } from '../../electron/main/camera-gate.js';
import { createElectronScanDeps, type ElectronScanModules } from '../../electron/main/scan-wiring.js';

function setup(overrides: Partial<ElectronScanModules> = {}) {
  const log: string[] = [];
  const win = {
    visible: true,
    isDestroyed: () => false,
    isVisible() {
      return this.visible;
    },
    hide() {
      this.visible = false;
      log.push('hide');
    },
    show() {
      this.visible = true;
      log.push('show');
    },
  };
  let closed = false;
  const modules: ElectronScanModules = {
    desktopCapturer: {
      getSources: (async () => {
        log.push(`capture while visible=${win.visible}`);
        throw new Error('no screen-cast portal');
      }) as DesktopCapturer['getSources'],
    },
    screen: { getAllDisplays: () => [{ id: 1, size: { width: 1920, height: 1080 }, scaleFactor: 1 }] as ReturnType<ElectronScanModules['screen']['getAllDisplays']> },
    dialog: {
      showOpenDialog: (async (...args: unknown[]) => {
        log.push(`dialog with window=${args.length === 2}`);
        return { canceled: false, filePaths: ['/home/u/qr.png'] };
      }) as Dialog['showOpenDialog'],
    },
    clipboard: { read: async () => [] },
    platform: 'linux',
    appPath: '/opt/Authdesk/resources/app.asar',
    getWindow: () => win as unknown as BaseWindow,
    decoder: {
      decode: async () => [],
      close: async () => {
        closed = true;
      },
    },
    ...overrides,
  };
  const wiring = createElectronScanDeps(modules);
  return { wiring, log, win, isClosed: () => closed };
}

describe('scan wiring', () => {
  it('hides the window during a screen capture and shows it again, even when capture fails', async () => {
    const { wiring, log, win } = setup();
    await expect(wiring.deps.captureScreens()).rejects.toMatchObject({ domain: 'qr' });
    expect(log).toEqual(['hide', 'capture while visible=false', 'show']);
    expect(win.visible).toBe(true);
  });

  it('does not show a window that was hidden before the capture', async () => {
    const { wiring, log, win } = setup();
    win.visible = false;
    await expect(wiring.deps.captureScreens()).rejects.toBeDefined();
    expect(log).toEqual(['capture while visible=false']);
  });

  it('opens the image dialog on the window and returns the chosen path, or undefined when cancelled', async () => {
    const { wiring, log } = setup();
    expect(await wiring.deps.chooseImageFile()).toBe('/home/u/qr.png');
    expect(log).toEqual(['dialog with window=true']);
    const cancelled = setup({ dialog: { showOpenDialog: (async () => ({ canceled: true, filePaths: [] })) as Dialog['showOpenDialog'] } });
    expect(await cancelled.wiring.deps.chooseImageFile()).toBeUndefined();
  });

  it('reads an image from the clipboard, skipping text', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const items = [
      { types: ['text/plain'], getType: async () => new Blob(['otpauth://nope']) },
      { types: ['text/html', 'image/png'], getType: async (t: string) => (t === 'image/png' ? new Blob([png]) : new Blob(['<b>'])) },
    ];
    const { wiring } = setup({ clipboard: { read: (async () => items) as unknown as Clipboard['read'] } });
    expect(await wiring.deps.readClipboardImage()).toEqual(png);
    const empty = setup({ clipboard: { read: (async () => [items[0]]) as unknown as Clipboard['read'] } });
    expect(await empty.wiring.deps.readClipboardImage()).toBeUndefined();
  });

  it('opens and closes the camera gate the permission handlers read', () => {
    const { wiring } = setup();
    wiring.deps.camera.allow(30_000);
    expect(isCameraAllowed()).toBe(true);
    wiring.deps.camera.revoke();
    expect(isCameraAllowed()).toBe(false);
  });

  it('closes the decoder at quit', async () => {
    const { wiring, isClosed } = setup();
    await wiring.close();
    expect(isClosed()).toBe(true);
  });
});
