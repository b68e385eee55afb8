import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An HTTPS server on 127.0.0.1 whose `Date` header comes from a skewed clock: the authenticated
 * time source of the trust tests. Its certificate is self-signed, made here with Debian's openssl
 * (P-256, subjectAltName IP:127.0.0.1, valid one day), so a client verifies it only when told to
 * trust `caFile` (NODE_EXTRA_CA_CERTS for a CLI process, the `ca` option in-process).
 */
export interface TlsDateServer {
  readonly url: string;
  /** PEM of the self-signed certificate (its own CA). */
  readonly cert: string;
  readonly caFile: string;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startTlsDateServer(options: { skewMs: number }): Promise<TlsDateServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-tls-date-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE',
  ], { stdio: 'ignore' });
  const key = readFileSync(keyFile, 'utf8');
  const cert = readFileSync(caFile, 'utf8');
  let requests = 0;
  const server: Server = createServer({ key, cert }, (req, res) => {
    requests++;
    res.sendDate = false;
    const serverNow = Date.now() + options.skewMs;
    res.writeHead(302, { date: new Date(Math.floor(serverNow / 1000) * 1000).toUTCString(), 'content-type': 'text/plain', connection: 'keep-alive' });
    res.end(req.method === 'HEAD' ? undefined : 'ok');
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}/`,
    cert,
    caFile,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
