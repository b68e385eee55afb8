/**
 * The security policy of the desktop shell, as pure functions: what the window may load, navigate to,
 * open, request and be served. main.ts only wires these into Electron's hooks, so everything that
 * decides is unit-tested in Node (test/unit/security.test.ts) without Electron's binary.
 * docs/SECURITY.md maps each item of Electron's security checklist to the code here.
 *
 * Only *types* come from 'electron' (erased at compile time), so this module loads in plain Node.
 */
import path from 'node:path';
import type { WebPreferences } from 'electron';

/** The app is served from app://authdesk/ (a standard, secure custom scheme), never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'authdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The one Content-Security-Policy, sent as a response header on every app:// response and identical,
 * character for character, to renderer/index.html's <meta http-equiv="Content-Security-Policy">
 * (test/unit/security.test.ts compares them: change both together). No remote origin appears anywhere:
 * the renderer has no network at all.
 * - 'wasm-unsafe-eval': zxing-wasm compiles its WebAssembly in the renderer (camera scan); it permits
 *   WebAssembly compilation only, not eval() or new Function().
 * - data:/blob: images and media: QR previews and camera frames are made locally.
 * - worker-src 'self' blob:: the QR decoder runs in a Web Worker built by Vite.
 * frame-ancestors is left out because browsers ignore it in a <meta> and the two must be identical;
 * nothing can frame app:// anyway (no other origin is ever loaded).
 * default-src is 'self' (as the page has it); every directive the app uses is listed explicitly, so
 * 'none' would also work: a tightening to make in both places at once (docs/SECURITY.md).
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [directive: string, sources: string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['media-src', "'self' blob:"],
  ['worker-src', "'self' blob:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([d, s]) => `${d} ${s}`).join('; ');

/** Headers on every app:// response, besides Content-Type. */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Defence in depth behind the permission handlers: only the camera, only for our own origin.
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), display-capture=(), usb=(), serial=(), hid=(), payment=(), midi=()',
  'Cache-Control': 'no-cache',
};

/** The privileges of the app:// scheme (registered before `ready`). */
export const APP_SCHEME_PRIVILEGES = {
  standard: true, // real origin (app://authdesk), relative URLs and 'self' in the CSP work
  secure: true, // a secure context: getUserMedia and WebCrypto are available
  supportFetchAPI: true, // fetch() of the QR decoder's .wasm
  codeCache: true,
  // Deliberately NOT bypassCSP, corsEnabled, allowServiceWorkers or stream.
} as const;

/** webPreferences of the one window, per Electron's security checklist. */
export function secureWebPreferences(options: { preload: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    plugins: false,
    enableWebSQL: false,
    // A middle click on a link would ask for a new window (denied anyway): do not even ask.
    disableBlinkFeatures: 'Auxclick',
    // Secrets and labels are typed in this window: no spellchecker sends or stores what is typed.
    spellcheck: false,
    // Dropping a file on the window must not navigate to file://; the renderer handles drops itself.
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: options.devTools,
  };
}

/** Parses a URL string; null when it is not a URL. */
function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for app://authdesk/... (no credentials, no port). */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  return u.protocol === `${APP_SCHEME}:` && u.hostname.toLowerCase() === APP_HOST && u.port === '' && u.username === '' && u.password === '';
}

/**
 * will-navigate / will-redirect / will-frame-navigate: only within the app's own origin. In development
 * the DevTools window (another WebContents) may load its own devtools:// pages.
 */
export function isNavigationAllowed(targetUrl: string, options: { dev: boolean } = { dev: false }): boolean {
  if (isAppUrl(targetUrl)) return true;
  return options.dev && targetUrl.startsWith('devtools://');
}

/**
 * The command-line switches a packaged Authdesk accepts: an ALLOWLIST. Anything else refuses to start.
 * A denylist of debugging switches (what this was) let through the switches that make Chromium start
 * its child processes through another program — `--renderer-cmd-prefix`, `--gpu-launcher`,
 * `--utility-cmd-prefix`, `--browser-subprocess-path`, `--ppapi-plugin-launcher`... — each of which
 * runs a launcher of the caller's choice around the renderer that shows the codes; and Chromium has
 * hundreds of switches, with new ones in every release. The fuses turn off Node's --inspect and
 * NODE_OPTIONS; nothing but this check covers Chromium's switches.
 *
 * Chromium reads `--x`, `-x` (and `/x` on Windows) as switches, with an optional `=value`, and stops
 * at `--`; other arguments are left alone (Authdesk ignores them). `--no-sandbox` is refused too:
 * the sandbox is what stands between a compromised renderer and the keychain (docs/SECURITY.md).
 * `values` lists the values allowed (absent: the switch takes none).
 */
