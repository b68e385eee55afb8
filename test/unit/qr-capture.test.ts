/** electron/main/capture.ts against fakes of Electron's desktopCapturer/screen/systemPreferences. */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { bgraToRgba, createScreenCapture, thumbnailSizeFor, MAC_SCREEN_RECORDING_GUIDANCE, WAYLAND_GUIDANCE, type ScreenCaptureDeps } from '../../electron/main/capture.js';
import { decodeFrameInProcess } from '../../node/qr/decoder.js';
import { awsPayload, encodeQrPng } from '../helpers/qr-corpus.js';

function fakeImage(width: number, height: number, bgra: Uint8Array) {
  return { isEmpty: () => width === 0, getSize: () => ({ width, height }), toBitmap: () => Buffer.from(bgra) };
}

function deps(over: Partial<ScreenCaptureDeps> & { sources?: unknown[]; calls?: unknown[] }): ScreenCaptureDeps {
  const calls = over.calls ?? [];
  return {
    platform: 'linux',
    env: {},
    screen: { getAllDisplays: () => [{ size: { width: 1280, height: 720 }, scaleFactor: 2 }, { size: { width: 1920, height: 1080 }, scaleFactor: 1 }] as never },
    desktopCapturer: { getSources: async (options: unknown) => { calls.push(options); return (over.sources ?? []) as never; } },
    ...over,
  };
}

describe('capture helpers', () => {
  it('bgraToRgba swaps red and blue and makes pixels opaque', () => {
    const f = bgraToRgba(Uint8Array.from([1, 2, 3, 0, 10, 20, 30, 40]), 2, 1);
    expect([...f.data]).toEqual([3, 2, 1, 255, 30, 20, 10, 255]);
  });

  it('asks for the largest display in physical pixels, within the decoder limits', () => {
    expect(thumbnailSizeFor([{ size: { width: 1280, height: 720 }, scaleFactor: 2 }, { size: { width: 1920, height: 1080 }, scaleFactor: 1 }])).toEqual({ width: 2560, height: 1440 });
    const huge = thumbnailSizeFor([{ size: { width: 7680, height: 4320 }, scaleFactor: 2 }]);
    expect(huge.width * huge.height).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(huge.width / huge.height).toBeCloseTo(16 / 9, 2);
  });
});

describe('createScreenCapture', () => {
  it('returns every display as RGBA, and the code on it decodes', async () => {
    const payload = awsPayload(4242);
    const { data, info } = await sharp(await encodeQrPng('qrencode', payload, 4)).extend({ top: 100, bottom: 100, left: 300, right: 300, background: '#ffffff' })
      .ensureAlpha().recomb([[0, 0, 1], [0, 1, 0], [1, 0, 0]]).raw().toBuffer({ resolveWithObject: true }); // stored as BGRA
    const calls: unknown[] = [];
    let hidden = 0;
    let shown = 0;
    const capture = createScreenCapture(deps({
      calls,
      hideWindows: () => void hidden++,
      showWindows: () => void shown++,
      sources: [
        { id: 'screen:1:0', display_id: '1', thumbnail: fakeImage(info.width, info.height, data) },
        { id: 'screen:2:0', display_id: '2', thumbnail: fakeImage(0, 0, new Uint8Array()) },
      ],
    }));
    const screens = await capture();
    expect(calls).toEqual([{ types: ['screen'], thumbnailSize: { width: 2560, height: 1440 }, fetchWindowIcons: false }]);
    expect([hidden, shown]).toEqual([1, 1]);
    expect(screens.map((s) => s.displayId)).toEqual(['1']);
    expect((await decodeFrameInProcess(screens[0]!.frame)).map((d) => d.text)).toEqual([payload]);
  });

  it('macOS without Screen Recording permission: refuses with where to grant it, before capturing', async () => {
    const calls: unknown[] = [];
    const capture = createScreenCapture(deps({ calls, platform: 'darwin', systemPreferences: { getMediaAccessStatus: () => 'denied' } }));
    await expect(capture()).rejects.toMatchObject({ code: 'SCREEN_CAPTURE_DENIED', message: MAC_SCREEN_RECORDING_GUIDANCE });
    expect(calls).toEqual([]);
  });

  it('Wayland portal cancelled (no sources) or failing: portal guidance, windows shown again', async () => {
    let shown = 0;
    const env = { XDG_SESSION_TYPE: 'wayland' };
    await expect(createScreenCapture(deps({ env, sources: [] }))()).rejects.toMatchObject({ code: 'SCREEN_CAPTURE_DENIED', message: WAYLAND_GUIDANCE });
    const failing = createScreenCapture({ ...deps({ env }), showWindows: () => void shown++, desktopCapturer: { getSources: async () => { throw new Error('Failed to get sources.'); } } });
    await expect(failing()).rejects.toMatchObject({ code: 'SCREEN_CAPTURE_DENIED', message: WAYLAND_GUIDANCE });
    expect(shown).toBe(1);
  });

  it('X11/Windows with nothing captured: a generic way out', async () => {
    await expect(createScreenCapture(deps({ platform: 'win32', sources: [] }))()).rejects.toMatchObject({ code: 'SCREEN_CAPTURE_FAILED' });
  });
});
