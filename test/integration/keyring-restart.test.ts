/**
 * The test keyring survives its daemon (issue 10 §7). CI once lost 24 tests when the suite's
 * gnome-keyring daemon went away mid-run: D-Bus activation started a new one with no password, which
 * could not open the keyring without an unlock prompt, and every later keychain call failed.
 * scripts/with-keyring.sh now makes every daemon of the session, D-Bus-activated ones included,
 * unlock the keyring with the run's password. Here a whole private session made by that script (not this suite's own, which other
 * files are using) has its daemon SIGKILLed between two CLI calls: the accounts written before it
 * are still there, with the right codes, and new ones can be added.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, ensureCliBuilt, oathtoolTotp, tempDir } from '../helpers/cli.js';
import { probeKeyring } from '../setup/global.js';
import { buildTestScript } from '../helpers/vault-build.js';

const run = promisify(execFile);
const SECRET_BEFORE = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SECRET_AFTER = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

beforeAll(() => ensureCliBuilt());

const SECRET_SERVICE_PID = `dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}'`;

describe('the test keyring', () => {
  it('a gnome-keyring daemon killed between two calls costs nothing: a new one opens the same keyring unlocked', async () => {
    const data = tempDir('authdesk-keyring-restart-');
    const script = `
      set -e
      printf %s "$SECRET_BEFORE" | node "$CLI" add --secret - --issuer Before --label a >/dev/null
      old=$(${SECRET_SERVICE_PID})
      kill -KILL "$old"
      while kill -0 "$old" 2>/dev/null; do sleep 0.05; done
      before=$(node "$CLI" code Before --json)
      printf %s "$SECRET_AFTER" | node "$CLI" add --secret - --issuer After --label b >/dev/null
      after=$(node "$CLI" code After --json)
      new=$(${SECRET_SERVICE_PID})
      printf '{"old":%s,"new":%s,"before":%s,"after":%s}\\n' "$old" "$new" "$before" "$after"`;
    const env: NodeJS.ProcessEnv = { ...process.env, CLI, SECRET_BEFORE, SECRET_AFTER, AUTHDESK_DATA_DIR: data.path };
    delete env.AUTHDESK_IN_KEYRING_SESSION; // a session of its own, made by the script under test
    const started = Math.floor(Date.now() / 1000);
    try {
      const { stdout } = await run(`${ROOT}/scripts/with-keyring.sh`, ['bash', '-c', script], { cwd: ROOT, env });
      const ended = Math.floor(Date.now() / 1000);
      const result = JSON.parse(stdout.slice(stdout.indexOf('{"old"'))) as { old: number; new: number; before: { code: string }; after: { code: string } };
      expect(result.new).toBeGreaterThan(0);
      expect(result.new).not.toBe(result.old);
      const possible = (secret: string) => Array.from({ length: ended - started + 2 }, (_, i) => oathtoolTotp(secret, started + i - 1));
      expect(possible(SECRET_BEFORE)).toContain(result.before.code);
      expect(possible(SECRET_AFTER)).toContain(result.after.code);
    } finally {
      data.cleanup();
    }
  });

  it('a long-running process (the app) keeps working when gnome-keyring restarts under it, between calls or during them: its cached sessions are renewed and the calls made again', async () => {
    const child = await buildTestScript('test/helpers/keychain-restart-child.ts');
    try {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.AUTHDESK_IN_KEYRING_SESSION; // a session of its own: this suite's daemon is not to be killed
      const { stdout } = await run(`${ROOT}/scripts/with-keyring.sh`, [process.execPath, child.file], { cwd: ROOT, env });
      const results = Object.fromEntries(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        const r = JSON.parse(l) as { name: string; value?: unknown; error?: unknown };
        return [r.name, r.error ? { error: r.error } : r.value];
      }));
      expect(results['get']).toBe('one');
      const pids = results['pids'] as { old: string; new: string };
      expect(pids.new).not.toBe(pids.old); // the daemon really was replaced
      // Before: "No keychain service is running" on every call, for as long as the process lived.
      expect(results['get-after-restart']).toBe('one');
      expect(results['get-new']).toBe('two');
      // Killed with a read and a search in flight: both are made again on the daemon D-Bus starts.
      // Before: "The keychain failed while Authdesk tried to list its secret keys" (CI, once).
      expect(results['get-in-flight']).toBe('one');
      expect(results['list-in-flight']).toEqual(['after', 'before']);
      expect(results['third']).not.toBe(pids.new);
    } finally {
      child.cleanup();
    }
  });

  it('a keyring that does not answer stops the run at once with the reason, not as many unrelated failures', async () => {
    const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/authdesk-test-bus';
    try {
      await expect(probeKeyring()).rejects.toThrow(/^The test keyring \(gnome-keyring in this run's private D-Bus session\) does not work, so no keychain test can pass: .+\. Check that gnome-keyring, dbus and libsecret-tools are installed/);
    } finally {
      process.env.DBUS_SESSION_BUS_ADDRESS = previous;
    }
  });
});
