// The shell's security policy (electron/main/security.ts), tested as the pure functions main.ts wires
// into Electron. Expected values come from Electron's security checklist and the WHATWG URL parser,
// and the CSP is judged by Google's CSP Evaluator (the port Electronegativity uses), not by itself.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_RESPONSE_HEADERS,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  ALLOWED_SWITCHES,
  forbiddenSwitches,
  isAppUrl,
  isNavigationAllowed,
  isPermissionGranted,
  isRequestAllowed,
  mimeTypeFor,
  resolveAppPath,
  secureWebPreferences,
  windowOpenDecision,
  type PermissionQuery,
} from '../../electron/main/security.js';
import { CameraGate, MAX_CAMERA_WINDOW_MS } from '../../electron/main/camera-gate.js';

const require = createRequire(import.meta.url);

describe('webPreferences', () => {
  const prefs = secureWebPreferences({ preload: '/app/dist/preload/preload.cjs', devTools: false });

  it('follows the Electron security checklist', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.devTools).toBe(false);
    expect(prefs.preload).toBe('/app/dist/preload/preload.cjs');
  });

  it('enables DevTools only when asked (development)', () => {
    expect(secureWebPreferences({ preload: 'p', devTools: true }).devTools).toBe(true);
  });
});

describe('the app:// scheme', () => {
  it('is standard and secure but does not bypass the CSP or open CORS', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('allowServiceWorkers');
  });

  it.each([
    ['app://authdesk/index.html', true],
    ['app://authdesk/', true],
    ['app://AUTHDESK/assets/x.js', true],
    ['app://authdesk/index.html?x=1#/settings', true],
    ['app://evil/index.html', false],
    ['app://authdesk.evil/index.html', false],
    ['app://authdesk:8080/index.html', false],
    ['app://user@authdesk/index.html', false],
    ['app://authdesk@evil/index.html', false],
    ['https://authdesk/index.html', false],
    ['file:///etc/passwd', false],
    ['http://127.0.0.1:3000/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['not a url', false],
    ['', false],
  ])('isAppUrl(%j) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });
});

describe('navigation and new windows', () => {
  it.each([
    ['app://authdesk/index.html#/add', true],
    ['https://example.com/', false],
    ['http://localhost:5173/', false],
    ['file:///home/user/qr.png', false],
    ['app://other/index.html', false],
    ['about:blank', false],
    ['chrome://settings', false],
    ['javascript:void(0)', false],
  ])('navigating to %j allowed: %s', (url, expected) => {
    expect(isNavigationAllowed(url)).toBe(expected);
  });

  it('denies every window.open, even to the app itself', () => {
    expect(windowOpenDecision('https://example.com/')).toEqual({ action: 'deny' });
    expect(windowOpenDecision(APP_ENTRY_URL)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('about:blank')).toEqual({ action: 'deny' });
  });
});

describe('network requests', () => {
  it.each([
    ['app://authdesk/assets/index.js', false, true],
    ['app://authdesk/assets/zxing_reader.wasm', false, true],
    ['data:image/png;base64,AAAA', false, true],
    ['blob:app://authdesk/0f3c', false, true],
    ['https://time.aws.com/', false, false],
    ['https://fonts.googleapis.com/css', false, false],
    ['http://127.0.0.1:8080/', false, false],
    ['ws://127.0.0.1:9222/', false, false],
    ['file:///etc/passwd', false, false],
    ['app://evil/x.js', false, false],
    ['devtools://devtools/bundled/inspector.html', false, false],
    ['devtools://devtools/bundled/inspector.html', true, true],
    ['https://example.com/', true, false],
  ])('%j (dev %s) allowed: %s', (url, dev, expected) => {
    expect(isRequestAllowed(url, { dev })).toBe(expected);
  });
});

describe('permissions', () => {
  const camera: PermissionQuery = { permission: 'media', mediaTypes: ['video'], requestingUrl: 'app://authdesk/index.html', isMainFrame: true, fromAppWindow: true };

  it('grants the camera only while a scan allows it', () => {
    expect(isPermissionGranted(camera, true)).toBe(true);
    expect(isPermissionGranted(camera, false)).toBe(false);
  });

  it('accepts the origin form a permission check reports', () => {
    expect(isPermissionGranted({ ...camera, requestingUrl: APP_ORIGIN }, true)).toBe(true);
    expect(isPermissionGranted({ ...camera, requestingUrl: `${APP_ORIGIN}/` }, true)).toBe(true);
  });

  it.each<[string, Partial<PermissionQuery>]>([
    ['the microphone', { mediaTypes: ['audio'] }],
    ['camera and microphone together', { mediaTypes: ['video', 'audio'] }],
    ['an unknown media type', { mediaTypes: ['unknown'] }],
    ['no media type', { mediaTypes: [] }],
    ['a sub-frame', { isMainFrame: false }],
    ['another WebContents', { fromAppWindow: false }],
    ['another origin', { requestingUrl: 'https://evil.example/' }],
    ['file://', { requestingUrl: 'file:///tmp/x.html' }],
    ['screen capture', { permission: 'display-capture' }],
    ['notifications', { permission: 'notifications', mediaTypes: [] }],
    ['geolocation', { permission: 'geolocation', mediaTypes: [] }],
    ['clipboard read', { permission: 'clipboard-read', mediaTypes: [] }],
    ['openExternal', { permission: 'openExternal', mediaTypes: [] }],
    ['fullscreen', { permission: 'fullscreen', mediaTypes: [] }],
    ['HID', { permission: 'hid', mediaTypes: [] }],
  ])('denies %s even during a scan', (_name, change) => {
    expect(isPermissionGranted({ ...camera, ...change }, true)).toBe(false);
  });

  it('the camera gate opens for a bounded time and can be revoked', () => {
    let now = 1_000_000;
    const gate = new CameraGate(() => now);
    expect(gate.isAllowed()).toBe(false);
    gate.allowFor(60_000);
    expect(gate.isAllowed()).toBe(true);
    now += 59_999;
    expect(gate.isAllowed()).toBe(true);
    now += 1;
    expect(gate.isAllowed()).toBe(false);

    gate.allowFor(60_000);
    gate.revoke();
    expect(gate.isAllowed()).toBe(false);

    gate.allowFor(24 * 3600_000);
    now += MAX_CAMERA_WINDOW_MS;
    expect(gate.isAllowed()).toBe(false);

    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      gate.allowFor(bad);
      expect(gate.isAllowed()).toBe(false);
    }
  });
});

