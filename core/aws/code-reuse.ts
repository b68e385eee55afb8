/**
 * "Never the same code twice" (docs/aws.md, "The reuse rule"). AWS refuses a one-time code it has
 * already accepted ("MultiFactorAuthentication failed with invalid MFA one time pass code."), and a
 * code is never accepted again once a later one was: every tool that asks STS twice within one
 * 30-second window fails (aws-vault #1110). So every code Authdesk sends to AWS, or hands to another
 * program, is recorded per account — its time step — in a durable ledger shared by the app and the
 * CLI, and the next request for that account gets a strictly later step, waiting for it when needed.
 *
 * Pure policy: which step(s) to use and how long to wait. The ledger itself (a file per account
 * under an exclusive lock) is node/aws/code-ledger.ts; this module defines the port it implements.
 */
import { AwsError } from '../errors.js';
import { AWS_CODE_TIMING } from '../iam/codes.js';
import type { Clock } from '../vault/ports.js';

export const CODE_REUSE_TIMING = {
  /** AWS virtual MFA devices' step, as for enrollment pairs. */
  PERIOD_MS: AWS_CODE_TIMING.PERIOD_MS,
  /**
   * A code computed this close to the end of its step may arrive after AWS moved on: use the next
   * step instead. A single code (STS, mfa_process) goes straight out, so 2 s (the Date header's 1 s
   * resolution + a round trip) is enough; pairs keep core/iam/codes.ts's 4 s.
   */
  GUARD_MS: 2_000,
  /** How far into a step we compute once we waited for it, as for enrollment pairs. */
  SETTLE_MS: AWS_CODE_TIMING.SETTLE_MS,
  /** Longer than this is not a wait for a step but a clock that disagrees with the ledger: fail instead. */
  MAX_WAIT_MS: 95_000,
} as const;
export type CodeReuseTiming = { readonly [K in keyof typeof CODE_REUSE_TIMING]: number };

/** Why a request waits: a fresh step after a used one, or the next step because this one is ending. */
export type WaitReason = 'fresh-step' | 'boundary';

export interface StepPlan {
  /** The step of the first code; a pair also uses firstStep + 1. */
  readonly firstStep: number;
  /** The last step this request uses (what the ledger records). */
  readonly lastStep: number;
  /** How long to wait before computing (0: compute now). */
  readonly waitMs: number;
  readonly reason?: WaitReason;
}

/**
 * The steps of the next `count` consecutive codes (1, or 2 for "current and next") that are all
 * later than `lastUsedStep`, on the clock `nowMs` is read from.
 *
 * - Never a step <= lastUsedStep (AWS refuses it).
 * - The first code is the current step when it is unused and not about to end; else a later step,
 *   which we wait for: codes "from the future" are not sent (AWS may refuse them, and a person
 *   typing one would see it expire at once).
 */
export function planCodeSteps(nowMs: number, lastUsedStep: number | undefined, count: 1 | 2, timing: Partial<CodeReuseTiming> = {}, aheadSteps: 0 | 1 = 0): StepPlan {
  const t = { ...CODE_REUSE_TIMING, ...timing };
  const current = Math.floor(nowMs / t.PERIOD_MS);
  // `authdesk code --next` asks for the next period's code on purpose: that step is not waited for.
  const wanted = current + aheadSteps;
  const endOfCurrent = (current + 1) * t.PERIOD_MS;
  let firstStep = wanted;
  let reason: WaitReason | undefined;
  if (lastUsedStep !== undefined && lastUsedStep >= firstStep) {
    firstStep = lastUsedStep + 1;
    reason = 'fresh-step';
  }
  if (firstStep === current && endOfCurrent - nowMs < t.GUARD_MS) {
    firstStep = current + 1;
    reason = 'boundary';
  }
  const waitMs = firstStep > wanted ? (firstStep - aheadSteps) * t.PERIOD_MS - nowMs + t.SETTLE_MS : 0;
  if (waitMs > t.MAX_WAIT_MS) {
    throw new AwsError('CODE_LEDGER_AHEAD',
      `The last code used for this account is ${lastUsedStep! - current} steps ahead of this computer's clock, so a fresh code would mean waiting ${Math.ceil(waitMs / 1000)} s. Check the clock ("authdesk time"), then try again.`,
      { details: { lastUsedStep, currentStep: current } });
  }
  return { firstStep, lastStep: firstStep + count - 1, waitMs, ...(reason && waitMs > 0 ? { reason } : {}) };
}

