/**
 * A Secret Service of this test file's own (scripts/with-keyring.sh, kept alive until stop()), for
 * files that SIGKILL keychain clients at random moments. gnome-keyring crashes when a client dies
 * while it opens its encrypted session (a GLib assertion in aes_negotiate, reproduced here), and a
 * crash of the suite's shared daemon fails whatever other files have in flight. So these files
 * point their own process (vitest runs each file in a process of its own) and their children at a
 * private daemon. Authdesk itself recovers from such a crash (node/keychain.ts); the suite should
 * not depend on the daemon crashing or not.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ROOT } from './cli.js';

export interface PrivateKeyring {
  /** Ends the session (its daemon and its keyring files). */
  stop(): Promise<void>;
}

export async function usePrivateKeyring(): Promise<PrivateKeyring> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AUTHDESK_IN_KEYRING_SESSION; // a new session, not the suite's
  // The session lives as long as `cat` reads its standard input: closing it ends the session
  // cleanly (with-keyring.sh's trap removes the keyring files), and so does this process dying.
  const child = spawn(`${ROOT}/scripts/with-keyring.sh`, ['bash', '-c', 'echo "address=$DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('address=')) {
        lines.close();
        resolve(line.slice('address='.length));
      }
    });
    void exited.then((code) => reject(new Error(`scripts/with-keyring.sh exited (${code}) before its session was up`)));
  });
  const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
  return {
    async stop() {
      process.env.DBUS_SESSION_BUS_ADDRESS = previous;
      child.stdin!.end();
      await exited;
    },
  };
}
