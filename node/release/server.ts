/**
 * The app's end of the release channel: a Unix domain socket (0600, in a 0700 folder of this user)
 * or, on Windows, a named pipe. Each connection carries one request line; the peer is checked
 * (Linux: node/release/peer.ts), the caller named from the OS, then the approval service decides
 * (possibly after asking the person) and one answer line goes back.
 */
import { chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { toUserFacing } from '../../core/errors.js';
import type { ReleaseWhat } from '../../core/release/policy.js';
import type { CallerInfo } from '../../core/release/request.js';
import { callerOfCli } from './caller.js';
import { ensurePrivateDir, channelDir } from './paths.js';
import { verifyLinuxPeer } from './peer.js';
import { MAX_LINE_BYTES, parseAsk, type ReleaseOutcome } from './protocol.js';
import { ReleaseError } from '../../core/release/policy.js';

export interface ReleaseHandler {
  handle(ask: { readonly accountId: string; readonly what: ReleaseWhat; readonly role?: string }, caller: CallerInfo, signal: AbortSignal): Promise<ReleaseOutcome>;
}

export interface ReleaseServerOptions {
  readonly socketPath: string;
  readonly handler: ReleaseHandler;
  readonly platform?: NodeJS.Platform;
  /** The peer check. Default: verifyLinuxPeer on Linux; none elsewhere (the caller is then "unverified"). */
  readonly verifyPeer?: (socket: Socket, claimedPid: number) => Promise<{ readonly pid: number }>;
  /** Errors worth a line in main's log (never sent to the client beyond a sentence). */
  readonly onError?: (error: unknown) => void;
}

export interface ReleaseServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Is something already answering at `path`? (Another Authdesk instance, or a stale file.) */
function answering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readLine(socket: Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => fail(new ReleaseError('RELEASE_BAD_REQUEST', 'The approval request did not arrive in time.')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(buffer.slice(0, end));
      } else if (buffer.length > MAX_LINE_BYTES) fail(new ReleaseError('RELEASE_BAD_REQUEST', 'The approval request is too long.'));
    };
    socket.on('data', onData);
    socket.once('end', () => fail(new ReleaseError('RELEASE_BAD_REQUEST', 'The connection closed before a request.')));
    socket.once('error', fail);
  });
}

function send(socket: Socket, outcome: ReleaseOutcome): void {
  if (!socket.destroyed) socket.end(`${JSON.stringify(outcome)}\n`);
}

export async function startReleaseServer(options: ReleaseServerOptions): Promise<ReleaseServer> {
  const platform = options.platform ?? process.platform;
  const path = options.socketPath;
  const verifyPeer = options.verifyPeer ?? (platform === 'linux' ? verifyLinuxPeer : undefined);
  if (platform !== 'win32') {
    await ensurePrivateDir(channelDir(path));
    if (await answering(path)) {
      throw new ReleaseError('RELEASE_CHANNEL_BUSY', 'Another Authdesk app is already answering approval requests for this vault.');
    }
    await unlink(path).catch(() => undefined);
  }
  const sockets = new Set<Socket>();

  async function serve(socket: Socket): Promise<void> {
    const aborted = new AbortController();
    socket.once('close', () => aborted.abort());
    try {
      const ask = parseAsk(await readLine(socket, 10_000));
      let caller: CallerInfo;
      if (verifyPeer) {
        const peer = await verifyPeer(socket, ask.pid);
        caller = await callerOfCli(peer.pid, true, platform);
      } else {
        caller = ask.caller;
      }
      const outcome = await options.handler.handle({ accountId: ask.accountId, what: ask.what, ...(ask.role !== undefined ? { role: ask.role } : {}) }, caller, aborted.signal);
      send(socket, outcome);
    } catch (error) {
      options.onError?.(error);
      send(socket, { v: 1, outcome: 'refused', reason: 'refused', message: toUserFacing(error).message });
    }
  }

  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    void serve(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The folder (0700) already keeps others out between listen() and this chmod.
  if (platform !== 'win32') await chmod(path, 0o600);

  return {
    path,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (platform !== 'win32') await unlink(path).catch(() => undefined);
    },
  };
}
