import { createServer, type Server } from 'node:http';

/**
 * A local HTTP server whose `Date` header comes from a skewed clock, for the HTTPS-Date
 * fallback (plain http on 127.0.0.1: the client takes any http(s) URL). The header is made with
 * `Date.prototype.toUTCString()` (IMF-fixdate), truncated to the second as real servers do.
 */
export interface DateServer {
  readonly url: string;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startDateServer(options: { skewMs: number; date?: 'normal' | 'missing' | 'garbage'; status?: number }): Promise<DateServer> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    res.sendDate = false;
    const serverNow = Date.now() + options.skewMs;
    const headers: Record<string, string> = { 'content-type': 'text/plain', connection: 'keep-alive' };
    if ((options.date ?? 'normal') === 'normal') headers.date = new Date(Math.floor(serverNow / 1000) * 1000).toUTCString();
    if (options.date === 'garbage') headers.date = 'yesterday at noon';
    res.writeHead(options.status ?? 302, headers);
    res.end(req.method === 'HEAD' ? undefined : 'ok');
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
