// The app:// handler over a real directory: it serves dist/renderer and nothing else.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../electron/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security.js';

let base: string;
let root: string;
let handle: (request: Request) => Promise<Response>;
// The first bytes of every WebAssembly module: "\0asm" and version 1.
const WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'authdesk-protocol-'));
  root = path.join(base, 'dist', 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Authdesk</title>');
  await writeFile(path.join(root, 'assets', 'index.js'), 'console.log(1)');
  await writeFile(path.join(root, 'assets', 'zxing_reader.wasm'), WASM);
  await writeFile(path.join(base, 'dist', 'secret.txt'), 'outside the renderer');
  await writeFile(path.join(base, 'vault.json'), '{"seed":"outside"}');
  await symlink(path.join(base, 'vault.json'), path.join(root, 'assets', 'link.json'));
  await symlink(path.join(root, 'assets', 'index.js'), path.join(root, 'inside-link.js'));
  handle = createAppProtocolHandler({ root });
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('app:// handler', () => {
  it('serves index.html at the root with the CSP header', async () => {
    const response = await handle(new Request('app://authdesk/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Authdesk</title>');
  });

  it('serves WebAssembly as application/wasm, byte for byte', async () => {
    const response = await handle(new Request('app://authdesk/assets/zxing_reader.wasm'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(WASM);
  });

  it('serves scripts with a JavaScript type and the CSP (workers take their CSP from it)', async () => {
    const response = await handle(new Request('app://authdesk/assets/index.js'));
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handle(new Request('app://authdesk/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('<!doctype html><title>Authdesk</title>'.length));
    expect(await head.text()).toBe('');
    const post = await handle(new Request('app://authdesk/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });

  it.each([
    'app://authdesk/..%2fsecret.txt',
    'app://authdesk/..%2f..%2fvault.json',
    'app://authdesk/assets/..%2f..%2fsecret.txt',
    'app://authdesk/..%5csecret.txt',
    'app://other/index.html',
  ])('refuses %s with 403', async (url) => {
    const response = await handle(new Request(url));
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('outside');
  });

  it('does not follow a symlink out of the renderer directory', async () => {
    const response = await handle(new Request('app://authdesk/assets/link.json'));
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('seed');
  });

  it('follows a symlink that stays inside', async () => {
    const response = await handle(new Request('app://authdesk/inside-link.js'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers 404 for missing files and directories', async () => {
    expect((await handle(new Request('app://authdesk/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://authdesk/assets'))).status).toBe(404);
    // Dot segments are folded by the URL parser into the root: root/secret.txt does not exist.
    expect((await handle(new Request('app://authdesk/../secret.txt'))).status).toBe(404);
  });
});
