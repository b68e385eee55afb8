/**
 * The two release points: every one-time code Authdesk hands to ANOTHER program, and every MFA
 * session it issues, goes through exactly one of these functions. (Codes Authdesk itself sends to
 * AWS — enable, resync, GetSessionToken — go through the same ledger, core/aws/code-reuse.ts, but
 * never leave the process.) A person-approval gate wraps these two functions; nothing else prints
 * a code off a terminal or credentials.
 *
 * Kept light: the cached `authdesk aws credentials` path imports this module (no AWS SDK, no vault).
 */
import { credentialProcessJson, type SessionKeyParts, type SessionCredentials, type SessionKind } from '../../core/aws/session-policy.js';
import { claimFreshCodes, type CodeLedgerPort, type FreshCodes, type WaitReason } from '../../core/aws/code-reuse.js';
import type { Account } from '../../core/vault/model.js';

export interface CodeRelease {
  readonly account: Account;
  /** 1 code, or 2 consecutive ones (`--pair`). */
  readonly count: 1 | 2;
  /** 1: the next period's code (`--next`). */
  readonly aheadSteps?: 0 | 1;
  /** Who receives it, for the approval gate and messages (e.g. "authdesk code (stdout is not a terminal)"). */
  readonly recipient: string;
}

export interface CodeReleaseDeps {
  readonly ledger: CodeLedgerPort;
  /** TOTP code of the account at a time on the vault's corrected clock (VaultApi.code). */
  readonly codeAt: (timeMs: number) => Promise<string>;
  /** The vault's corrected clock. */
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onWait?: (waitMs: number, reason: WaitReason, message: string) => void;
}

/**
 * Release unused codes of an account to another program: recorded in the ledger (shared with the
 * app and other CLI processes) before they are returned; waits for a fresh step when needed.
 */
export async function releaseCodes(release: CodeRelease, deps: CodeReleaseDeps): Promise<FreshCodes> {
  return claimFreshCodes(release.account.id, release.count, deps.codeAt, {
    ledger: deps.ledger,
    clock: { now: deps.now },
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    ...(deps.onWait ? { onWait: deps.onWait } : {}),
  }, release.aheadSteps ?? 0);
}

export interface SessionIssue {
  readonly key: SessionKeyParts;
  readonly kind: SessionKind;
  readonly serial: string;
  readonly credentials: SessionCredentials;
  /** true: from the keychain cache; false: just obtained from STS. */
  readonly cached: boolean;
}

/**
 * Issue a session to another program: writes the `credential_process` JSON (and nothing else) to
 * `out`. Both the cached path and the fresh path of `authdesk aws credentials` end here.
 */
export async function issueSession(issue: SessionIssue, out: { write(text: string): unknown }): Promise<void> {
  out.write(`${credentialProcessJson(issue.credentials)}\n`);
}
