/** node/image/bmp.ts against ImageMagick's BMP writer (an independent encoder) and hand-made headers. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeBmp } from '../../node/image/bmp.js';
import { writeBmp } from '../helpers/qr-corpus.js';

async function sample(): Promise<{ png: Buffer; rgba: Uint8Array; width: number; height: number }> {
  // 7×5 pixels of distinct colours (odd width: row padding matters).
  const width = 7;
  const height = 5;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) raw.set([(i * 37) & 255, (i * 91 + 13) & 255, (i * 53 + 200) & 255], i * 3);
  const png = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
  const rgba = await sharp(png).ensureAlpha().raw().toBuffer();
  return { png, rgba: new Uint8Array(rgba), width, height };
}

const convert = (args: string[], input: Buffer) => execFileSync('convert', args, { input });

describe('decodeBmp', () => {
  it.each([
    ['BMP3 24-bit (bottom-up)', ['png:-', '-type', 'TrueColor', 'BMP3:-']],
    ['BMP4 32-bit with alpha (BI_BITFIELDS masks)', ['png:-', '-alpha', 'on', '-define', 'bmp:format=bmp4', 'BMP:-']],
    ['BMP 32-bit V5 header', ['png:-', '-alpha', 'on', 'BMP:-']],
  ])('reads ImageMagick %s pixel-exactly', async (_name, args) => {
    const s = await sample();
    const frame = decodeBmp(convert(args, s.png));
    expect([frame.width, frame.height]).toEqual([s.width, s.height]);
    expect(Buffer.from(frame.data).equals(Buffer.from(s.rgba))).toBe(true);
  });

  it('reads top-down and bottom-up 24/32-bit BI_RGB written from the format description', async () => {
    const s = await sample();
    for (const bits of [24, 32] as const) {
      for (const topDown of [false, true]) {
        const frame = decodeBmp(writeBmp(s.rgba, s.width, s.height, bits, topDown));
        expect(Buffer.from(frame.data).equals(Buffer.from(s.rgba)), `${bits} ${topDown}`).toBe(true);
      }
    }
  });

  const base = () => writeBmp(new Uint8Array(4 * 4 * 4), 4, 4, 24, false);
  it.each([
    ['16-bit', (b: Buffer) => b.writeUInt16LE(16, 28), 'IMAGE_UNSUPPORTED', /16-bit/],
    ['RLE8', (b: Buffer) => { b.writeUInt16LE(8, 28); b.writeUInt32LE(1, 30); }, 'IMAGE_UNSUPPORTED', /palette/],
    ['embedded PNG', (b: Buffer) => b.writeUInt32LE(5, 30), 'IMAGE_UNSUPPORTED', /embedded PNG/],
    ['OS/2 header', (b: Buffer) => b.writeUInt32LE(12, 14), 'IMAGE_UNSUPPORTED', /OS\/2/],
    ['zero width', (b: Buffer) => b.writeInt32LE(0, 18), 'IMAGE_UNREADABLE', /not a readable image/],
    ['pixel offset past the end', (b: Buffer) => b.writeUInt32LE(1_000_000, 10), 'IMAGE_TRUNCATED', /truncated/],
    ['huge declared size', (b: Buffer) => { b.writeInt32LE(40_000, 18); b.writeInt32LE(-40_000, 22); }, 'IMAGE_TOO_LARGE', /40000×40000/],
  ])('refuses %s with a clear QrError', (_name, mutate, code, message) => {
    const b = base();
    mutate(b);
    expect(() => decodeBmp(b)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('refuses every truncation of a valid file without crashing', () => {
    const good = base();
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeBmp(good.subarray(0, n)), String(n)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^IMAGE_(TRUNCATED|UNREADABLE)$/) }));
    }
  });
});
