/**
 * The Electron side of the scan area (electron/main/handlers/scan.ts, QR engineer): everything
 * OS-facing that createScanHandlers takes, built from Electron's modules. The modules are passed in,
 * so this is unit-tested in Node with fakes (test/unit/electron-scan-wiring.test.ts).
 *
 * main.ts creates it and hands `deps` to createAppServices (field `scan`), and closes it at quit.
 */
import type { BaseWindow, Clipboard, DesktopCapturer, Dialog, Screen, SystemPreferences } from 'electron';
import path from 'node:path';
import { createQrWorker, QR_WORKER_FILE, type QrWorkerDecoder } from '../../node/qr/worker-client.js';
import { createScreenCapture } from './capture.js';
import { allowCameraFor, revokeCamera } from './camera-gate.js';
import { IMAGE_DIALOG_OPTIONS, type ScanHandlerDeps } from './handlers/scan.js';

export type ElectronScanDeps = Omit<ScanHandlerDeps, 'vault' | 'events' | 'onProgress'>;

export interface ElectronScanModules {
  readonly desktopCapturer: Pick<DesktopCapturer, 'getSources'>;
  readonly screen: Pick<Screen, 'getAllDisplays'>;
  readonly systemPreferences?: Pick<SystemPreferences, 'getMediaAccessStatus'>;
  readonly dialog: Pick<Dialog, 'showOpenDialog'>;
  readonly clipboard: Pick<Clipboard, 'read'>;
  readonly platform: NodeJS.Platform;
  /** app.getAppPath(): the worker is dist/main/qr-worker.mjs next to the main bundle. */
  readonly appPath: string;
  /** The window, hidden while the screen is captured so it does not cover the code. */
  readonly getWindow: () => BaseWindow | null;
  /** Test seam: the decoder (default: the worker_threads decoder). */
  readonly decoder?: QrWorkerDecoder;
}

/** Image MIME types a clipboard may hold, in order of preference (PNG is lossless). */
const CLIPBOARD_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/bmp'];

export function createElectronScanDeps(modules: ElectronScanModules): { deps: ElectronScanDeps; close(): Promise<void> } {
  const decoder = modules.decoder ?? createQrWorker({ workerPath: path.join(modules.appPath, 'dist', 'main', QR_WORKER_FILE) });
  let wasVisible = false;
  const captureScreens = createScreenCapture({
    desktopCapturer: modules.desktopCapturer,
    screen: modules.screen,
    ...(modules.systemPreferences ? { systemPreferences: modules.systemPreferences } : {}),
    platform: modules.platform,
    hideWindows: async () => {
      const win = modules.getWindow();
      wasVisible = win !== null && !win.isDestroyed() && win.isVisible();
      if (wasVisible) {
        win?.hide();
        // Let the compositor drop the window before the capture (a frame at 60 Hz is ~17 ms).
        await new Promise((resolve) => setTimeout(resolve, 120));
      }
    },
    showWindows: () => {
      const win = modules.getWindow();
      if (wasVisible && win && !win.isDestroyed()) win.show();
    },
  });

  const deps: ElectronScanDeps = {
    decode: (frame) => decoder.decode(frame),
    captureScreens,
    async chooseImageFile() {
      const win = modules.getWindow();
      const options = { ...IMAGE_DIALOG_OPTIONS, properties: [...IMAGE_DIALOG_OPTIONS.properties], filters: IMAGE_DIALOG_OPTIONS.filters.map((f) => ({ ...f, extensions: [...f.extensions] })) };
      const result = win ? await modules.dialog.showOpenDialog(win, options) : await modules.dialog.showOpenDialog(options);
      return result.canceled ? undefined : result.filePaths[0];
    },
    async readClipboardImage() {
      for (const item of await modules.clipboard.read()) {
        const type = CLIPBOARD_IMAGE_TYPES.find((t) => item.types.includes(t));
        if (type === undefined) continue;
        const blob = await item.getType(type);
        if (blob instanceof Blob) return new Uint8Array(await blob.arrayBuffer());
      }
      return undefined;
    },
    camera: { allow: allowCameraFor, revoke: revokeCamera },
  };
  return { deps, close: () => decoder.close() };
}
