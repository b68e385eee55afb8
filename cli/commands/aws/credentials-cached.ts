/**
 * The cached path of `authdesk aws credentials`, run by the AWS CLI and SDKs before every command
 * (credential_process): it must cost little more than starting Node. So it loads no AWS SDK and does
 * not open the vault (no reconciliation, no lock): one read of vault.json (the vault id and the
 * release policies), one keychain read, and it prints the session if it is still good
 * (core/aws/session-policy.ts isReusable) and the release policy lets it go without asking.
 * Anything else — no item, a session near expiry, bad arguments, --no-cache, --help — returns false
 * and the full command (./credentials.ts) runs, with its messages.
 * `npm run bench` (bench/aws-credentials.ts) measures it against `node -e 0`.
 */
import { writeSync } from 'node:fs';
import { isReusable, sessionKey } from '../../../core/aws/session-policy.js';
import { escapeForTerminal } from '../../../core/text/terminal.js';
import { defaultDataDir } from '../../../node/data-dir.js';
import { KeychainSessionCache, peekVaultDocument } from '../../../node/aws/session-cache.js';
import { issueSession } from '../../../node/aws/release.js';
import { NESTED_ENV } from '../../../node/aws/source-profile.js';
import { cachedSessionMayGo } from './cached-session-gate.js';
import { isCachedCredentialsCall, parseCredentialsArgs } from './credentials-args.js';

/**
 * Standard output without process.stdout: its first use builds a stream (and, for the pipe the AWS
 * CLI reads, loads node:net), ~3-7 ms of this path's CPU. One small blocking write to fd 1 does
 * the same; if the descriptor is non-blocking and full (EAGAIN), the stream takes over.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    process.stdout.write(bytes.subarray(written));
  }
}

/**
 * Serve `authdesk aws credentials` from the cache when it can: true when the session was printed.
 * The output goes through the same escaping as every other command's (cli/io.ts), which leaves
 * JSON valid with the same values.
 */
export async function serveCachedCredentials(argv: readonly string[], env: NodeJS.ProcessEnv, write: (text: string) => void = writeStdout): Promise<boolean> {
  if (!isCachedCredentialsCall(argv)) return false;
  return runCachedCredentials(argv.slice(2), env, { write: (text) => write(escapeForTerminal(text, { keepLayout: true })) });
}

export async function runCachedCredentials(args: readonly string[], env: NodeJS.ProcessEnv, stdout: { write(text: string): unknown }): Promise<boolean> {
  if (env[NESTED_ENV] === '1') return false;
  let parsed;
  try {
    parsed = parseCredentialsArgs(args, env);
  } catch {
    return false;
  }
  if (parsed.noCache) return false;
  const dataDir = defaultDataDir(env);
  const doc = await peekVaultDocument(dataDir);
  if (!doc) return false;
  let session;
  try {
    session = await new KeychainSessionCache(doc.vaultId).get(sessionKey(doc.vaultId, parsed.key));
  } catch {
    return false; // the full command reports the keychain's problem in a sentence
  }
  if (!session || !isReusable(session, Date.now())) return false;
  // The release policy (docs/approvals.md): under "Always" logged and served here; else the full command asks the app.
  if (session.serial && !(await cachedSessionMayGo(doc, dataDir, session.serial, session.key.roleArn))) return false;
  await issueSession({ key: session.key, kind: session.kind, serial: session.serial, credentials: session.credentials, cached: true }, stdout);
  return true;
}
