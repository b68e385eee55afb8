/**
 * Screen-like frames for the scan e2e tests (test/e2e/scan-screen.test.ts): an "AWS console" IAM
 * "Set up device" panel (or any other HTML) rendered by a real Chromium page at a display's size and
 * scale factor, screenshotted by Playwright, and converted to the RGBA frame Electron's
 * desktopCapturer hands to the decoder (electron/main/capture.ts). Plus the independent oracles:
 * random secrets, Debian's `qrencode` / the JS `qrcode` encoder, `oathtool`, `secret-tool`.
 *
 * Nothing here comes from the code under test: QR images are made by the two encoders, expected
 * codes by oathtool, keychain contents are read with secret-tool.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import type { RgbaFrame } from '../../core/qr/limits.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Random bytes as unpadded RFC 4648 base32 (40 bytes -> exactly 64 characters, like AWS's seeds). */
export function randomBase32(bytes = 40): string {
  const data = randomBytes(bytes);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  data.fill(0);
  return out;
}

export const AWS_ISSUER = 'Amazon Web Services';

/** What the IAM console's QR code encodes (DESIGN.md section 5). */
export function awsUri(user: string, secret: string, account = '123456789012'): string {
  return `otpauth://totp/Amazon%20Web%20Services:${encodeURIComponent(user)}@${account}?secret=${secret}&issuer=Amazon%20Web%20Services`;
}

export type QrEncoder = 'qrencode' | 'qrcode-js';