describe('Content-Security-Policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
    const [name, ...sources] = d.trim().split(/\s+/);
    return [name ?? '', sources] as const;
  }));

  it('names no remote origin, wildcard or network scheme', () => {
    const allowedSources = new Set(["'self'", "'none'", "'wasm-unsafe-eval'", 'data:', 'blob:']);
    for (const [name, sources] of directives) {
      for (const source of sources) expect(allowedSources, `${name} ${source}`).toContain(source);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|wss?:|\*|unsafe-inline|'unsafe-eval'/);
  });

  it('closes the defaults that fall back to nothing', () => {
    expect(["'none'", "'self'"]).toContainEqual(directives.get('default-src')?.join(' '));
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).not.toContain('data:');
    expect(directives.get('script-src')).not.toContain('blob:');
  });

  it("has no high-severity finding in Google's CSP Evaluator", () => {
    const csp = require('@doyensec/csp-evaluator') as {
      CspParser: new (raw: string) => { csp: unknown };
      CspEvaluator: new (parsed: unknown, version: unknown) => { evaluate(): Array<{ severity: number; directive: string; description: string; value?: string }> };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new csp.CspEvaluator(new csp.CspParser(CONTENT_SECURITY_POLICY).csp, csp.Version.CSP3).evaluate();
    const serious = findings.filter((f) =>
      f.severity === csp.severities.HIGH || f.severity === csp.severities.MEDIUM || f.severity === csp.severities.HIGH_MAYBE
      // The evaluator predates CSP3's 'wasm-unsafe-eval' and reports it as a syntax issue only.
      || (f.severity === csp.severities.SYNTAX && !f.description.includes('wasm-unsafe-eval')));
    expect(serious).toEqual([]);
  });

  it("is exactly the renderer page's <meta> CSP (header and meta must not drift apart)", () => {
    const html = readFileSync(path.resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((m) => m[1]);
    expect(metas, 'renderer/index.html must carry exactly one CSP <meta>; if you change it, change CSP_DIRECTIVES in electron/main/security.ts too').toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('is sent on every response with the other hardening headers', () => {
    expect(APP_RESPONSE_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(APP_RESPONSE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(APP_RESPONSE_HEADERS['Permissions-Policy']).toMatch(/microphone=\(\)/);
  });
});

describe('protocol path resolution', () => {
  const root = path.resolve('/opt/Authdesk/resources/app.asar/dist/renderer');
  const ok = (rel: string) => ({ ok: true, file: path.join(root, ...rel.split('/')) });

  it.each([
    ['app://authdesk/', ok('index.html')],
    ['app://authdesk/index.html', ok('index.html')],
    ['app://authdesk/index.html?x=1#/add', ok('index.html')],
    ['app://authdesk/assets/index-abc.js', ok('assets/index-abc.js')],
    ['app://authdesk/assets/my%20icon.svg', ok('assets/my icon.svg')],
    ['app://authdesk//assets//a.css', ok('assets/a.css')],
  ])('%j -> file', (url, expected) => {
    expect(resolveAppPath(root, url)).toEqual(expected);
  });

  it.each([
    ['app://authdesk/..%2f..%2f..%2fetc%2fpasswd', 'encoded slashes'],
    ['app://authdesk/assets/..%2F..%2F..%2Fmain%2Fmain.cjs', 'encoded slashes, upper case'],
    ['app://authdesk/..%5c..%5cwindows%5cwin.ini', 'encoded backslashes'],
    ['app://authdesk/%2e%2e%5c%2e%2e%5cx', 'encoded dots and backslashes'],
    ['app://authdesk/C:%5cWindows%5cwin.ini', 'drive letter'],
    ['app://authdesk/%5c%5cserver%5cshare', 'UNC path'],
    ['app://authdesk/index.html%00.png', 'NUL byte'],
    ['app://evil/index.html', 'another host'],
    ['file:///etc/passwd', 'another scheme'],
  ])('refuses %j (%s)', (url) => {
    const result = resolveAppPath(root, url);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ status: 403 });
  });

  it('keeps dot segments the URL parser folds inside the root', () => {
    // WHATWG URL parsing (Node's and Chromium's) already resolves literal and %2e dot segments, so these
    // name root/etc/passwd, which does not exist there (404), never /etc/passwd.
    expect(resolveAppPath(root, 'app://authdesk/../../../etc/passwd')).toEqual(ok('etc/passwd'));
    expect(resolveAppPath(root, 'app://authdesk/%2e%2e/%2e%2e/etc/passwd')).toEqual(ok('etc/passwd'));
    expect(resolveAppPath(root, 'app://authdesk/assets/.%2e/.%2e/x.js')).toEqual(ok('x.js'));
  });

  it('rejects malformed percent-encoding with 400 and hidden files with 404', () => {
    expect(resolveAppPath(root, 'app://authdesk/%E0%A4%A')).toEqual({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'app://authdesk/.env')).toEqual({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://authdesk/assets/.git/config')).toEqual({ ok: false, status: 404 });
  });

  it('refuses traversal with Windows path semantics too', () => {
    const winRoot = 'C:\\Program Files\\Authdesk\\resources\\app.asar\\dist\\renderer';
    expect(resolveAppPath(winRoot, 'app://authdesk/assets/a.js', path.win32)).toEqual({ ok: true, file: `${winRoot}\\assets\\a.js` });
    expect(resolveAppPath(winRoot, 'app://authdesk/..%5c..%5cmain.cjs', path.win32).ok).toBe(false);
    expect(resolveAppPath(winRoot, 'app://authdesk/C:%5cx', path.win32).ok).toBe(false);
  });
});

describe('MIME types', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['A.CSS', 'text/css; charset=utf-8'],
    ['zxing_reader.wasm', 'application/wasm'],
    ['icon.svg', 'image/svg+xml'],
    ['icon.png', 'image/png'],
    ['font.woff2', 'font/woff2'],
    ['data.json', 'application/json; charset=utf-8'],
    ['unknown.bin', 'application/octet-stream'],
    ['noextension', 'application/octet-stream'],
  ])('%s -> %s', (file, mime) => {
    expect(mimeTypeFor(file)).toBe(mime);
  });
});

describe('debugging switches', () => {
  it.each([
    [['authdesk', '--remote-debugging-port=9222'], ['remote-debugging-port']],
    [['authdesk', '--remote-debugging-port', '9222'], ['remote-debugging-port']],
    [['authdesk', '-remote-debugging-pipe'], ['remote-debugging-pipe']],
    [['authdesk', '--inspect-brk=0'], ['inspect-brk']],
    [['authdesk', '--INSPECT'], ['inspect']],
    [['authdesk', '--js-flags=--allow-natives-syntax'], ['js-flags']],
    [['authdesk', '--hidden'], []],
    [['authdesk', '--', '--remote-debugging-port=1'], []],
    [['authdesk', '/remote-debugging-port=1'], []],
    // Launchers that wrap Chromium's child processes (passed the old denylist; issue 10 §6).
    [['authdesk', '--renderer-cmd-prefix=gdb --args'], ['renderer-cmd-prefix']],
    [['authdesk', '--gpu-launcher=/tmp/x'], ['gpu-launcher']],
    [['authdesk', '--utility-cmd-prefix=/tmp/x'], ['utility-cmd-prefix']],
    [['authdesk', '--browser-subprocess-path=/tmp/x'], ['browser-subprocess-path']],
    [['authdesk', '-ppapi-plugin-launcher=/tmp/x'], ['ppapi-plugin-launcher']],
    [['authdesk', '--no-sandbox'], ['no-sandbox']],
    [['authdesk', '--no-zygote', '--disable-gpu-sandbox'], ['no-zygote', 'disable-gpu-sandbox']],
    [['authdesk', '--user-data-dir=/tmp/other'], ['user-data-dir']],
    [['authdesk', '--load-extension=/tmp/ext'], ['load-extension']],
    [['authdesk', '--a-switch-from-a-future-chromium'], ['a-switch-from-a-future-chromium']],
    // The allowlist: only known switches, only with the values they take.
    [['authdesk', '--hidden=1'], ['hidden']],
    [['authdesk', '--ozone-platform=wayland', '--ozone-platform-hint=auto'], []],
    [['authdesk', '--ozone-platform=/tmp/evil.so'], ['ozone-platform']],
    [['authdesk', '--ozone-platform'], ['ozone-platform']],
    [['authdesk', 'some-file.png', '-'], []],
  ])('%j -> %j', (argv, expected) => {
    expect(forbiddenSwitches(argv, 'linux')).toEqual(expected);
  });

  it('every allowed switch says why, and none of them starts or wraps a process', () => {
    for (const [name, spec] of Object.entries(ALLOWED_SWITCHES)) {
      expect(spec.why.length, name).toBeGreaterThan(10);
      expect(name).not.toMatch(/launcher|prefix|path|sandbox|debug|inspect|flags|extension|dir/);
    }
  });

  it('macOS: the Finder process serial number is not a switch; elsewhere it is refused', () => {
    expect(forbiddenSwitches(['Authdesk', '-psn_0_12345'], 'darwin')).toEqual([]);
    expect(forbiddenSwitches(['Authdesk', '-psn_0_12345', '--gpu-launcher=x'], 'darwin')).toEqual(['gpu-launcher']);
    expect(forbiddenSwitches(['authdesk', '-psn_0_12345'], 'linux')).toEqual(['psn_0_12345']);
  });

  it('reads /switch on Windows only', () => {
    expect(forbiddenSwitches(['Authdesk.exe', '/remote-debugging-port=1'], 'win32')).toEqual(['remote-debugging-port']);
  });

  it('lets DevTools navigate in development only', () => {
    expect(isNavigationAllowed('devtools://devtools/bundled/inspector.html', { dev: true })).toBe(true);
    expect(isNavigationAllowed('devtools://devtools/bundled/inspector.html', { dev: false })).toBe(false);
    expect(isNavigationAllowed('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(isNavigationAllowed('https://example.com/', { dev: true })).toBe(false);
  });
});
