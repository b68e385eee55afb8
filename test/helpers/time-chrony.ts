import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real NTP server for tests: Debian's chronyd on 127.0.0.1, serving its own (local stratum 8)
 * clock, optionally shifted with Debian's faketime. What works here (chrony 4.3, as root):
 *   chronyd -x -d -u root -f <conf>   -x: never touch the system clock; -d: stay in the
 *   foreground (we own the process); -u root: as root chronyd otherwise drops to _chrony, which
 *   cannot write the temp dir. `local stratum 8` makes it serve although it has no source
 *   (LI 0, stratum 8, answers within ~1 s of start). `cmdport 0` + `bindcmdaddress /` disable
 *   the command sockets so several instances can run side by side.
 * Under `faketime -f '+90s'` it serves a clock 90 s ahead (FAKETIME_DONT_FAKE_MONOTONIC was not
 * needed). faketime forks, so the whole process group is killed on stop.
 */
export interface ChronyServer {
  readonly port: number;
  readonly address: string;
  /** e.g. "+90s" or undefined for the real clock. */
  readonly fakeOffset: string | undefined;
  stop(): Promise<void>;
}

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Send one raw client packet; resolves true when any 48-byte mode-4 reply comes back. */
function probe(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('message', (m) => done(m.length >= 48 && (m[0]! & 7) === 4 && m[1] !== 0));
    const packet = Buffer.alloc(48);
    packet[0] = 0x23; // LI 0, VN 4, mode 3
    packet.writeUInt32BE(0x12345678, 40);
    socket.send(packet, port, '127.0.0.1');
  });
}

export async function startChrony(options: { fakeOffset?: string } = {}): Promise<ChronyServer> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-chrony-'));
    const port = await freeUdpPort();
    const conf = path.join(dir, 'chrony.conf');
    writeFileSync(conf, [
      `port ${port}`,
      'bindaddress 127.0.0.1',
      'allow 127.0.0.1',
      'local stratum 8',
      'cmdport 0',
      'bindcmdaddress /',
      `driftfile ${path.join(dir, 'drift')}`,
      `pidfile ${path.join(dir, 'chronyd.pid')}`,
      '',
    ].join('\n'));
    const chronyArgs = ['-x', '-d', ...(process.getuid?.() === 0 ? ['-u', 'root'] : []), '-f', conf];
    const [command, args] = options.fakeOffset ? ['faketime', ['-f', options.fakeOffset, '/usr/sbin/chronyd', ...chronyArgs]] : ['/usr/sbin/chronyd', chronyArgs];
    const child: ChildProcess = spawn(command, args as string[], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    let exited = false;
    child.on('exit', () => (exited = true));
    const stop = async () => {
      if (!exited && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              /* gone */
            }
            resolve();
          }, 2000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (exited) resolve();
        });
      }
      rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 8000;
    while (!exited && Date.now() < deadline) {
      if (await probe(port, 300)) return { port, address: '127.0.0.1', fakeOffset: options.fakeOffset, stop };
    }
    lastError = output.trim();
    await stop();
  }
  throw new Error(`chronyd did not start serving on 127.0.0.1: ${lastError || 'no output'}`);
}
