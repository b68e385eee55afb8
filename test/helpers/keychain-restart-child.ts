// Run inside a private keyring session (scripts/with-keyring.sh) by test/integration/keyring-restart.test.ts:
// ONE process keeps its KeyringSecretStore (as the app does) while the Secret Service daemon is
// SIGKILLed under it; prints what each call gave, as JSON lines.
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
console.log(JSON.stringify({ name: 'pids', value: { old, new: execSync(SECRET_SERVICE_PID).toString().trim() } }));
