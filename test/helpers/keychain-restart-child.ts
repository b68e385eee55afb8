// Run inside a private keyring session (scripts/with-keyring.sh) by test/integration/keyring-restart.test.ts:
// ONE process keeps its KeyringSecretStore (as the app does) while the Secret Service daemon is
// SIGKILLed under it — between calls, then with calls in flight; prints what each call gave, as JSON lines.
import { execSync } from 'node:child_process';
import { KeyringSecretStore } from '../../node/keychain.js';

const SECRET_SERVICE_PID = `dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}'`;

async function attempt(name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    console.log(JSON.stringify({ name, value: await fn() }));
  } catch (error) {
    console.log(JSON.stringify({ name, error: { code: (error as { code?: string }).code, message: (error as Error).message } }));
  }
}

const store = new KeyringSecretStore({ service: 'authdesk-restart-test' });
await attempt('set', () => store.set('before', 'one'));
await attempt('get', () => store.get('before'));
const old = execSync(SECRET_SERVICE_PID).toString().trim();
execSync(`kill -KILL ${old}; while kill -0 ${old} 2>/dev/null; do sleep 0.05; done`);
await attempt('get-after-restart', () => store.get('before'));
await attempt('set-after-restart', () => store.set('after', 'two'));
await attempt('get-new', () => store.get('after'));
const second = execSync(SECRET_SERVICE_PID).toString().trim();
console.log(JSON.stringify({ name: 'pids', value: { old, new: second } }));

// The daemon dies with calls in flight, as gnome-keyring does when it crashes (a client killed while
// opening its session takes it down): stopped, asked, then killed while the calls wait for it.
execSync(`kill -STOP ${second}`);
const inFlight = [
  attempt('get-in-flight', () => store.get('before')),
  attempt('list-in-flight', async () => (await store.list()).map((item) => item.accountName).sort()),
];
await new Promise((resolve) => setTimeout(resolve, 300));
execSync(`kill -KILL ${second}; while kill -0 ${second} 2>/dev/null; do sleep 0.05; done`);
await Promise.all(inFlight);
console.log(JSON.stringify({ name: 'third', value: execSync(SECRET_SERVICE_PID).toString().trim() }));
