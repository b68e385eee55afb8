// A keychain that hangs (gnome-keyring was seen to hang after many writes): the adapter must give
// up after its timeout with KEYCHAIN_TIMEOUT instead of hanging Authdesk. We make a real hang by
// stopping (SIGSTOP) the Secret Service daemon of a private D-Bus session.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildVaultDriver, ROOT } from '../helpers/vault-build.js';

const run = promisify(execFile);
let driver: { file: string; cleanup(): void };
let home: string;
beforeAll(async () => {
  driver = await buildVaultDriver();
  home = mkdtempSync(join(tmpdir(), 'authdesk-hang-'));
});
afterAll(() => {
  driver.cleanup();
  rmSync(home, { recursive: true, force: true });
});

it('a hung Secret Service fails with KEYCHAIN_TIMEOUT after the timeout, not never', async () => {
  const script = `
    echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    secret-tool search service authdesk-activate >/dev/null 2>&1   # D-Bus-activates the service
    pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}')
    [ -n "$pid" ] || { echo '{"setup":"no secret service pid"}'; exit 3; }
    node "$DRIVER" hang 1000 "$pid"; rc=$?
    kill -TERM "$pid"
    exit $rc`;
  const result = await run('dbus-run-session', ['--', 'bash', '-c', script], {
    cwd: ROOT,
    timeout: 30_000,
    env: { ...process.env, DRIVER: driver.file, HOME: home, XDG_DATA_HOME: join(home, 'share') },
  }).catch((e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }));
  const lines = result.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { name?: string; error?: { code: string; message: string } | null; ms?: number });
  if (lines.length < 2) console.log('driver output:', result.stdout);
  const warm = lines.find((l) => l.name === 'probe/warm');
  const cold = lines.find((l) => l.name === 'probe/cold');
  // Warm entry: our own timer fires at 1 s (before the library's ~2 s D-Bus reply timeout).
  expect(warm?.error?.code).toBe('KEYCHAIN_TIMEOUT');
  expect(warm?.error?.message).toMatch(/did not answer within 1 s .*unlock it or restart the keychain service/);
  expect(warm?.ms).toBeGreaterThanOrEqual(950);
  expect(warm?.ms).toBeLessThan(1900);
  // New entry: the library's synchronous D-Bus connect gives up by itself; mapped to the same error.
  expect(cold?.error?.code).toBe('KEYCHAIN_TIMEOUT');
  expect(cold?.ms).toBeLessThan(10_000);
});
