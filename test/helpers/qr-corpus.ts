/**
 * The QR fixture corpus, built by the tests (and bench/qr.ts) rather than committed: QR codes from
 * two independent encoders (Debian's `qrencode` and the JS `qrcode` package) placed into
 * screen-sized frames and degraded the ways real screenshots and photos are. Cached in
 * test/.tmp/qr-corpus/<key> (gitignored), where the key is a hash of this file's source: a change
 * to the generator makes a new corpus, nothing else does. One process builds it while the other
 * test files wait for it (buildOnce), so parallel files never build it side by side.
 *
 * Expected payloads come from the generator (the text handed to the encoders), never from the decoder.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import QRCode from 'qrcode';
import sharp, { type Sharp } from 'sharp';

/** Bump to force a rebuild when something outside this file changes what the corpus holds. */
const CORPUS_GENERATION = 'v3';
/** The repository root, found from this file (vitest) or from a bundle in .bench/ (npm run bench). */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'test'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}
export const CORPUS_ROOT = path.join(repoRoot(), 'test/.tmp/qr-corpus');

/** The cache key: this generator's source (found from the repository, so the bench's bundle of
 * this file shares the tests' cache) and the generation above. */
export function corpusKey(): string {
  const source = path.join(repoRoot(), 'test/helpers/qr-corpus.ts');
  const text = existsSync(source) ? readFileSync(source) : Buffer.from(CORPUS_GENERATION);
  return `${CORPUS_GENERATION}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

export type Encoder = 'qrencode' | 'qrcode-js';
export type Degradation =
  | 'clean' | 'tiny-modules' | 'dark-mode' | 'low-contrast' | 'rotated' | 'perspective' | 'blur-noise' | 'heavy-jpeg' | 'two-codes';
export const DEGRADATIONS: readonly Degradation[] = ['clean', 'tiny-modules', 'dark-mode', 'low-contrast', 'rotated', 'perspective', 'blur-noise', 'heavy-jpeg', 'two-codes'];
export const FRAME_SIZES = [
  { name: '1080p', width: 1920, height: 1080, modulePx: 4 },
  { name: '1440p', width: 2560, height: 1440, modulePx: 5 },
  // A 4K display at 200 % (HiDPI): the console's QR is drawn twice as large.
  { name: '4K', width: 3840, height: 2160, modulePx: 8 },
] as const;

export interface DecodeCase {
  readonly kind: 'decode';
  readonly id: string;
  readonly file: string;
  readonly size: string;
  readonly width: number;
  readonly height: number;
  readonly degradation: Degradation | 'format' | 'no-code';
  readonly encoders: readonly Encoder[];
  /** Every payload in the frame (order-insensitive); empty for a frame with no code. */
  readonly expected: readonly string[];
}

export interface BrokenCase {
  readonly kind: 'broken';
  readonly id: string;
  readonly file: string;
  /** The QrError code the loader must refuse it with. */
  readonly expectedError: string;
}

export type CorpusCase = DecodeCase | BrokenCase;
export interface Corpus { readonly dir: string; readonly cases: readonly CorpusCase[] }

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A deterministic fake 64-character AWS-style secret (never a real seed). */
export function fakeSecret(seed: number, length = 64): string {
  let state = (seed * 2654435761 + 12345) >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += BASE32[(state >>> 16) & 31];
  }
  return out;
}

/** What AWS's CreateVirtualMFADevice QR encodes (DESIGN.md section 5). */
export function awsPayload(seed: number): string {
  return `otpauth://totp/Amazon%20Web%20Services:user${seed}@123456789012?secret=${fakeSecret(seed)}&issuer=Amazon%20Web%20Services`;
}

