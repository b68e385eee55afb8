/**
 * A small, strict BMP decoder: libvips (sharp) reads every other format we accept, but not BMP,
 * and Windows' Paint and some screenshot tools still save BMP.
 *
 * Accepted: the Windows BITMAPINFOHEADER family (40-byte header and its V2–V5 extensions), 24-bit
 * (BI_RGB) and 32-bit (BI_RGB or BI_BITFIELDS with any channel masks), bottom-up or top-down.
 * Refused with a clear QrError: palette (1/4/8-bit), 16-bit, RLE/JPEG/PNG-compressed and OS/2 BMPs.
 * Every size is checked against the bytes actually present before anything is read, and the
 * dimensions against QR_LIMITS before any pixel memory is allocated.
 *
 * Alpha is dropped (the output is opaque): most 32-bit BMPs leave the fourth byte at 0 meaning
 * "unused", and a QR code needs only luminance.
 */
import { QrError } from '../../core/errors.js';
import { checkImageDimensions, type RgbaFrame } from '../../core/qr/limits.js';

const FILE_HEADER = 14;
const BI_RGB = 0;
const BI_BITFIELDS = 3;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

function unsupported(what: string): QrError {
  return new QrError('IMAGE_UNSUPPORTED', `This BMP image uses ${what}, which Authdesk does not read (only 24- and 32-bit BMP). Save it as PNG and try again.`);
}

function truncated(): QrError {
  return new QrError('IMAGE_TRUNCATED', 'The image is damaged (truncated): the file ends before all of its pixels.');
}

/** Position and width of a channel mask, for scaling the channel to 8 bits. */
function maskShape(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  // A mask must be one contiguous run of bits.
  if ((max & (max + 1)) !== 0) throw unsupported('non-contiguous colour masks');
  return { shift, max };
}

export function decodeBmp(bytes: Uint8Array): RgbaFrame {
  if (!isBmp(bytes)) throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image.');
  if (bytes.length < FILE_HEADER + 4) throw truncated();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (dibSize === 12 || dibSize === 64) throw unsupported('the old OS/2 header');
  if (dibSize < 40 || dibSize > 1024) throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image (its BMP header is invalid).');
  if (bytes.length < FILE_HEADER + 40) throw truncated();

  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const planes = view.getUint16(26, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if (planes !== 1 || rawHeight === -2147483648) throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image (its BMP header is invalid).');
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image (it declares no valid size).');

  if (bpp === 1 || bpp === 4 || bpp === 8) throw unsupported(`a ${bpp}-bit colour palette`);
  if (bpp !== 24 && bpp !== 32) throw unsupported(`${bpp}-bit pixels`);
  if (compression !== BI_RGB && !(compression === BI_BITFIELDS && bpp === 32)) {
    const names: Record<number, string> = { 1: 'RLE8 compression', 2: 'RLE4 compression', 3: 'colour masks', 4: 'embedded JPEG', 5: 'embedded PNG', 6: 'alpha masks' };
    throw unsupported(names[compression] ?? `compression method ${compression}`);
  }
  // Refuse before allocating anything: the header may claim 60000×60000 in a 60-byte file.
  checkImageDimensions(width, height);

  // Channel masks: BI_RGB 32-bit is BGRX; BI_BITFIELDS stores R, G, B masks right after the
  // 40-byte header (inside V2+ headers, or as 12 extra bytes after a plain 40-byte one).
  let red = maskShape(0x00ff0000);
  let green = maskShape(0x0000ff00);
  let blue = maskShape(0x000000ff);
  if (compression === BI_BITFIELDS) {
    if (bytes.length < FILE_HEADER + 40 + 12) throw truncated();
    red = maskShape(view.getUint32(54, true));
    green = maskShape(view.getUint32(58, true));
    blue = maskShape(view.getUint32(62, true));
    if (red.max === 0 || green.max === 0 || blue.max === 0) throw unsupported('empty colour masks');
  }

  const headerEnd = FILE_HEADER + dibSize + (compression === BI_BITFIELDS && dibSize === 40 ? 12 : 0);
  if (dataOffset < headerEnd || dataOffset > bytes.length) {
    if (dataOffset > bytes.length) throw truncated();
    throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image (its BMP pixel offset is invalid).');
  }
  const bytesPerPixel = bpp / 8;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  // Some writers omit the padding of the very last row; accept that, nothing less.
  const needed = stride * (height - 1) + width * bytesPerPixel;
  if (bytes.length - dataOffset < needed) throw truncated();

  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const src = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 4;
    if (bpp === 24) {
      for (let x = 0, s = src; x < width; x++, s += 3, o += 4) {
        out[o] = bytes[s + 2] as number;
        out[o + 1] = bytes[s + 1] as number;
        out[o + 2] = bytes[s] as number;
        out[o + 3] = 255;
      }
    } else {
      for (let x = 0, s = src; x < width; x++, s += 4, o += 4) {
        const px = view.getUint32(s, true);
        out[o] = Math.round((((px >>> red.shift) & red.max) * 255) / red.max);
        out[o + 1] = Math.round((((px >>> green.shift) & green.max) * 255) / green.max);
        out[o + 2] = Math.round((((px >>> blue.shift) & blue.max) * 255) / blue.max);
        out[o + 3] = 255;
      }
    }
  }
  return { width, height, data: out };
}
