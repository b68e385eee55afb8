/**
 * QR decoding off the calling thread: the Electron main process decodes screen captures, files and
 * clipboard images through this, so a 4K decode (~55 ms, ~0.6 s at the 64 MP limit) never stalls
 * its event loop (and so every window).
 *
 * The worker starts on first use, stays warm (the wasm compile costs ~100 ms) and exits after
 * `idleMs` without work, returning its ~100 MB of wasm memory. A decode that exceeds `timeoutMs`
 * terminates the worker (the next call starts a fresh one); a crashed worker fails only the
 * requests in flight.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AuthdeskError, QrError } from '../../core/errors.js';
import type { DecodedQr } from '../../core/qr/decode.js';
import { checkImageDimensions, type RgbaFrame } from '../../core/qr/limits.js';
import type { QrWorkerRequest, QrWorkerResponse } from './worker-protocol.js';

/** The bundled worker's file name, next to the main bundle (dist/main/qr-worker.mjs). */
export const QR_WORKER_FILE = 'qr-worker.mjs';

export interface QrWorkerOptions {
  /** Absolute path of the built worker (Electron main: `path.join(__dirname, QR_WORKER_FILE)`). */
  readonly workerPath: string;
  /** Per-decode limit; default 15 s (a 64 MP frame takes ~0.6 s here; 15 s means it is stuck). */
  readonly timeoutMs?: number;
  /** Exit the worker after this long without work; default 60 s. */
  readonly idleMs?: number;
}

export interface QrWorkerDecoder {
  /**
   * Every QR code in the frame (see core/qr/decode.ts). The frame's buffer is offered for transfer
   * when it is a whole ArrayBuffer, so `frame.data` may be detached afterwards: do not reuse it.
   * (Buffers allocated by native code, such as sharp's, cannot be detached and are copied.)
   * Rejects with QrError only.
   */
  decode(frame: RgbaFrame): Promise<DecodedQr[]>;
  /** Stop the worker (pending decodes fail with QR_DECODER_CLOSED). */
  close(): Promise<void>;
}

interface Pending {
  resolve(results: DecodedQr[]): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export function createQrWorker(options: QrWorkerOptions): QrWorkerDecoder {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const idleMs = options.idleMs ?? 60_000;
  let worker: Worker | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, Pending>();

  function failAll(error: Error): void {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(error);
    }
  }

  function stop(): Promise<void> {
    const w = worker;
    worker = undefined;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    return w ? w.terminate().then(() => undefined) : Promise.resolve();
  }

  function start(): Worker {
    if (worker) return worker;
    if (!existsSync(options.workerPath)) {
      throw new QrError('QR_DECODER_UNAVAILABLE', 'The QR decoder is missing from this installation (qr-worker.mjs). Reinstall Authdesk.', { details: { file: QR_WORKER_FILE } });
    }
    const w = new Worker(options.workerPath);
    w.on('message', (response: QrWorkerResponse) => {
      const p = pending.get(response.id);
      if (!p) return;
      pending.delete(response.id);
      clearTimeout(p.timer);
      if (response.ok) p.resolve(response.results);
      else p.reject(response.error.domain === 'qr'
        ? new QrError(response.error.code, response.error.message)
        : new AuthdeskError(response.error.domain, response.error.code, response.error.message));
      scheduleIdle();
    });
    const onFailure = (cause: unknown) => {
      if (worker === w) worker = undefined;
      failAll(new QrError('QR_DECODER_FAILED', 'The QR decoder stopped unexpectedly. Try again; report it if it keeps happening.', { cause }));
    };
    w.on('error', onFailure);
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      if (pending.size > 0) onFailure(new Error(`worker exited with code ${code}`));
    });
    // An idle worker must not keep the CLI or a test process alive.
    w.unref();
    worker = w;
    return w;
  }

  function scheduleIdle(): void {
    if (idleTimer) clearTimeout(idleTimer);
    if (pending.size > 0) return;
    idleTimer = setTimeout(() => void stop(), idleMs);
    idleTimer.unref?.();
  }

  return {
    decode(frame: RgbaFrame): Promise<DecodedQr[]> {
      if (closed) return Promise.reject(new QrError('QR_DECODER_CLOSED', 'The QR decoder has been shut down.'));
      try {
        // Refuse oversize frames here, before copying or transferring anything.
        checkImageDimensions(frame.width, frame.height);
        if (frame.data.length !== frame.width * frame.height * 4) {
          throw new QrError('FRAME_INVALID', 'The image data does not match its size, so it cannot be scanned.');
        }
        const w = start();
        if (idleTimer) clearTimeout(idleTimer);
        const id = nextId++;
        const whole = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength && frame.data.buffer instanceof ArrayBuffer;
        const data = whole ? (frame.data.buffer as ArrayBuffer) : frame.data.slice().buffer;
        return new Promise<DecodedQr[]>((resolve, reject) => {
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new QrError('QR_DECODE_TIMEOUT', 'Looking for a QR code took too long and was stopped. Try a smaller image or a screenshot of just the code.'));
            void stop().then(() => failAll(new QrError('QR_DECODE_TIMEOUT', 'The QR decoder was restarted; try again.')));
          }, timeoutMs);
          pending.set(id, { resolve, reject, timer });
          const request: QrWorkerRequest = { id, width: frame.width, height: frame.height, data };
          w.postMessage(request, [data]);
        });
      } catch (error) {
        return Promise.reject(error instanceof AuthdeskError ? error : new QrError('QR_DECODER_FAILED', 'The QR decoder could not start.', { cause: error }));
      }
    },
    async close(): Promise<void> {
      closed = true;
      failAll(new QrError('QR_DECODER_CLOSED', 'The QR decoder has been shut down.'));
      await stop();
    },
  };
}
