/**
 * The QR decoding worker (worker_threads). Built to dist/main/qr-worker.mjs by scripts/build.mjs;
 * started by node/qr/worker-client.ts. One request at a time per worker, answered in order.
 */
import { parentPort } from 'node:worker_threads';
import { toUserFacing } from '../../core/errors.js';
import { decodeFrameInProcess } from './decoder.js';
import type { QrWorkerRequest, QrWorkerResponse } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('node/qr/worker.ts must run as a worker thread.');

port.on('message', (request: QrWorkerRequest) => {
  const started = performance.now();
  decodeFrameInProcess({ width: request.width, height: request.height, data: new Uint8Array(request.data) }).then(
    (results) => port.postMessage({ id: request.id, ok: true, results, ms: performance.now() - started } satisfies QrWorkerResponse),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: toUserFacing(error) } satisfies QrWorkerResponse),
  );
});
