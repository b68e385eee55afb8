/**
 * `authdesk aws credentials`: an MFA session as AWS's credential_process JSON on stdout, and nothing
 * else there (messages go to stderr). Cached in the OS keychain and reused until a margin before it
 * expires (core/aws/session-policy.ts), then renewed with a fresh code on AWS's clock — no prompt:
 * the seed is local. The cached path is ./credentials-cached.ts (tried first by cli/authdesk.ts).
 */
import { isAuthdeskError } from '../../../core/errors.js';
import { obtainSession } from '../../../core/aws/session-flow.js';
import { openVault } from '../../../node/open-vault.js';
import { defaultDataDir } from '../../../node/data-dir.js';
import { FileCodeLedger } from '../../../node/aws/code-ledger.js';
import { KeychainSessionCache } from '../../../node/aws/session-cache.js';
import { issueSession } from '../../../node/aws/release.js';
import { refuseNested } from '../../../node/aws/source-profile.js';
import { EXIT, reportError, UsageError, type CliContext } from '../../io.js';
import { parseCredentialsArgs, type CredentialsArgs } from './credentials-args.js';

function parse(args: readonly string[], env: NodeJS.ProcessEnv): CredentialsArgs {
  try {
    return parseCredentialsArgs(args, env);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
    if (isAuthdeskError(error)) throw new UsageError(error.message);
    throw error;
  }
}

export async function runCredentials(args: readonly string[], ctx: CliContext): Promise<number> {
  const request = parse(args, ctx.env);
  refuseNested(ctx.env);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const vault = await openVault({ reconcile: 'skip' });
  const { createStsPort } = await import('../../../node/aws/sts-client.js');
  const sts = await createStsPort({ ...(request.profile ? { profile: request.profile } : {}), env: ctx.env });
  const { accountOfSerial, gateRelease, sessionWhat } = await import('../../release-gate.js');
  const { what, options } = sessionWhat(request.key.roleArn);
  try {
    // The release policy (docs/approvals.md), asked before a code is spent when the device is named;
    // otherwise (Authdesk picks the device from the caller's identity) right after, before printing.
    const named = await accountOfSerial(vault, request.key.serial);
    if (named) await gateRelease(ctx, vault, named, what, options);
    const obtained = await obtainSession({
      vaultId: vault.vaultId, key: request.key, noCache: request.noCache,
      ...(request.durationSeconds !== undefined ? { durationSeconds: request.durationSeconds } : {}),
    }, {
      sts, vault, cache: new KeychainSessionCache(vault.vaultId), ledger: new FileCodeLedger(defaultDataDir(ctx.env)),
      clock: { now: () => Date.now() },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      onWait: (_ms, _reason, message) => ctx.stderr.write(`${message}\n`),
      onNote: (message) => ctx.stderr.write(`${message}\n`),
      stsWith: (credentials) => createStsPort({ credentials, env: ctx.env, ...(request.profile ? { endpointProfile: request.profile } : {}) }),
    });
    const { session } = obtained;
    if (!named && session.serial) {
      const account = obtained.account ?? (await accountOfSerial(vault, session.serial));
      if (account) await gateRelease(ctx, vault, account, what, options);
    }
    await issueSession({ key: session.key, kind: session.kind, serial: session.serial, credentials: session.credentials, cached: obtained.cached }, ctx.stdout);
    return EXIT.OK;
  } catch (error) {
    // A duration out of range for this caller (root, role chaining) is a usage error too.
    if (isAuthdeskError(error, 'SESSION_DURATION_RANGE') || isAuthdeskError(error, 'AWS_SESSION_DURATION')) throw new UsageError(error.message);
    return reportError(ctx, error, request.json);
  } finally {
    sts.destroy();
  }
}
