/**
 * The QR corpus (test/helpers/qr-corpus.ts): codes from Debian's qrencode and the JS qrcode package
 * in 1080p/1440p/4K frames, degraded (2-px modules, HiDPI, dark mode, low contrast, rotation,
 * perspective, blur + noise, heavy JPEG, two codes), every accepted file format, frames with no
 * code and broken files. Each is read from disk and decoded as the CLI and the app do.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { decodeQrFrame, QR_LIMITS } from '../../core/qr/decode.js';
import { loadImageFile } from '../../node/image/load.js';
import { decodeFrameInProcess } from '../../node/qr/decoder.js';
import { loadAccountsFromImage, scanImageFile } from '../../node/qr/scan.js';
import { createQrWorker, type QrWorkerDecoder } from '../../node/qr/worker-client.js';
import { awsPayload, buildQrCorpus, fakeSecret, type Corpus, type DecodeCase } from '../helpers/qr-corpus.js';
import { buildQrWorker } from '../helpers/qr-worker.js';

let corpus: Corpus;
let workerPath: string;
let worker: QrWorkerDecoder;

beforeAll(async () => {
  corpus = await buildQrCorpus();
  workerPath = await buildQrWorker();
  worker = createQrWorker({ workerPath });
});

afterAll(async () => {
  await worker?.close();
  if (workerPath) rmSync(path.dirname(workerPath), { recursive: true, force: true });
});

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('QR corpus: every frame decodes to exactly its payloads', () => {
  it('covers both encoders, every size and every degradation', async () => {
    const c = await buildQrCorpus();
    const decode = c.cases.filter((x): x is DecodeCase => x.kind === 'decode');
    expect(new Set(decode.flatMap((x) => x.encoders))).toEqual(new Set(['qrencode', 'qrcode-js']));
    for (const d of ['clean', 'tiny-modules', 'dark-mode', 'low-contrast', 'rotated', 'perspective', 'blur-noise', 'heavy-jpeg', 'two-codes']) {
      expect(decode.filter((x) => x.degradation === d).map((x) => x.size).sort(), d).toEqual(expect.arrayContaining(['1080p', '1440p', '4K']));
    }
  });

  it('decodes every decodable case in process (CLI path)', async () => {
    const failures: string[] = [];
    for (const c of corpus.cases) {
      if (c.kind !== 'decode') continue;
      const found = await scanImageFile(path.join(corpus.dir, c.file));
      const texts = found.map((f) => f.text);
      if (JSON.stringify(sorted(texts)) !== JSON.stringify(sorted(c.expected))) failures.push(`${c.id}: got ${texts.length} payload(s)`);
      for (const f of found) {
        // The outline is inside the frame.
        for (const p of f.corners) {
          expect(p.x).toBeGreaterThanOrEqual(-2);
          expect(p.x).toBeLessThanOrEqual(c.width + 2);
          expect(p.y).toBeGreaterThanOrEqual(-2);
          expect(p.y).toBeLessThanOrEqual(c.height + 2);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses every broken file with the expected QrError, before decoding', async () => {
    for (const c of corpus.cases) {
      if (c.kind !== 'broken') continue;
      const error = await loadImageFile(path.join(corpus.dir, c.file)).then(() => undefined, (e: unknown) => e);
      expect(isAuthdeskError(error), `${c.id}: ${String(error)}`).toBe(true);
      expect({ id: c.id, code: (error as { code: string }).code }).toEqual({ id: c.id, code: c.expectedError });
      expect((error as Error).message.length).toBeGreaterThan(20);
    }
  });

  it('the messages a person sees for broken files', async () => {
    const message = async (file: string) => loadImageFile(path.join(corpus.dir, file)).then(() => '', (e: Error) => e.message);
    expect(await message('random.png')).toBe('This file is not a readable image. Authdesk reads PNG, JPEG, WebP, GIF or BMP images.');
    expect(await message('truncated.png')).toMatch(/^The image is damaged \(truncated\)/);
    expect(await message('huge.png')).toMatch(/^The image is 100000×100000 pixels, larger than Authdesk reads/);
    expect(await message('palette.bmp')).toMatch(/8-bit colour palette/);
    expect(await message('does-not-exist.png')).toBe('There is no file "does-not-exist.png". Check the name and the folder.');
    expect(await message('.')).toMatch(/is a folder/);
  });
});

describe('loadAccountsFromImage', () => {
  it('turns an AWS console screenshot into a ready account', async () => {
    const result = await loadAccountsFromImage(path.join(corpus.dir, '4K-dark-mode-qrencode.png'));
    const expected = corpus.cases.find((c) => c.id === '4K-dark-mode-qrencode') as DecodeCase;
    expect(result.accounts.length).toBe(1);
    const seed = Number(/user(\d+)@/.exec(expected.expected[0] ?? '')?.[1]);
    expect(expected.expected[0]).toBe(awsPayload(seed));
    expect(result.accounts[0]).toEqual({ type: 'totp', issuer: 'Amazon Web Services', label: `user${seed}@123456789012`, secret: fakeSecret(seed), algorithm: 'SHA1', digits: 6, period: 30 });
    expect(result.warnings).toEqual([]);
  });

  it('two codes -> two accounts; no code -> QR_NOT_FOUND', async () => {
    expect((await loadAccountsFromImage(path.join(corpus.dir, '1440p-two-codes-qrcode-js.png'))).accounts.length).toBe(2);
    await expect(loadAccountsFromImage(path.join(corpus.dir, '4K-no-code.png'))).rejects.toMatchObject({ code: 'QR_NOT_FOUND' });
    await expect(loadAccountsFromImage(path.join(corpus.dir, 'random.png'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });
});

describe('decoder limits', () => {
  it('refuses frames above the limits before decoding, and inconsistent frames', async () => {
    await expect(decodeQrFrame({ width: QR_LIMITS.MAX_SIDE + 1, height: 10, data: new Uint8Array(0) })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(decodeQrFrame({ width: 10_000, height: 7_000, data: new Uint8Array(0) })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(decodeFrameInProcess({ width: 10, height: 10, data: new Uint8Array(7) })).rejects.toMatchObject({ code: 'FRAME_INVALID' });
    await expect(decodeFrameInProcess({ width: 0, height: 10, data: new Uint8Array(0) })).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it('a frame of noise holds no code (and does not throw)', async () => {
    const data = new Uint8Array(800 * 600 * 4);
    let s = 1;
    for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
    expect(await decodeFrameInProcess({ width: 800, height: 600, data })).toEqual([]);
  });
});

describe('worker_threads decoder (Electron main path)', () => {
  it('gives the same results as in-process decoding, while the calling thread keeps running', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      for (const id of ['4K-two-codes-qrencode', '4K-perspective-qrcode-js', '1080p-tiny-modules-qrcode-js', '4K-no-code']) {
        const c = corpus.cases.find((x) => x.id === id) as DecodeCase;
        const frame = await loadImageFile(path.join(corpus.dir, c.file));
        const found = await worker.decode(frame);
        expect(sorted(found.map((f) => f.text)), id).toEqual(sorted(c.expected));
      }
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('refuses oversize frames without starting work, and reports errors as QrError', async () => {
    await expect(worker.decode({ width: 20_000, height: 20_000, data: new Uint8Array(0) })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(worker.decode({ width: 4, height: 4, data: new Uint8Array(3) })).rejects.toMatchObject({ code: 'FRAME_INVALID' });
  });

  it('a decode that takes too long is stopped, and the next one works', async () => {
    const slow = createQrWorker({ workerPath, timeoutMs: 1 });
    try {
      const c = corpus.cases.find((x) => x.id === '4K-clean-qrencode') as DecodeCase;
      await expect(slow.decode(await loadImageFile(path.join(corpus.dir, c.file)))).rejects.toMatchObject({ code: 'QR_DECODE_TIMEOUT' });
    } finally {
      await slow.close();
    }
    const c = corpus.cases.find((x) => x.id === '1080p-clean-qrencode') as DecodeCase;
    expect((await worker.decode(await loadImageFile(path.join(corpus.dir, c.file)))).map((f) => f.text)).toEqual(c.expected);
  });

  it('a missing worker file is a clear error; a closed decoder refuses', async () => {
    const missing = createQrWorker({ workerPath: path.join(corpus.dir, 'nope.mjs') });
    await expect(missing.decode({ width: 4, height: 4, data: new Uint8Array(64) })).rejects.toMatchObject({ code: 'QR_DECODER_UNAVAILABLE' });
    await missing.close();
    await expect(missing.decode({ width: 4, height: 4, data: new Uint8Array(64) })).rejects.toMatchObject({ code: 'QR_DECODER_CLOSED' });
  });
});
