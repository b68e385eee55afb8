/**
 * The camera dialog in the built renderer (test/e2e/harness.ts), with Chromium's fake camera
 * playing a y4m of a QR code made by Debian's qrencode (ffmpeg from Debian makes the y4m):
 * the preview starts, the Web Worker (zxing-wasm bundled by Vite, served from the app's origin)
 * reads the code, the camera is stopped at once, and confirming adds the account to the real vault
 * and keychain. A second run shows that closing the dialog stops the camera too.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, startApp, type AppHarness } from './harness.js';
import { awsPayload, fakeSecret } from '../helpers/qr-corpus.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('authdesk-camera-');
const SEED = 31337;

function y4m(name: string, qrText: string | undefined): string {
  const png = path.join(tmp.path, `${name}.png`);
  if (qrText) execFileSync('qrencode', ['-o', png, '-s', '6', '-m', '4', '-l', 'M', '--', qrText]);
  else execFileSync('convert', ['-size', '320x320', 'xc:white', png]);
  const out = path.join(tmp.path, `${name}.y4m`);
  // A 640×480 "room": the code in the middle of a grey frame, 2 s at 15 fps.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', png, '-vf', 'pad=640:480:(ow-iw)/2:(oh-ih)/2:color=0x808080', '-t', '2', '-r', '15', '-pix_fmt', 'yuv420p', out]);
  return out;
}

function cameraArgs(file: string): string[] {
  return [
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`,
    // The harness serves the app from http://authdesk.test (the app uses its own secure app:// scheme);
    // getUserMedia needs a secure context.
    `--unsafely-treat-insecure-origin-as-secure=${APP_ORIGIN}`,
  ];
}

/** Record every camera stream the page opens, to check that its tracks end. */
const RECORD_STREAMS = `(() => {
  const streams = [];
  Object.defineProperty(globalThis, '__cameraStreams', { value: streams });
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => { const s = await original(c); streams.push(s); return s; };
})();`;

async function openCamera(app: AppHarness): Promise<void> {
  await app.page.addInitScript({ content: RECORD_STREAMS });
  await app.load();
  await app.page.locator('button.icon-button[aria-label="Add account"]').click();
  await app.page.locator('[data-method="camera"]').click();
}

/** The readyState of every track of every stream the page opened ('live' or 'ended'). */
interface PageStream { getTracks(): { readyState: string }[] }
const tracks = (app: AppHarness) => app.page.evaluate(() =>
  ((globalThis as unknown as { __cameraStreams: PageStream[] }).__cameraStreams).flatMap((s) => s.getTracks().map((t) => t.readyState)));

afterAll(() => tmp.cleanup());

describe('camera dialog (fake camera)', () => {
  let app: AppHarness;
  beforeAll(async () => {
    app = await startApp({ noLoad: true, chromiumArgs: cameraArgs(y4m('aws', awsPayload(SEED))) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reads the AWS code, stops the camera at once, and adds the account on confirmation', async () => {
    const { page } = app;
    await openCamera(app);
    // The code is read: main classifies the payload and the results list replaces the preview.
    const found = page.getByText('Found 1 account');
    await found.waitFor();
    // No camera track may still be live once a code is read.
    const states = await tracks(app);
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((t) => t === 'ended')).toBe(true);
    const body = await page.locator('body').textContent();
    expect(body).toContain('Amazon Web Services');
    expect(body).toContain(`user${SEED}@123456789012`);
    expect(body).toContain('320-bit key');
    // The secret is never shown (nor sent to the page: main keeps it until confirmation).
    expect(await page.content()).not.toContain(fakeSecret(SEED));
    expect(JSON.stringify(app.ipc.map((r) => r.result))).not.toContain(fakeSecret(SEED));
    await page.getByRole('button', { name: 'Add 1 account' }).click();
    await page.getByRole('option', { name: /Amazon Web Services/ }).waitFor();
    const accounts = await app.vault.list();
    expect(accounts.map((a) => [a.issuer, a.label])).toEqual([['Amazon Web Services', `user${SEED}@123456789012`]]);
    expect(await app.vault.revealSecret(accounts[0]!.id)).toBe(fakeSecret(SEED));
    // The decoder loaded from the app's own origin: nothing else was requested.
    expect(app.blockedRequests).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});

describe('camera dialog closed before any code', () => {
  let app: AppHarness;
  beforeAll(async () => {
    app = await startApp({ noLoad: true, chromiumArgs: cameraArgs(y4m('blank', undefined)) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('stops the camera when the dialog closes', async () => {
    const { page } = app;
    await openCamera(app);
    await page.locator('.camera[data-camera="live"]').waitFor();
    // One camera is live (StrictMode in the development build mounts twice; the first one is ended).
    expect((await tracks(app)).filter((t) => t === 'live')).toEqual(['live']);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.camera').waitFor({ state: 'detached' });
    const after = await tracks(app);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((t) => t === 'ended')).toBe(true);
    expect(app.blockedRequests).toEqual([]);
  });
});
