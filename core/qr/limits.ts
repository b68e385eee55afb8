/**
 * The QR scanner's size limits and the frame type, apart from the decoder so that image loading
 * (node/image), the worker client and screen capture can check sizes without loading zxing-wasm.
 */
import { QrError } from '../errors.js';

export const QR_LIMITS = {
  /** 16384 px is the largest texture/canvas side Chromium and most GPUs accept, and twice the width
   * of an 8K display; a wider image is a panorama or a forged header, not a screenshot. */
  MAX_SIDE: 16_384,
  /** 64 megapixels covers an 8K display (33 MP), a 48–50 MP phone photo and three 5K displays side by
   * side (44 MP). Decoding 64 MP takes ~0.6 s and ~256 MiB of RGBA (+ ~140 MiB of wasm heap); at
   * 100 MP it is ~0.85 s and 1.2 GB of process memory — refused up front instead. */
  MAX_PIXELS: 64 * 1024 * 1024,
  /** The largest legitimate file is an uncompressed 24-bit BMP at the pixel limit (192 MiB);
   * PNG/JPEG/WebP screenshots and photos are a small fraction of that. */
  MAX_FILE_BYTES: 200 * 1024 * 1024,
  /** A frame with more codes than this is not a screenshot of an enrollment page. */
  MAX_SYMBOLS: 32,
} as const;

/** Raw pixels, 4 bytes per pixel (R, G, B, A), rows top to bottom, no padding. */
export interface RgbaFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** Refuse sizes outside the limits before any pixel is decoded (call it on header dimensions too). */
export function checkImageDimensions(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image (it declares no valid size).');
  }
  if (width > QR_LIMITS.MAX_SIDE || height > QR_LIMITS.MAX_SIDE || width * height > QR_LIMITS.MAX_PIXELS) {
    throw new QrError('IMAGE_TOO_LARGE',
      `The image is ${width}×${height} pixels, larger than Authdesk reads (at most ${QR_LIMITS.MAX_SIDE} pixels a side and ${Math.round(QR_LIMITS.MAX_PIXELS / 1_048_576)} megapixels). Crop it around the QR code or take a screenshot instead.`,
      { details: { width, height } });
  }
}

