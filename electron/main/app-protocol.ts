/**
 * The app:// protocol handler: serves files from dist/renderer only, with the CSP and hardening
 * headers of security.ts. It is a plain `(Request) => Promise<Response>` over injected file-system
 * functions, so test/unit/security-protocol.test.ts runs it in Node against a real directory; main.ts
 * passes it to `protocol.handle('app', ...)`.
 */
import { readFile as fsReadFile, realpath as fsRealpath } from 'node:fs/promises';
import path from 'node:path';
import { APP_RESPONSE_HEADERS, isInside, mimeTypeFor, resolveAppPath } from './security.js';

export interface AppProtocolOptions {
  /** Absolute path of dist/renderer. */
  readonly root: string;
  readonly readFile?: (file: string) => Promise<Uint8Array>;
  readonly realpath?: (file: string) => Promise<string>;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

function refuse(status: number): Response {
  return new Response(STATUS_TEXT[status] ?? 'Error', {
    status,
    headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const readFile = options.readFile ?? ((file: string) => fsReadFile(file));
  const realpath = options.realpath ?? ((file: string) => fsRealpath(file));
  const root = path.resolve(options.root);
  let realRoot: Promise<string> | undefined;

  return async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
    const resolved = resolveAppPath(root, request.url);
    if (!resolved.ok) return refuse(resolved.status);
    let body: Uint8Array;
    try {
      // A symlink inside dist/renderer must not lead outside it either.
      realRoot ??= realpath(root);
      const [rootReal, fileReal] = await Promise.all([realRoot, realpath(resolved.file)]);
      if (!isInside(rootReal, fileReal) || fileReal === rootReal) return refuse(403);
      body = await readFile(fileReal);
    } catch {
      // Missing file, or a directory (EISDIR): nothing to serve.
      return refuse(404);
    }
    const headers = { ...APP_RESPONSE_HEADERS, 'Content-Type': mimeTypeFor(resolved.file), 'Content-Length': String(body.byteLength) };
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}
