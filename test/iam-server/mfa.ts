/**
 * One-time-code checks shared by IAM (EnableMFADevice, ResyncMFADevice) and STS (GetSessionToken,
 * AssumeRole), with AWS's reuse rule: a time step of a device, once accepted, is never accepted again,
 * nor any earlier step (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the OTP
 * after the successful validation has been issued"). So after Enable with the pair (s, s+1) a session
 * request with the code of step s+1 fails, and two STS calls within one 30-second window fail the second.
 * AWS answers a reused code exactly as a wrong one: "MultiFactorAuthentication failed with invalid MFA
 * one time pass code." The reason is kept here for the tests' introspection only.
 */
import { hotp6, stepAt } from './totp.js';

export interface CodeDevice {
  readonly seed: Buffer;
  /** Steps between the server's clock and the device's clock as last learned (0 = in sync). */
  driftSteps: number;
  /** The latest time step accepted from this device (by Enable, Resync, or a session), if any. */
  lastUsedStep?: number;
}

/** STS accepts the code of the device's current step (server clock + drift) and one step either side. */
export const SESSION_CODE_STEPS = 1;

export type SessionCodeCheck = { ok: true; step: number } | { ok: false; reason: 'reused' | 'invalid' };

/** Check one code for a session; on success the step is recorded as used. */
export function acceptSessionCode(device: CodeDevice, code: string, nowMs: number): SessionCodeCheck {
  const cur = stepAt(nowMs) + device.driftSteps;
  let reused = false;
  for (const d of [0, -1, 1].filter((x) => Math.abs(x) <= SESSION_CODE_STEPS)) {
    const step = cur + d;
    if (hotp6(device.seed, step) !== code) continue;
    if (device.lastUsedStep !== undefined && step <= device.lastUsedStep) {
      reused = true;
      continue;
    }
    device.lastUsedStep = step;
    return { ok: true, step };
  }
  return { ok: false, reason: reused ? 'reused' : 'invalid' };
}

/** Whether a pair starting at step s may be accepted under the reuse rule. */
export function pairUnused(device: CodeDevice, s: number): boolean {
  return device.lastUsedStep === undefined || s > device.lastUsedStep;
}

/** Record an accepted pair (s, s+1): both codes are used from now on. */
export function recordPair(device: CodeDevice, s: number): void {
  device.lastUsedStep = Math.max(device.lastUsedStep ?? -Infinity, s + 1);
}
