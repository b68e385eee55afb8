/**
 * Once per vitest run, before any test file starts (vitest `globalSetup`): when the run is inside
 * the private keyring session (scripts/with-keyring.sh, as `npm test` runs it), prove the Secret
 * Service answers a write and a read. If it does not, stop here with the reason, instead of letting
 * every keychain test fail with its own unrelated-looking error.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function probeKeyring(): Promise<void> {
  const attrs = ['service', 'authdesk-test-probe', 'account', String(process.pid)];
  try {
    const store = run('secret-tool', ['store', '--label=authdesk test probe', ...attrs], { timeout: 60_000 });
    store.child.stdin?.end('probe');
    await store;
    const { stdout } = await run('secret-tool', ['lookup', ...attrs], { timeout: 60_000 });
    if (stdout.trim() !== 'probe') throw new Error(`it returned ${JSON.stringify(stdout.trim())} instead of the value just stored`);
    await run('secret-tool', ['clear', ...attrs], { timeout: 60_000 });
  } catch (error) {
    const reason = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`The test keyring (gnome-keyring in this run's private D-Bus session) does not work, so no keychain test can pass: ${reason}. ` +
      'Check that gnome-keyring, dbus and libsecret-tools are installed and run the tests through `npm test` (scripts/with-keyring.sh).', { cause: error });
  }
}

export default async function setup(): Promise<void> {
  if (process.env.AUTHDESK_IN_KEYRING_SESSION === '1') await probeKeyring();
}
