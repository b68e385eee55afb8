/**
 * The camera's QR decoder, in a Web Worker so the preview never stutters: the same module the main
 * process uses (core/qr/decode.ts, zxing-wasm), with the `.wasm` bundled by Vite (`?url`) and served
 * from the app's own origin — nothing is fetched from the network.
 *
 * Protocol: in { id, width, height, data: ArrayBuffer (RGBA, transferred) }
 *           out { id, ok: true, results: DecodedQr[] } | { id, ok: false, message }
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
// The one decoding module (issue 3: the same decoder in main's worker thread and here). A worker is
// not UI code: it has no access to window.authdesk, and the decoder is pure (no Node, no DOM).
// eslint-disable-next-line no-restricted-imports
import { configureQrDecoder, decodeQrFrame } from '../../../core/qr/decode.js';

configureQrDecoder({ wasmUrl });

interface Request { id: number; width: number; height: number; data: ArrayBuffer }

self.onmessage = (event: MessageEvent<Request>) => {
  const { id, width, height, data } = event.data;
  decodeQrFrame({ width, height, data: new Uint8ClampedArray(data) }).then(
    (results) => self.postMessage({ id, ok: true, results }),
    (error: unknown) => self.postMessage({ id, ok: false, message: error instanceof Error ? error.message : 'The QR decoder failed.' }),
  );
};
