/**
 * Two consecutive codes on AWS's clock, for EnableMFADevice and ResyncMFADevice.
 *
 * The clock rule (docs/aws.md): AWS checks codes against its own clock, so the codes are computed
 * at  local now + the offset learned from the Date header of IAM responses in the same flow
 * (IamPort.serverClockOffsetMs), immediately before the call. A pair is never computed within
 * GUARD_MS of a step boundary (the Date header has 1 s resolution and the request needs a round
 * trip): the flow waits for the next step instead. A retry never reuses a step already sent.
 */
import { AwsError } from '../errors.js';
import type { Clock } from '../vault/ports.js';
import type { IamPort } from './port.js';

export const AWS_CODE_TIMING = {
  /** AWS virtual MFA devices: 30-second steps. */
  PERIOD_MS: 30_000,
  /** Date header resolution (1 s) + a slow round trip (~2 s) + margin. */
  GUARD_MS: 4_000,
  /** How far into a new step to compute, once we waited for it (absorbs the 1 s Date resolution). */
  SETTLE_MS: 1_000,
} as const;
export type CodeTiming = { readonly [K in keyof typeof AWS_CODE_TIMING]: number };

/**
 * Which two steps a pair covers, relative to AWS's current step:
 * - 'previous-current': what a person sends after waiting for the second code (the console's way).
 * - 'current-next': what scripts send (oathtool --now +30s) and what Authdesk's console assist shows.
 * The first attempt uses 'previous-current' (valid right now, nothing from the future); the retry
 * after InvalidAuthenticationCode uses 'current-next' on fresh steps, so it needs at most one wait.
 */
export type PairAlignment = 'previous-current' | 'current-next';

export interface CodePair {
  readonly code1: string;
  readonly code2: string;
  /** Step of code1 on AWS's clock; code2 is step + 1. */
  readonly step: number;
  /** AWS's clock when the pair was computed (ms). */
  readonly awsTimeMs: number;
}

/** Makes the 6-digit code of the account at a time on AWS's clock (ms): VaultApi.code, seed stays in the vault. */
export type CodeAt = (awsTimeMs: number) => Promise<string>;

export interface PairDeps {
  readonly iam: Pick<IamPort, 'serverClockOffsetMs'>;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly timing?: Partial<CodeTiming>;
  readonly onWait?: (ms: number, reason: 'boundary' | 'fresh-step') => void;
}

export function awsNow(deps: Pick<PairDeps, 'iam' | 'clock'>): number {
  return deps.clock.now() + deps.iam.serverClockOffsetMs();
}

/**
 * Compute a fresh pair: both steps >= `minStep` (pass lastSentStep + 1 after an attempt), and not
 * within GUARD_MS of the end of AWS's current step. Waits (deps.sleep) when needed.
 */
export async function freshCodePair(codeAt: CodeAt, alignment: PairAlignment, minStep: number, deps: PairDeps): Promise<CodePair> {
  const t = { ...AWS_CODE_TIMING, ...deps.timing };
  const shift = alignment === 'previous-current' ? -1 : 0;
  for (let rounds = 0; rounds < 8; rounds++) {
    const now = awsNow(deps);
    const current = Math.floor(now / t.PERIOD_MS);
    const endOfStep = (current + 1) * t.PERIOD_MS;
    if (current + shift < minStep) {
      // A retry must not resend a step: wait until the first fresh step is the pair's first step.
      const wait = (minStep - shift) * t.PERIOD_MS - now + t.SETTLE_MS;
      deps.onWait?.(wait, 'fresh-step');
      await deps.sleep(wait);
      continue;
    }
    if (endOfStep - now < t.GUARD_MS) {
      const wait = endOfStep - now + t.SETTLE_MS;
      deps.onWait?.(wait, 'boundary');
      await deps.sleep(wait);
      continue;
    }
    const step = current + shift;
    // Codes for the middle of each step: the arithmetic cannot slip across a boundary.
    const code1 = await codeAt(step * t.PERIOD_MS + t.PERIOD_MS / 2);
    const code2 = await codeAt((step + 1) * t.PERIOD_MS + t.PERIOD_MS / 2);
    return { code1, code2, step, awsTimeMs: now };
  }
  throw new AwsError('AWS_CLOCK_UNSTABLE', 'The clock kept jumping while Authdesk waited for a fresh code; check the computer\'s clock and try again.');
}
