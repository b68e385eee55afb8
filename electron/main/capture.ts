/**
 * Screen capture for "Scan screen": every display at its native pixel size (HiDPI included), via
 * Electron's desktopCapturer, as RGBA frames for the QR decoder.
 *
 * Written against Electron's types with the modules injected (`createScreenCapture({...})`), so it
 * is unit-tested in Node with fakes (test/unit/qr-capture.test.ts); main.ts passes the real ones.
 *
 * Native resolution: desktopCapturer returns each screen as a thumbnail scaled to fit
 * `thumbnailSize`; asking for the largest display's size × scale factor gives every display at (at
 * least) its physical pixels. A 2-px QR module on a 200 % display is 4 physical pixels — that is
 * what makes small codes on HiDPI screens decodable.
 *
 * When the OS says no:
 *  - macOS: capture needs the Screen Recording permission; without it the thumbnails come back
 *    empty or show only the wallpaper. We check `getMediaAccessStatus('screen')` first and say where
 *    to grant it (the app must be restarted after granting).
 *  - Linux on Wayland: capture goes through the xdg-desktop-portal screen-cast portal (PipeWire);
 *    the desktop shows its own picker. Cancelled, or no portal installed -> no sources / empty
 *    thumbnails; we say so and offer the clipboard/image-file routes.
 */
import type { DesktopCapturer, Display, Screen, SystemPreferences } from 'electron';
import { QrError } from '../../core/errors.js';
import { QR_LIMITS, type RgbaFrame } from '../../core/qr/limits.js';
import type { CapturedScreen } from './handlers/scan.js';

export interface ScreenCaptureDeps {
  readonly desktopCapturer: Pick<DesktopCapturer, 'getSources'>;
  readonly screen: Pick<Screen, 'getAllDisplays'>;
  readonly systemPreferences?: Pick<SystemPreferences, 'getMediaAccessStatus'>;
  readonly platform: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  /** Hide Authdesk's own windows while capturing (so they do not cover the code), then show them. */
  readonly hideWindows?: () => Promise<void> | void;
  readonly showWindows?: () => Promise<void> | void;
}

export const MAC_SCREEN_RECORDING_GUIDANCE =
  'Authdesk is not allowed to record the screen. Open System Settings → Privacy & Security → Screen & System Audio Recording, turn on Authdesk, then quit and reopen Authdesk. Or copy a screenshot of the code (⌘⇧4, then Control-click) and use “Clipboard image”.';
export const WAYLAND_GUIDANCE =
  'The screen could not be captured. On Wayland, your desktop asks which screen to share: choose the one showing the QR code. If no dialog appeared, install xdg-desktop-portal with the backend for your desktop (xdg-desktop-portal-gnome, -kde or -wlr). Or take a screenshot with your desktop’s tool, copy it, and use “Clipboard image”.';
export const GENERIC_CAPTURE_GUIDANCE =
  'The screen could not be captured. Take a screenshot of the QR code with your system’s screenshot tool, copy it, and use “Clipboard image” instead.';

/** Chromium's N32 bitmaps are BGRA on every desktop platform; the decoder wants RGBA. */
export function bgraToRgba(bgra: Uint8Array, width: number, height: number): RgbaFrame {
  const length = width * height * 4;
  if (bgra.length < length) throw new QrError('SCREEN_CAPTURE_FAILED', GENERIC_CAPTURE_GUIDANCE);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    out[i] = bgra[i + 2] as number;
    out[i + 1] = bgra[i + 1] as number;
    out[i + 2] = bgra[i] as number;
    out[i + 3] = 255;
  }
  return { width, height, data: out };
}

function isWayland(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return platform === 'linux' && (env['XDG_SESSION_TYPE'] === 'wayland' || (env['WAYLAND_DISPLAY'] ?? '') !== '');
}

function deniedError(deps: ScreenCaptureDeps): QrError {
  if (deps.platform === 'darwin') return new QrError('SCREEN_CAPTURE_DENIED', MAC_SCREEN_RECORDING_GUIDANCE);
  if (isWayland(deps.platform, deps.env ?? process.env)) return new QrError('SCREEN_CAPTURE_DENIED', WAYLAND_GUIDANCE);
  return new QrError('SCREEN_CAPTURE_FAILED', GENERIC_CAPTURE_GUIDANCE);
}

/** The thumbnail box: the largest display in physical pixels, kept within the decoder's limits. */
export function thumbnailSizeFor(displays: readonly Pick<Display, 'size' | 'scaleFactor'>[]): { width: number; height: number } {
  let width = 1;
  let height = 1;
  for (const d of displays) {
    width = Math.max(width, Math.round(d.size.width * d.scaleFactor));
    height = Math.max(height, Math.round(d.size.height * d.scaleFactor));
  }
  const shrink = Math.min(1, QR_LIMITS.MAX_SIDE / width, QR_LIMITS.MAX_SIDE / height, Math.sqrt(QR_LIMITS.MAX_PIXELS / (width * height)));
  return { width: Math.floor(width * shrink), height: Math.floor(height * shrink) };
}

export function createScreenCapture(deps: ScreenCaptureDeps): () => Promise<CapturedScreen[]> {
  return async () => {
    if (deps.platform === 'darwin' && deps.systemPreferences) {
      const status = deps.systemPreferences.getMediaAccessStatus('screen');
      if (status === 'denied' || status === 'restricted') throw deniedError(deps);
    }
    const displays = deps.screen.getAllDisplays();
    const thumbnailSize = thumbnailSizeFor(displays);
    let sources;
    await deps.hideWindows?.();
    try {
      sources = await deps.desktopCapturer.getSources({ types: ['screen'], thumbnailSize, fetchWindowIcons: false });
    } catch (cause) {
      const error = deniedError(deps);
      throw new QrError(error.code, error.message, { cause });
    } finally {
      await deps.showWindows?.();
    }
    const screens: CapturedScreen[] = [];
    for (const source of sources) {
      const image = source.thumbnail;
      if (!image || image.isEmpty()) continue;
      const { width, height } = image.getSize();
      if (width < 2 || height < 2) continue;
      screens.push({ displayId: source.display_id || source.id, frame: bgraToRgba(image.toBitmap(), width, height) });
    }
    if (screens.length === 0) throw deniedError(deps);
    return screens;
  };
}