/** A QR code as a PNG with exactly `modulePx` pixels per module and a 4-module quiet zone. */
export async function encodeQrPng(encoder: Encoder, text: string, modulePx: number): Promise<Buffer> {
  if (encoder === 'qrencode') {
    return execFileSync('qrencode', ['-t', 'PNG', '-o', '-', '-s', String(modulePx), '-m', '4', '-l', 'M', '--', text]);
  }
  return QRCode.toBuffer(text, { type: 'png', scale: modulePx, margin: 4, errorCorrectionLevel: 'M' });
}

/** A console-like page: header bar, side navigation, cards and lines of "text" (distractors for the finder). */
function backgroundSvg(width: number, height: number, scale: number): Buffer {
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#f2f3f3"/>`];
  parts.push(`<rect width="${width}" height="${40 * scale}" fill="#232f3e"/>`);
  parts.push(`<rect y="${40 * scale}" width="${260 * scale}" height="${height}" fill="#ffffff"/>`);
  for (let i = 0; i < 24; i++) {
    parts.push(`<rect x="${20 * scale}" y="${(70 + i * 28) * scale}" width="${(120 + ((i * 37) % 90)) * scale}" height="${8 * scale}" fill="#545b64"/>`);
  }
  parts.push(`<rect x="${300 * scale}" y="${70 * scale}" width="${width - 340 * scale}" height="${height - 110 * scale}" fill="#ffffff" stroke="#d5dbdb"/>`);
  for (let i = 0; i < 40; i++) {
    const y = (100 + i * 24) * scale;
    if (y > height - 60 * scale) break;
    parts.push(`<rect x="${330 * scale}" y="${y}" width="${(200 + ((i * 53) % 400)) * scale}" height="${7 * scale}" fill="#16191f" opacity="0.8"/>`);
  }
  // Small dark squares (icons) that look a little like finder patterns.
  for (let i = 0; i < 12; i++) {
    parts.push(`<rect x="${(900 + i * 60) * scale}" y="${60 * scale}" width="${14 * scale}" height="${14 * scale}" fill="#000"/>`);
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`);
}

async function frameWith(width: number, height: number, scale: number, codes: { png: Buffer; left: number; top: number }[]): Promise<Sharp> {
  const base = await sharp(backgroundSvg(width, height, scale)).flatten({ background: '#f2f3f3' }).png().toBuffer();
  return sharp(base).composite(codes.map((c) => ({ input: c.png, left: c.left, top: c.top })));
}

async function pngSize(png: Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(png).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
}

function imagemagick(args: string[], input: Buffer): Buffer {
  return execFileSync('convert', args, { input, maxBuffer: 512 * 1024 * 1024 });
}

/** Tilt the code as if photographed at an angle: ImageMagick's 4-point perspective distortion. */
function perspective(png: Buffer, w: number, h: number): Buffer {
  const d = Math.round(w * 0.18);
  const points = `0,0 ${d},${Math.round(h * 0.06)}  ${w},0 ${w - Math.round(d / 3)},0  ${w},${h} ${w},${h}  0,${h} ${Math.round(d / 2)},${h - Math.round(h * 0.1)}`;
  return imagemagick(['png:-', '-virtual-pixel', 'white', '-distort', 'Perspective', points, 'png:-'], png);
}

async function addNoise(image: Sharp, sigma: number, seed: number): Promise<Buffer> {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let state = seed >>> 0;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < data.length; i++) {
    // Box-Muller would be exact; the sum of 3 uniforms is a close, fast approximation of a Gaussian.
    const n = (rand() + rand() + rand() - 1.5) * 2 * sigma;
    data[i] = Math.max(0, Math.min(255, Math.round((data[i] ?? 0) + n)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).png({ compressionLevel: 1 }).toBuffer();
}

async function buildDecodeCase(dir: string, degradation: Degradation, size: (typeof FRAME_SIZES)[number], encoder: Encoder, seed: number): Promise<DecodeCase> {
  const { width, height } = size;
  const scale = size.modulePx / 4;
  const modulePx = degradation === 'tiny-modules' ? 2 : size.modulePx;
  const payload = awsPayload(seed);
  let png = await encodeQrPng(encoder, payload, modulePx);
  let dims = await pngSize(png);
  if (degradation === 'rotated') {
    png = await sharp(png).rotate(17 + (seed % 3) * 8, { background: '#ffffff' }).png().toBuffer();
    dims = await pngSize(png);
  } else if (degradation === 'perspective') {
    png = perspective(png, dims.width, dims.height);
    dims = await pngSize(png);
  }
  const left = Math.round(width * 0.45 + (seed % 5) * 17);
  const top = Math.round(height * 0.3 + (seed % 7) * 11);
  const codes = [{ png, left, top }];
  const expected = [payload];
  const encoders: Encoder[] = [encoder];
  if (degradation === 'two-codes') {
    const other: Encoder = encoder === 'qrencode' ? 'qrcode-js' : 'qrencode';
    const secondPayload = awsPayload(seed + 1000);
    const second = await encodeQrPng(other, secondPayload, size.modulePx);
    codes.push({ png: second, left: Math.min(width - (await pngSize(second)).width - 10, left + dims.width + 60 * scale), top: Math.round(top + 40 * scale) });
    expected.push(secondPayload);
    encoders.push(other);
  }
  let frame = await frameWith(width, height, scale, codes);
  let ext = 'png';
  let bytes: Buffer;
  switch (degradation) {
    case 'dark-mode':
      bytes = await sharp(await frame.png().toBuffer()).negate({ alpha: false }).png({ compressionLevel: 1 }).toBuffer();
      break;
    case 'low-contrast':
      // The whole page squeezed into grey levels 105..160: a dimmed screen, a washed-out photo.
      bytes = await sharp(await frame.png().toBuffer()).linear(55 / 255, 105).png({ compressionLevel: 1 }).toBuffer();
      break;
    case 'blur-noise':
      frame = sharp(await frame.png().toBuffer()).blur(0.5 + scale * 0.5);
      bytes = await addNoise(frame, 14, seed);
      break;
    case 'heavy-jpeg':
      ext = 'jpg';
      bytes = await sharp(await frame.png().toBuffer()).jpeg({ quality: 10 + (seed % 3) * 5, chromaSubsampling: '4:2:0' }).toBuffer();
      break;
    default:
      bytes = await frame.png({ compressionLevel: 1 }).toBuffer();
  }
  const id = `${size.name}-${degradation}-${encoder}`;
  const file = `${id}.${ext}`;
  writeFileSync(path.join(dir, file), bytes);
  return { kind: 'decode', id, file, size: size.name, width, height, degradation, encoders, expected };
}

/** A minimal PNG whose header declares `width`×`height` (with valid CRCs) but carries almost no pixels. */
export function pngWithDeclaredSize(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * A BMP written straight from the format description (BITMAPINFOHEADER, BI_RGB), independent of
 * the decoder under test: 24-bit (rows padded to 4 bytes) or 32-bit (BGRX), bottom-up or top-down.
 */
export function writeBmp(rgba: Uint8Array, width: number, height: number, bits: 24 | 32, topDown: boolean): Buffer {
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + rowBytes * height, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(topDown ? -height : height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(bits, 28);
  header.writeUInt32LE(0, 30);
  header.writeUInt32LE(rowBytes * height, 34);
  const pixels = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const row = topDown ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 4;
      const d = row * rowBytes + x * (bits / 8);
      pixels[d] = rgba[s + 2] ?? 0;
      pixels[d + 1] = rgba[s + 1] ?? 0;
      pixels[d + 2] = rgba[s] ?? 0;
      if (bits === 32) pixels[d + 3] = 255;
    }
  }
  return Buffer.concat([header, pixels]);
}

async function buildFormatCases(dir: string): Promise<CorpusCase[]> {
  const cases: CorpusCase[] = [];
  const { width, height } = { width: 1280, height: 720 };
  const payload = awsPayload(777);
  const frame = await frameWith(width, height, 1, [{ png: await encodeQrPng('qrencode', payload, 4), left: 600, top: 200 }]);
  const framePng = await frame.png().toBuffer();
  const rgba = await sharp(framePng).ensureAlpha().raw().toBuffer();
  const add = (id: string, file: string, bytes: Buffer, expected: string[] = [payload]) => {
    writeFileSync(path.join(dir, file), bytes);
    cases.push({ kind: 'decode', id, file, size: '720p', width, height, degradation: 'format', encoders: ['qrencode'], expected });
  };
  add('format-webp', 'format.webp', await sharp(framePng).webp({ quality: 90 }).toBuffer());
  add('format-jpeg', 'format.jpeg', await sharp(framePng).jpeg({ quality: 85 }).toBuffer());
  // GIF: the first frame holds the code, the second does not — only the first frame is read.
  const blank = await sharp({ create: { width, height, channels: 4, background: '#ffffff' } }).png().toBuffer();
  add('format-gif-first-frame', 'format.gif', await sharp([framePng, blank], { join: { animated: true } }).gif({ delay: [500, 500] }).toBuffer());
  add('format-bmp24-bottom-up', 'format-24.bmp', writeBmp(rgba, width, height, 24, false));
  add('format-bmp32-top-down', 'format-32-topdown.bmp', writeBmp(rgba, width, height, 32, true));
  // ImageMagick's own BMP writer as a second, independent encoder (BMP3: 24-bit, bottom-up).
  add('format-bmp-imagemagick', 'format-im.bmp', imagemagick(['png:-', '-type', 'TrueColor', 'BMP3:-'], framePng));
  // Odd width exercises BMP row padding.
  const oddPayload = awsPayload(778);
  const odd = await sharp(await encodeQrPng('qrcode-js', oddPayload, 3)).extend({ right: 1, background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  writeFileSync(path.join(dir, 'format-24-odd.bmp'), writeBmp(odd.data, odd.info.width, odd.info.height, 24, false));
  cases.push({ kind: 'decode', id: 'format-bmp24-odd-width', file: 'format-24-odd.bmp', size: `${odd.info.width}x${odd.info.height}`, width: odd.info.width, height: odd.info.height, degradation: 'format', encoders: ['qrcode-js'], expected: [oddPayload] });
  return cases;
}

async function buildNoCodeAndBrokenCases(dir: string): Promise<CorpusCase[]> {
  const cases: CorpusCase[] = [];
  for (const size of [FRAME_SIZES[0], FRAME_SIZES[2]]) {
    const frame = await frameWith(size.width, size.height, size.modulePx / 4, []);
    const file = `${size.name}-no-code.png`;
    writeFileSync(path.join(dir, file), await frame.png({ compressionLevel: 1 }).toBuffer());
    cases.push({ kind: 'decode', id: `${size.name}-no-code`, file, size: size.name, width: size.width, height: size.height, degradation: 'no-code', encoders: [], expected: [] });
  }
  const good = await frameWith(640, 480, 1, [{ png: await encodeQrPng('qrencode', awsPayload(900), 4), left: 200, top: 100 }]);
  const goodPng = await good.png().toBuffer();
  const broken = (id: string, file: string, bytes: Buffer, expectedError: string) => {
    writeFileSync(path.join(dir, file), bytes);
    cases.push({ kind: 'broken', id, file, expectedError });
  };
  broken('broken-truncated-png', 'truncated.png', goodPng.subarray(0, Math.floor(goodPng.length / 2)), 'IMAGE_TRUNCATED');
  let state = 42;
  const random = Buffer.from(Array.from({ length: 4096 }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24)));
  broken('broken-random-bytes', 'random.png', random, 'IMAGE_UNREADABLE');
  broken('broken-zero-byte', 'empty.png', Buffer.alloc(0), 'IMAGE_EMPTY');
  broken('broken-text-as-jpeg', 'notes.jpg', Buffer.from('This is a text file, not a photo.\n'), 'IMAGE_UNREADABLE');
  broken('broken-huge-png', 'huge.png', pngWithDeclaredSize(100_000, 100_000), 'IMAGE_TOO_LARGE');
  const hugeBmp = writeBmp(new Uint8Array(4 * 4 * 4), 4, 4, 24, false);
  hugeBmp.writeInt32LE(60_000, 18);
  hugeBmp.writeInt32LE(60_000, 22);
  broken('broken-huge-bmp', 'huge.bmp', hugeBmp, 'IMAGE_TOO_LARGE');
  const truncatedBmp = writeBmp(new Uint8Array(64 * 64 * 4).fill(200), 64, 64, 24, false);
  broken('broken-truncated-bmp', 'truncated.bmp', truncatedBmp.subarray(0, 54 + 1000), 'IMAGE_TRUNCATED');
  const paletteBmp = Buffer.from(truncatedBmp);
  paletteBmp.writeUInt16LE(8, 28);
  broken('broken-8bit-bmp', 'palette.bmp', paletteBmp, 'IMAGE_UNSUPPORTED');
  return cases;
}

let building: Promise<Corpus> | undefined;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One builder per machine-wide run: the first process to create `<dir>.lock` builds, every other
 * test file (in other workers) waits for its manifest instead of building side by side (which on a
 * busy 2-core machine made each build slow enough to hit a hook limit). A lock left by a process
 * that died is taken over.
 */
async function buildOnce(dir: string, build: (work: string) => Promise<void>): Promise<void> {
  const manifest = path.join(dir, 'manifest.json');
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(dir), { recursive: true });
  for (;;) {
    if (existsSync(manifest)) return;
    try {
      mkdirSync(lock);
    } catch {
      const owner = Number(existsSync(path.join(lock, 'pid')) ? readFileSync(path.join(lock, 'pid'), 'utf8') : NaN);
      if (Number.isInteger(owner) && !pidAlive(owner)) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      if (existsSync(manifest)) return;
      const work = `${dir}.build-${process.pid}-${Date.now()}`;
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      await build(work);
      renameSync(work, dir);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Build (or reuse the cached) corpus. Safe to call from several test files at once (buildOnce). */
export function buildQrCorpus(): Promise<Corpus> {
  building ??= (async () => {
    const key = corpusKey();
    const dir = path.join(CORPUS_ROOT, key);
    const manifest = path.join(dir, 'manifest.json');
    if (existsSync(manifest)) return { dir, cases: JSON.parse(readFileSync(manifest, 'utf8')) as CorpusCase[] };
    // Corpora of older generator versions are dead weight (each is ~40 MB).
    if (existsSync(CORPUS_ROOT)) {
      for (const old of readdirSync(CORPUS_ROOT)) if (!old.startsWith(key)) rmSync(path.join(CORPUS_ROOT, old), { recursive: true, force: true });
    }
    await buildOnce(dir, async (work) => {
      const cases: CorpusCase[] = [];
      let seed = 1;
      for (const [d, degradation] of DEGRADATIONS.entries()) {
        for (const [s, size] of FRAME_SIZES.entries()) {
          const encoder: Encoder = (d + s) % 2 === 0 ? 'qrencode' : 'qrcode-js';
          cases.push(await buildDecodeCase(work, degradation, size, encoder, seed++));
          if (degradation === 'clean') cases.push(await buildDecodeCase(work, degradation, size, encoder === 'qrencode' ? 'qrcode-js' : 'qrencode', seed++));
        }
      }
      cases.push(...(await buildFormatCases(work)));
      cases.push(...(await buildNoCodeAndBrokenCases(work)));
      writeFileSync(path.join(work, 'manifest.json'), JSON.stringify(cases, null, 1));
    });
    return { dir, cases: JSON.parse(readFileSync(manifest, 'utf8')) as CorpusCase[] };
  })();
  return building;
}
