/**
 * The one QR decoding module: an RGBA frame in, every QR payload in it out.
 *
 * Runs wherever WebAssembly does: Node's main thread (the CLI), a worker_threads worker (Electron
 * main, node/qr/worker.ts) and a Web Worker (the renderer's camera). It never fetches anything:
 * the caller hands over the `.wasm` (bytes in Node, a bundled URL in the renderer) through
 * `configureQrDecoder` before the first decode; without it decoding refuses instead of letting
 * zxing-wasm fall back to its default CDN URL.
 *
 * Why zxing-wasm (ZXing-C++) and not jsqr: measured on the test corpus (bench/qr.ts,
 * docs/dependencies.md), ZXing decodes every case including two codes in one frame, low contrast and
 * blur + noise, at ~55 ms for a 4K frame; jsqr finds at most one code per call, misses low contrast
 * and noisy frames, and takes 300–900 ms (up to 18 s on noise) for 4K.
 *
 * Why no hand-made "downscale, then decode the found region" fast path: ZXing-C++ already searches
 * an image pyramid (`tryDownscale`); a 2× box-downscale in JavaScript before it cost as much as it
 * saved (4K: 55 ms either way) and risks losing 2-px modules. Measured, so not built.
 */
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { QrError } from '../errors.js';
import { QR_LIMITS, checkImageDimensions, type RgbaFrame } from './limits.js';

export { QR_LIMITS, checkImageDimensions, type RgbaFrame } from './limits.js';

export interface QrPoint { readonly x: number; readonly y: number }

export interface DecodedQr {
  /** The payload as text (byte mode read as UTF-8 / ECI as declared). */
  readonly text: string;
  /** Corners in frame pixels: top-left, top-right, bottom-right, bottom-left (of the code itself,
   * so rotated codes give a rotated quadrilateral) — used to outline the code in the camera view. */
  readonly corners: readonly [QrPoint, QrPoint, QrPoint, QrPoint];
}

/** How the `.wasm` reaches the decoder: its bytes (Node) or a URL the bundler emitted (renderer). */
export type QrWasmSource =
  | { readonly wasmBinary: ArrayBuffer | Uint8Array }
  | { readonly wasmUrl: string };

/**
 * ZXing options, all explicit (never the library's defaults, which may change between releases):
 * QR only; tryHarder/tryRotate/tryInvert for tilted, rotated and dark-mode codes; the internal
 * downscale pyramid for large frames; up to MAX_SYMBOLS codes per frame.
 */
export const QR_READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  downscaleThreshold: 500,
  downscaleFactor: 3,
  tryDenoise: false,
  isPure: false,
  binarizer: 'LocalAverage',
  maxNumberOfSymbols: QR_LIMITS.MAX_SYMBOLS,
  returnErrors: false,
  textMode: 'Plain',
  characterSet: 'Unknown',
};

let configured = false;

/** Hand the decoder its `.wasm` (see QrWasmSource). Call once per thread/worker before decoding. */
export function configureQrDecoder(source: QrWasmSource): void {
  if ('wasmBinary' in source) {
    const bytes = source.wasmBinary;
    const buffer = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes;
    prepareZXingModule({ overrides: { wasmBinary: buffer }, fireImmediately: false });
  } else {
    const url = source.wasmUrl;
    prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? url : prefix + path) }, fireImmediately: false });
  }
  configured = true;
}

export function isQrDecoderConfigured(): boolean {
  return configured;
}

function checkFrame(frame: RgbaFrame): void {
  checkImageDimensions(frame.width, frame.height);
  if (frame.data.length !== frame.width * frame.height * 4) {
    throw new QrError('FRAME_INVALID', 'The image data does not match its size, so it cannot be scanned.', {
      details: { width: frame.width, height: frame.height, bytes: frame.data.length },
    });
  }
}

/**
 * Every QR code in the frame, in reading order as ZXing reports them, duplicates (the same text
 * twice) removed. Resolves to [] when there is none; throws QrError for an invalid frame or when the
 * decoder was not configured or could not load.
 */
export async function decodeQrFrame(frame: RgbaFrame): Promise<DecodedQr[]> {
  checkFrame(frame);
  if (!configured) {
    throw new QrError('QR_DECODER_NOT_CONFIGURED', 'The QR decoder is not ready (internal setup missing). Restart Authdesk; report it if it keeps happening.');
  }
  const data = frame.data instanceof Uint8ClampedArray ? frame.data : new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  let results;
  try {
    // zxing-wasm duck-types ImageData ({ width, height, data }); there is no ImageData in Node.
    results = await readBarcodes({ width: frame.width, height: frame.height, data, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0], QR_READER_OPTIONS);
  } catch (cause) {
    // A damaged or wrong `.wasm` fails to compile (CompileError/LinkError): an installation problem,
    // not a problem with the image.
    if (/CompileError|LinkError/.test(String((cause as Error | undefined)?.message ?? cause))) {
      throw new QrError('QR_DECODER_UNAVAILABLE', 'The QR decoder could not load (its WebAssembly file is missing or damaged). Reinstall Authdesk.', { cause });
    }
    throw new QrError('QR_DECODER_FAILED', 'The QR decoder could not run on this image. Try a screenshot of just the code.', { cause });
  }
  const seen = new Set<string>();
  const out: DecodedQr[] = [];
  for (const r of results) {
    if (!r.isValid || seen.has(r.text)) continue;
    seen.add(r.text);
    const p = r.position;
    out.push({
      text: r.text,
      corners: [
        { x: p.topLeft.x, y: p.topLeft.y },
        { x: p.topRight.x, y: p.topRight.y },
        { x: p.bottomRight.x, y: p.bottomRight.y },
        { x: p.bottomLeft.x, y: p.bottomLeft.y },
      ],
    });
  }
  return out;
}
