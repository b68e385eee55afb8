/**
 * The QR decoder in this thread, with zxing-wasm's `.wasm` read from node_modules (never fetched).
 * Used directly by the CLI and inside the worker (node/qr/worker.ts); the Electron main process
 * uses the worker (node/qr/worker-client.ts) so that decoding never blocks the UI.
 *
 * ESM only (it resolves the `.wasm` from import.meta.url): do not import it from the CJS main bundle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { QrError } from '../../core/errors.js';
import { configureQrDecoder, decodeQrFrame, isQrDecoderConfigured, type DecodedQr, type RgbaFrame } from '../../core/qr/decode.js';

/** Absolute path of zxing-wasm's reader `.wasm` (the package exports it as `zxing-wasm/reader/zxing_reader.wasm`). */
export function zxingWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

/** Configure the decoder once for this thread. Throws QrError when the `.wasm` is missing. */
export function ensureQrDecoderReady(): void {
  if (isQrDecoderConfigured()) return;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(zxingWasmPath());
  } catch (cause) {
    throw new QrError('QR_DECODER_UNAVAILABLE', 'The QR decoder is missing from this installation (zxing_reader.wasm). Reinstall Authdesk.', { cause });
  }
  configureQrDecoder({ wasmBinary: bytes });
}

/** Decode in this thread (blocks it for the decode: ~15 ms at 1080p, ~55 ms at 4K). */
export async function decodeFrameInProcess(frame: RgbaFrame): Promise<DecodedQr[]> {
  ensureQrDecoderReady();
  return decodeQrFrame(frame);
}