/**
 * Which accounts the rule covers: those linked to an AWS MFA device (awsSerial). The rule exists
 * because AWS refuses a reused code; other services' codes stay as they were (a second
 * `authdesk code github | xclip` in the same 30 s does not wait). An AWS account added from a QR
 * code is linked by enrollment, or by `authdesk aws link`.
 */
export function followsReuseRule(account: { readonly type: string; readonly awsSerial?: string }): boolean {
  return account.type === 'totp' && account.awsSerial !== undefined && account.awsSerial !== '';
}

/** The sentence shown while waiting (stderr in the CLI; the app shows a countdown with it). */
export function waitMessage(waitMs: number, reason: WaitReason): string {
  const s = Math.ceil(waitMs / 1000);
  return reason === 'fresh-step'
    ? `Waiting ${s} s for a fresh code (the last one was already used)…`
    : `Waiting ${s} s for the next code, so this one does not expire on its way…`;
}

/**
 * The ledger: per account, the last step used. `claim` runs `use` holding the account's exclusive
 * lock (other processes asking for the same account wait), and records `usedThrough` durably
 * before it returns — before the code leaves Authdesk. Implemented by node/aws/code-ledger.ts.
 */
export interface CodeLedgerPort {
  claim<T>(accountId: string, use: (lastUsedStep: number | undefined) => Promise<{ readonly value: T; readonly usedThrough?: number }>): Promise<T>;
}

/** Makes the code of the account at a time (ms) on the clock the steps are counted on. */
export type CodeAtTime = (timeMs: number) => Promise<string>;

export interface FreshCodes {
  readonly codes: readonly string[];
  readonly firstStep: number;
  /** The clock's time when the codes were computed (ms). */
  readonly atMs: number;
  /** End of the first code's step (ms, same clock). */
  readonly validUntil: number;
}

export interface FreshCodeDeps {
  readonly ledger: CodeLedgerPort;
  /** The clock the codes are for: AWS's (local + learned offset) or the vault's corrected clock. */
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onWait?: (waitMs: number, reason: WaitReason, message: string) => void;
  readonly timing?: Partial<CodeReuseTiming>;
}

/**
 * `count` unused consecutive codes for an account, recorded in the ledger before they are returned.
 * Waits (under the account's lock) when the current step was already used or is about to end.
 */
export async function claimFreshCodes(accountId: string, count: 1 | 2, codeAt: CodeAtTime, deps: FreshCodeDeps, aheadSteps: 0 | 1 = 0): Promise<FreshCodes> {
  const t = { ...CODE_REUSE_TIMING, ...deps.timing };
  return deps.ledger.claim(accountId, async (lastUsedStep) => {
    let plan = planCodeSteps(deps.clock.now(), lastUsedStep, count, t, aheadSteps);
    if (plan.waitMs > 0) {
      deps.onWait?.(plan.waitMs, plan.reason ?? 'fresh-step', waitMessage(plan.waitMs, plan.reason ?? 'fresh-step'));
      await deps.sleep(plan.waitMs);
      // Re-plan on the clock after the wait (a sleep may return early or late): never an older step.
      const again = planCodeSteps(deps.clock.now(), Math.max(lastUsedStep ?? -Infinity, plan.firstStep - 1), count, t, aheadSteps);
      if (again.waitMs > 0) {
        deps.onWait?.(again.waitMs, again.reason ?? 'boundary', waitMessage(again.waitMs, again.reason ?? 'boundary'));
        await deps.sleep(again.waitMs);
      }
      plan = again;
    }
    const atMs = deps.clock.now();
    const codes: string[] = [];
    // Codes for the middle of each step: the arithmetic cannot slip across a boundary.
    for (let i = 0; i < count; i++) codes.push(await codeAt((plan.firstStep + i) * t.PERIOD_MS + t.PERIOD_MS / 2));
    return { value: { codes, firstStep: plan.firstStep, atMs, validUntil: (plan.firstStep + 1) * t.PERIOD_MS }, usedThrough: plan.lastStep };
  });
}
