/**
 * The gate before a code (or an AWS session) leaves the CLI for another program (docs/approvals.md).
 *
 *   `authdesk code` on a terminal: the person is reading it — no gate.
 *   Otherwise the account's release policy decides: Always releases (and logs it); Ask and
 *   Ask-then-allow ask the desktop app over the local channel, which asks the person (or finds a
 *   grant) and logs its decision. App not running, locked, or the person said no: one line on
 *   stderr, exit 1, nothing released.
 *
 * Call it after resolving the account and BEFORE reading the seed or advancing an HOTP counter.
 * The sessions work wraps `authdesk aws credentials` with gateRelease(..., 'session' | 'role').
 */
import { ReleaseError, effectivePolicy, type ReleaseWhat } from '../core/release/policy.js';
import type { ActivityReason } from '../core/release/activity.js';
import { decisionOf, programOf } from '../core/release/activity.js';
import { describeWhat, type CallerInfo } from '../core/release/request.js';
import { displayName, type Account } from '../core/vault/model.js';
import type { VaultApi } from '../core/vault/api.js';
import { defaultDataDir } from '../node/data-dir.js';
import { createActivityStore } from '../node/release/activity-store.js';
import { callerOfThisCli } from '../node/release/caller.js';
import { askApp } from '../node/release/client.js';
import { releaseChannelPath } from '../node/release/paths.js';
import type { CliContext } from './io.js';

/** Is this stream a terminal the person is looking at? (process.stdout is; a pipe or file is not.) */
export function writesToTerminal(stream: CliContext['stdout']): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

async function logHere(ctx: CliContext, account: Account, what: ReleaseWhat, role: string | undefined, caller: CallerInfo, reason: ActivityReason): Promise<void> {
  await createActivityStore(defaultDataDir(ctx.env))
    .append({
      at: new Date().toISOString(),
      decision: decisionOf(reason),
      reason,
      what,
      ...(role !== undefined ? { role } : {}),
      account: { id: account.id, name: displayName(account), ...(account.awsSerial ? { awsSerial: account.awsSerial } : {}) },
      program: programOf(caller),
    })
    // The log must not stop a release the policy allows (a read-only data dir): say so once.
    .catch((error: Error) => ctx.stderr.write(`authdesk: could not write the activity log (${(error as NodeJS.ErrnoException).code ?? error.message}).\n`));
}

export interface GateOptions {
  /** For `role`: the role ARN asked for. */
  readonly role?: string;
  /** `code` on a terminal is not gated; pass true where the output goes to another program regardless. */
  readonly toProgram?: boolean;
}

/** Resolves when the release may go ahead; throws a one-sentence ReleaseError (exit 1) when not. */
export async function gateRelease(ctx: CliContext, vault: Pick<VaultApi, 'settings'>, account: Account, what: ReleaseWhat, options: GateOptions = {}): Promise<void> {
  if (what === 'code' && options.toProgram !== true && (ctx.stdoutIsTTY ?? writesToTerminal(ctx.stdout))) return;
  const policy = effectivePolicy(account.releasePolicy, (await vault.settings()).defaultReleasePolicy);
  // The CLI describes its caller itself; on Linux the app reads it again from the OS for the pid
  // the peer check proved, and ignores this.
  const caller = await callerOfThisCli();
  const role = options.role;
  if (policy.mode === 'always') {
    await logHere(ctx, account, what, role, caller, 'policy-always');
    return;
  }
  const name = displayName(account);
  const answer = await askApp(releaseChannelPath(ctx.env), { v: 1, type: 'release', pid: process.pid, accountId: account.id, what, ...(role !== undefined ? { role } : {}), caller });
  if (answer.kind === 'absent') {
    await logHere(ctx, account, what, role, caller, 'app-absent');
    throw new ReleaseError('RELEASE_APP_ABSENT', `${name} needs your approval before ${describeWhat(what, role)} goes to another program, and the Authdesk app is not running: start it and try again.`);
  }
  const { outcome } = answer;
  if (outcome.outcome === 'allowed') return;
  const code = { denied: 'RELEASE_DENIED', locked: 'RELEASE_APP_LOCKED', 'timed-out': 'RELEASE_TIMED_OUT', refused: 'RELEASE_REFUSED' }[outcome.outcome];
  throw new ReleaseError(code, outcome.message.replace(/^Authdesk:\s*/, ''));
}

/** The account of an AWS MFA device, by its serial ARN (exact), as the session flows name it. */
export async function accountOfSerial(vault: Pick<VaultApi, 'list'>, serial: string): Promise<Account | undefined> {
  if (!serial.startsWith('arn:')) return undefined;
  const linked = (await vault.list()).filter((a) => a.awsSerial === serial);
  return linked.length === 1 ? linked[0] : undefined;
}

/** `what` of an AWS session release: a role session names its role. */
export function sessionWhat(roleArn: string | undefined): { what: ReleaseWhat; options: GateOptions } {
  return roleArn ? { what: 'role', options: { role: roleArn } } : { what: 'session', options: {} };
}