/** A QR code PNG (`modulePx` pixels per module, 4-module quiet zone) as a data: URL for the page. */
export async function qrDataUrl(encoder: QrEncoder, text: string, modulePx = 4): Promise<string> {
  const png = encoder === 'qrencode'
    ? execFileSync('qrencode', ['-t', 'PNG', '-o', '-', '-s', String(modulePx), '-m', '4', '-l', 'M', '--', text])
    : await QRCode.toBuffer(text, { type: 'png', scale: modulePx, margin: 4, errorCorrectionLevel: 'M' });
  return `data:image/png;base64,${png.toString('base64')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ConsolePageOptions {
  /** The QR image (data: URL), or none ("Show QR code" not clicked yet). */
  readonly qr?: string;
  /** Displayed width of the QR in CSS px (the console draws it at about 200 px). */
  readonly qrCssPx?: number;
  /** Invert the QR image like a "dark reader" browser extension does in dark mode. */
  readonly invertQr?: boolean;
  /** Browser zoom (CSS zoom on the page): 0.8 = "zoomed out". */
  readonly zoom?: number;
  readonly user?: string;
  /** Heading of the panel (default: the IAM "Set up device" wording). */
  readonly title?: string;
  /** Extra panels to the right (a second QR on the same screen). */
  readonly extraQr?: { readonly qr: string; readonly caption: string };
}

/**
 * An AWS-console-like page: the dark top bar, the IAM side navigation, breadcrumbs, and the
 * "Set up device" panel with its three steps, the QR in step 2 and the two MFA code fields.
 * Light and dark palettes follow `prefers-color-scheme` (the Playwright context's colorScheme).
 */
export function consolePageHtml(options: ConsolePageOptions = {}): string {
  const user = escapeHtml(options.user ?? 'alice');
  const qrPx = options.qrCssPx ?? 200;
  const qrBlock = options.qr
    ? `<img class="qr${options.invertQr ? ' qr--inverted' : ''}" alt="QR code" width="${qrPx}" height="${qrPx}" src="${options.qr}">`
    : `<div class="qr-placeholder" style="width:${qrPx}px;height:${qrPx}px"><a href="#">Show QR code</a></div>`;
  const extra = options.extraQr
    ? `<section class="panel"><h2>${escapeHtml(options.extraQr.caption)}</h2><img class="qr" alt="QR code" width="${qrPx}" height="${qrPx}" src="${options.extraQr.qr}"></section>`
    : '';
  const nav = ['Dashboard', 'User groups', 'Users', 'Roles', 'Policies', 'Identity providers', 'Account settings', 'Root access management', 'Access reports', 'Access Analyzer', 'Credential report', 'Organization activity', 'Service control policies']
    .map((item) => `<li${item === 'Users' ? ' class="active"' : ''}>${item}</li>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  :root { color-scheme: light dark; --bg:#f2f3f3; --panel:#fff; --text:#16191f; --muted:#545b64; --border:#d5dbdb; --link:#0073bb; --top:#232f3e; --accent:#ec7211; }
  @media (prefers-color-scheme: dark) { :root { --bg:#0f1b2a; --panel:#1a2332; --text:#d1d5db; --muted:#95a5a6; --border:#414d5c; --link:#89bdee; --top:#0f1b2a; --accent:#ff9900; } }
  * { box-sizing: border-box; }
  html { zoom: ${options.zoom ?? 1}; }
  body { margin:0; font: 14px/1.45 "Amazon Ember","Helvetica Neue",Roboto,Arial,sans-serif; background:var(--bg); color:var(--text); }
  header { height:40px; background:var(--top); color:#fff; display:flex; align-items:center; gap:24px; padding:0 16px; border-bottom:1px solid #414d5c; }
  header .logo { font-weight:700; font-size:18px; } header .search { flex:0 0 420px; height:28px; border-radius:4px; background:#fff2; }
  header .right { margin-left:auto; display:flex; gap:18px; font-size:13px; }
  .layout { display:flex; min-height:calc(100vh - 40px); }
  nav { width:260px; background:var(--panel); border-right:1px solid var(--border); padding:16px 0; }
  nav h3 { margin:0 20px 12px; font-size:16px; } nav ul { list-style:none; margin:0; padding:0; }
  nav li { padding:6px 20px; color:var(--muted); } nav li.active { color:var(--link); font-weight:700; border-left:4px solid var(--link); padding-left:16px; }
  main { flex:1; padding:20px 40px; display:flex; flex-direction:column; gap:16px; }
  .crumbs { color:var(--link); font-size:13px; } h1 { margin:0; font-size:24px; font-weight:700; }
  .panels { display:flex; gap:24px; align-items:flex-start; }
  .panel { background:var(--panel); border:1px solid var(--border); border-radius:8px; padding:20px 24px; box-shadow:0 1px 1px #0002; }
  .panel.main { max-width:880px; flex:1; } .panel h2 { margin:0 0 12px; font-size:18px; }
  ol.steps { margin:0; padding-left:22px; display:flex; flex-direction:column; gap:18px; }
  ol.steps li p { margin:4px 0; color:var(--muted); }
  .qr { display:block; margin:12px 0; } .qr--inverted { filter: invert(1); }
  .qr-placeholder { display:grid; place-items:center; border:1px dashed var(--border); margin:12px 0; }
  .field { display:flex; flex-direction:column; gap:4px; margin:8px 0; max-width:320px; }
  .field input { height:32px; border:1px solid var(--border); border-radius:4px; background:var(--panel); }
  .buttons { display:flex; gap:12px; justify-content:flex-end; margin-top:12px; }
  .btn { padding:6px 18px; border-radius:16px; border:1px solid var(--link); color:var(--link); font-weight:700; }
  .btn.primary { background:var(--accent); border-color:var(--accent); color:#000; }
  a { color:var(--link); }
</style></head><body>
<header><span class="logo">aws</span><span>Services</span><span class="search"></span><span class="right"><span>Global</span><span>${user} @ 1234-5678-9012</span></span></header>
<div class="layout"><nav><h3>Identity and Access Management (IAM)</h3><ul>${nav}</ul></nav>
<main>
  <div class="crumbs">IAM &gt; Users &gt; ${user} &gt; Assign MFA device</div>
  <h1>${escapeHtml(options.title ?? 'Set up device')}</h1>
  <div class="panels"><section class="panel main">
    <h2>Set up device</h2>
    <ol class="steps">
      <li><strong>Install a compatible application such as Google Authenticator, Duo Mobile, or Authy app on your mobile device or computer.</strong><p>See a <a href="#">list of compatible applications</a>.</p></li>
      <li><strong>Open your authenticator app, choose Show QR code on this page, then use the app to scan the code.</strong><p>Alternatively, you can type a secret key. <a href="#">Show secret key</a></p>${qrBlock}</li>
      <li><strong>Fill in two consecutive codes from your MFA device.</strong>
        <div class="field"><label>MFA code 1</label><input></div>
        <div class="field"><label>MFA code 2</label><input></div></li>
    </ol>
    <div class="buttons"><span class="btn">Cancel</span><span class="btn">Previous</span><span class="btn primary">Add MFA</span></div>
  </section>${extra}</div>
</main></div></body></html>`;
}

export interface DisplaySpec {
  readonly name: string;
  /** CSS viewport (the display's size in points). */
  readonly width: number;
  readonly height: number;
  /** 2 = HiDPI ("Retina", 200 %): the screenshot has twice the pixels per side. */
  readonly scale: number;
}

export const DISPLAYS: readonly DisplaySpec[] = [
  { name: '1920x1080', width: 1920, height: 1080, scale: 1 },
  { name: '2560x1440', width: 2560, height: 1440, scale: 1 },
  { name: '3840x2160@2x', width: 1920, height: 1080, scale: 2 },
];

export interface ScreenShot {
  readonly png: Buffer;
  readonly frame: RgbaFrame;
}

/**
 * Renders pages as displays: one Chromium page per scale factor (a context's deviceScaleFactor is
 * fixed), resized and re-themed per shot — a new context per shot costs ~0.5 s.
 */
export class DisplayRenderer {
  private readonly pages = new Map<number, Promise<Page>>();
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly browser: Browser) {}

  /** Render `html` on a display of `spec` in `theme`, screenshot it at device pixels, return PNG + RGBA. */
  shoot(html: string, spec: DisplaySpec, theme: 'light' | 'dark'): Promise<ScreenShot> {
    // One shot at a time per renderer (pages are shared).
    const run = this.queue.then(async () => {
      const page = await this.page(spec.scale);
      await page.setViewportSize({ width: spec.width, height: spec.height });
      await page.emulateMedia({ colorScheme: theme });
      await page.setContent(html, { waitUntil: 'load' });
      const png = await page.screenshot({ type: 'png', scale: 'device', fullPage: false });
      return { png, frame: await pngToRgba(png) };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private page(scale: number): Promise<Page> {
    let page = this.pages.get(scale);
    if (!page) {
      page = this.browser.newContext({ deviceScaleFactor: scale }).then((c) => c.newPage());
      this.pages.set(scale, page);
    }
    return page;
  }

  async close(): Promise<void> {
    for (const page of this.pages.values()) await (await page).context().close().catch(() => undefined);
    this.pages.clear();
  }
}

/** Any image bytes -> RGBA, as desktopCapturer's thumbnail (after capture.ts's BGRA->RGBA) would be. */
export async function pngToRgba(image: Buffer): Promise<RgbaFrame> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * A "photo of the monitor": the screenshot shrunk, tilted in perspective, slightly blurred, with
 * grain, on a grey desk, then compressed as JPEG or WebP (ImageMagick for the geometry, sharp for
 * the rest).
 */
export async function photoOf(png: Buffer, format: 'jpeg' | 'webp'): Promise<Buffer> {
  const small = await sharp(png).resize({ width: 1600 }).png({ compressionLevel: 1 }).toBuffer();
  const meta = await sharp(small).metadata();
  const w = meta.width ?? 1600;
  const h = meta.height ?? 900;
  const tilted = await imagemagick([
    'png:-', '-virtual-pixel', 'background', '-background', '#6b6b6b', '-distort', 'Perspective',
    `0,0 ${Math.round(w * 0.06)},${Math.round(h * 0.04)}  ${w},0 ${Math.round(w * 0.95)},0  ${w},${h} ${w},${h}  0,${h} ${Math.round(w * 0.02)},${Math.round(h * 0.93)}`,
    '-attenuate', '0.4', '+noise', 'Gaussian', '-define', 'png:compression-level=1', 'png:-',
  ], small);
  const soft = sharp(tilted).blur(0.8).modulate({ brightness: 0.92 });
  return format === 'jpeg' ? soft.jpeg({ quality: 72 }).toBuffer() : soft.webp({ quality: 70 }).toBuffer();
}

/** ImageMagick's `convert` with stdin/stdout, asynchronously (it overlaps with Chromium's work). */
function imagemagick(args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile('convert', args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

// ------------------------------------------------------------------------------------ oracles

export interface OathOptions {
  readonly algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
  readonly digits?: number;
}

/** Debian's oathtool: the TOTP code of `secret` (base32) at `unixSeconds`. */
export function oathTotp(secret: string, unixSeconds: number, options: OathOptions = {}): string {
  const mode = options.algorithm && options.algorithm !== 'SHA1' ? `--totp=${options.algorithm.toLowerCase()}` : '--totp';
  return oath([mode, '-b', '-d', String(options.digits ?? 6), '-N', `@${Math.floor(unixSeconds)}`, secret]);
}

/** Debian's oathtool: the HOTP code of `secret` (base32) at `counter`. */
export function oathHotp(secret: string, counter: number, options: OathOptions = {}): string {
  if (options.algorithm && options.algorithm !== 'SHA1') throw new Error('oathtool computes HOTP with HMAC-SHA1 only');
  return oath(['--hotp', '-b', '-d', String(options.digits ?? 6), '-c', String(counter), secret]);
}

function oath(args: string[]): string {
  const result = spawnSync('oathtool', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`oathtool failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** secret-tool's view of the keychain item `username` of service `authdesk` (null when absent). */
export function secretToolLookup(username: string): string | null {
  const result = spawnSync('secret-tool', ['lookup', 'service', 'authdesk', 'username', username], { encoding: 'utf8' });
  if (result.status === 0) return result.stdout;
  if (result.status === 1 && result.stdout === '') return null;
  throw new Error(`secret-tool failed: ${result.stderr.trim()}`);
}
