/**
 * Image bytes -> RGBA frame, for the QR decoder. PNG, JPEG, WebP and GIF (first frame) through sharp
 * (libvips); BMP through our own decoder (node/image/bmp.ts), since libvips does not read it.
 *
 * Order of checks, so hostile input costs nothing: the file size (before reading), the format and
 * declared dimensions from the header (sharp `metadata()` reads only the header), and only then the
 * pixels. Every failure is a QrError with a sentence for a person; nothing here throws anything else.
 */
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { AuthdeskError, QrError } from '../../core/errors.js';
import { QR_LIMITS, checkImageDimensions, type RgbaFrame } from '../../core/qr/limits.js';
import { decodeBmp, isBmp } from './bmp.js';
import { readUserFile, UserFileError } from '../user-file.js';

/** Formats accepted from libvips; anything else it might read (SVG, TIFF, HEIF, PDF…) is refused. */
export const SUPPORTED_IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'gif', 'bmp'] as const;
const SHARP_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif']);
const SUPPORTED_TEXT = 'PNG, JPEG, WebP, GIF or BMP';

export interface LoadedImage extends RgbaFrame {
  readonly format: (typeof SUPPORTED_IMAGE_FORMATS)[number];
}

function unreadable(cause?: unknown): QrError {
  return new QrError('IMAGE_UNREADABLE', `This file is not a readable image. Authdesk reads ${SUPPORTED_TEXT} images.`, cause === undefined ? undefined : { cause });
}

function checkByteSize(size: number): void {
  if (size === 0) throw new QrError('IMAGE_EMPTY', 'The image file is empty (0 bytes).');
  if (size > QR_LIMITS.MAX_FILE_BYTES) {
    throw new QrError('IMAGE_FILE_TOO_LARGE',
      `The image file is ${(size / 1_048_576).toFixed(0)} MiB, larger than Authdesk reads (${QR_LIMITS.MAX_FILE_BYTES / 1_048_576} MiB). Crop it around the QR code or take a screenshot instead.`);
  }
}

/** Decode image bytes (from a file, the clipboard or a drag-and-drop) into an opaque RGBA frame. */
export async function decodeImageBytes(input: Uint8Array): Promise<LoadedImage> {
  checkByteSize(input.length);
  if (isBmp(input)) return { ...decodeBmp(input), format: 'bmp' };

  let metadata: Metadata;
  try {
    metadata = await sharp(input, { pages: 1, limitInputPixels: false }).metadata();
  } catch (cause) {
    throw unreadable(cause);
  }
  const format = metadata.format === ('jpg' as string) ? 'jpeg' : metadata.format;
  if (format === undefined || !SHARP_FORMATS.has(format)) {
    throw new QrError('IMAGE_UNSUPPORTED', `This is a${format ? ` ${String(format).toUpperCase()}` : 'n unsupported'} image; Authdesk reads ${SUPPORTED_TEXT} images.`);
  }
  // The header's dimensions, checked before a single pixel is decoded. For an animated GIF/WebP,
  // `pageHeight` is the height of one frame (the one we read).
  checkImageDimensions(metadata.width ?? 0, metadata.pageHeight ?? metadata.height ?? 0);

  try {
    const { data, info } = await sharp(input, { pages: 1, page: 0, limitInputPixels: QR_LIMITS.MAX_PIXELS, failOn: 'error', autoOrient: true })
      // Transparent pixels may hold any colour (often black): put them on white, as a viewer shows them.
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || data.length !== info.width * info.height * 4) throw unreadable();
    checkImageDimensions(info.width, info.height);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), format: format as LoadedImage['format'] };
  } catch (cause) {
    if (cause instanceof AuthdeskError) throw cause;
    // The header was fine (metadata succeeded), so the pixel data is what is broken.
    throw new QrError('IMAGE_TRUNCATED', 'The image is damaged (truncated): part of it is missing or corrupt. Save or copy it again.', { cause });
  }
}

/**
 * Read an image file: only a regular file, checked on the opened handle (no race between a check
 * and the read), refused by its size before anything is read, read with a cap (node/user-file.ts).
 */
export async function loadImageFile(file: string): Promise<LoadedImage> {
  const shown = path.basename(file);
  let bytes: Uint8Array;
  try {
    bytes = await readUserFile(file, QR_LIMITS.MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof UserFileError) throw fileError(error, shown);
    throw error;
  }
  return decodeImageBytes(bytes);
}

function fileError(error: UserFileError, shown: string): QrError {
  switch (error.problem) {
    case 'missing':
      return new QrError('IMAGE_NOT_FOUND', `There is no file "${shown}". Check the name and the folder.`, { cause: error });
    case 'not-permitted':
      return new QrError('IMAGE_NOT_PERMITTED', `Authdesk is not allowed to read "${shown}". Check the file's permissions.`, { cause: error });
    case 'directory':
      return new QrError('IMAGE_NOT_A_FILE', `"${shown}" is a folder, not an image file.`, { cause: error });
    case 'not-regular':
      return new QrError('IMAGE_NOT_A_FILE', `"${shown}" is not a regular file.`, { cause: error });
    case 'too-large':
      checkByteSize(error.size ?? QR_LIMITS.MAX_FILE_BYTES + 1);
      return new QrError('IMAGE_FILE_TOO_LARGE', `"${shown}" is too large.`, { cause: error });
    default:
      return new QrError('IMAGE_READ_FAILED', `"${shown}" could not be read (${error.errno ?? 'read error'}).`, { cause: error });
  }
}
