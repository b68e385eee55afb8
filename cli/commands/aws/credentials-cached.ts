/**
 * The cached path of `authdesk aws credentials`, run by the AWS CLI and SDKs before every command
 * (credential_process): it must cost little more than starting Node. So it loads no AWS SDK, does
 * not open the vault (no reconciliation, no lock): it reads the vault id from vault.json, makes one
 * keychain read, and prints the session if it is still good (core/aws/session-policy.ts isReusable).
 * Anything else — no item, a session near expiry, bad arguments, --no-cache — returns false and the
 * full command (./credentials.ts) runs, with its messages.
 * `npm run bench` (bench/aws-credentials.ts) measures it against `node -e 0`.
 */
import { isReusable, sessionKey } from '../../../core/aws/session-policy.js';
import { defaultDataDir } from '../../../node/data-dir.js';
import { KeychainSessionCache, readVaultId } from '../../../node/aws/session-cache.js';
import { issueSession } from '../../../node/aws/release.js';
import { NESTED_ENV } from '../../../node/aws/source-profile.js';
import { parseCredentialsArgs } from './credentials-args.js';

export async function runCachedCredentials(args: readonly string[], env: NodeJS.ProcessEnv, stdout: { write(text: string): unknown }): Promise<boolean> {
  if (env[NESTED_ENV] === '1') return false;
  let parsed;
  try {
    parsed = parseCredentialsArgs(args, env);
  } catch {
    return false;
  }
  if (parsed.noCache) return false;
  const vaultId = await readVaultId(defaultDataDir(env));
  if (!vaultId) return false;
  const cache = new KeychainSessionCache(vaultId);
  let session;
  try {
    session = await cache.get(sessionKey(vaultId, parsed.key));
  } catch {
    return false; // the full command reports the keychain's problem in a sentence
  }
  if (!session || !isReusable(session, Date.now())) return false;
  // The release policy (docs/approvals.md): under "Always" logged and served here; else the full command asks the app.
  if (session.serial && !(await (await import('../../release-gate.js')).cachedSessionMayGo(env, session.serial, session.key.roleArn))) return false;
  await issueSession({ key: session.key, kind: session.kind, serial: session.serial, credentials: session.credentials, cached: true }, stdout);
  return true;
}