export const ALLOWED_SWITCHES: Readonly<Record<string, { readonly values?: readonly string[]; readonly why: string }>> = {
  hidden: { why: 'start in the tray at login (login-item.ts HIDDEN_ARG)' },
  'ozone-platform': { values: ['wayland', 'x11'], why: 'Linux: the display server, chosen by the desktop' },
  'ozone-platform-hint': { values: ['auto', 'wayland', 'x11'], why: 'Linux: the display server, chosen by the desktop' },
};

export function forbiddenSwitches(argv: readonly string[], platform: NodeJS.Platform): string[] {
  const found: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg === '--') break;
    // Finder adds a process serial number on older macOS: -psn_0_12345.
    if (platform === 'darwin' && /^-psn_\d+_\d+$/.test(arg)) continue;
    const match = /^(?:--?|\/)([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match || (arg.startsWith('/') && platform !== 'win32')) continue;
    const name = (match[1] ?? '').toLowerCase();
    const value = match[2];
    const allowed = Object.hasOwn(ALLOWED_SWITCHES, name) ? ALLOWED_SWITCHES[name] : undefined;
    const valueOk = allowed?.values === undefined ? value === undefined : value !== undefined && allowed.values.includes(value.toLowerCase());
    if (!allowed || !valueOk) found.push(name);
  }
  return found;
}

/** setWindowOpenHandler: never a new window (the app has one window; links to the web are not opened). */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * webRequest.onBeforeRequest: cancel everything that is not the app's own origin, so no remote content
 * is ever fetched even if the CSP were bypassed. data:/blob: never reach the network. In development
 * only, DevTools' own devtools:// pages are allowed.
 */
export function isRequestAllowed(url: string, options: { dev: boolean }): boolean {
  if (isAppUrl(url)) return true;
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (options.dev && (u.protocol === 'devtools:' || u.protocol === 'chrome-extension:')) return true;
  return false;
}

/**
 * A permission request or check, reduced to what the policy needs. Built by main.ts from Electron's
 * handler arguments (`details.mediaTypes` for a request, `details.mediaType` for a check).
 */
export interface PermissionQuery {
  readonly permission: string;
  /** The media types asked for: request -> details.mediaTypes, check -> [details.mediaType]. */
  readonly mediaTypes: readonly string[];
  /** The requesting frame's URL or origin. */
  readonly requestingUrl: string;
  readonly isMainFrame: boolean;
  /** The request comes from the app's own window (not some other WebContents). */
  readonly fromAppWindow: boolean;
}

/**
 * Everything is denied, except the camera (video only, never the microphone) for the app's own main
 * frame while a camera scan the user started is in progress (`cameraAllowed`, see camera-gate.ts).
 */
export function isPermissionGranted(query: PermissionQuery, cameraAllowed: boolean): boolean {
  if (query.permission !== 'media') return false;
  if (!cameraAllowed || !query.fromAppWindow || !query.isMainFrame) return false;
  if (!isAppUrl(query.requestingUrl) && query.requestingUrl !== APP_ORIGIN) return false;
  return query.mediaTypes.length > 0 && query.mediaTypes.every((t) => t === 'video');
}

/** MIME types of what Vite emits into dist/renderer. Anything else is served as octet-stream + nosniff. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type AppPathResolution = { readonly ok: true; readonly file: string } | { readonly ok: false; readonly status: 400 | 403 | 404 };

/** True when `child` is `root` itself or inside it (both absolute and normalized). */
export function isInside(root: string, child: string, pathApi: typeof path = path): boolean {
  const rel = pathApi.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !pathApi.isAbsolute(rel));
}

/**
 * Maps app://authdesk/<path> to a file under `root` (dist/renderer), or refuses:
 * 403 for another origin or anything that would leave `root` (`..`, encoded `%2e%2e` or `%2f`,
 * backslashes, NUL, drive letters, UNC), 400 for malformed percent-encoding, 404 for hidden files.
 * `/` is index.html. The query and fragment are ignored. Symlinks are checked by the caller (realpath).
 */
export function resolveAppPath(root: string, requestUrl: string, pathApi: typeof path = path): AppPathResolution {
  if (!isAppUrl(requestUrl)) return { ok: false, status: 403 };
  const u = parse(requestUrl);
  if (!u) return { ok: false, status: 400 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.includes(':')) return { ok: false, status: 403 };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403 };
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404 };
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const resolvedRoot = pathApi.resolve(root);
  const file = pathApi.resolve(resolvedRoot, ...relative.split('/'));
  if (!isInside(resolvedRoot, file, pathApi) || file === resolvedRoot) return { ok: false, status: 403 };
  return { ok: true, file };
}
