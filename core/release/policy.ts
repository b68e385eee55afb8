/**
 * Release policy (docs/approvals.md): may a code (or an AWS session) go to ANOTHER program now,
 * or must the person be asked? Pure: the clock is a parameter, grants are values.
 *
 *   always          today's behaviour and the default, so scripts keep working
 *   ask             the desktop app asks every time
 *   ask-then-allow  the app asks; "Allow" lets the same program have the same thing from the same
 *                   account for `minutes` without asking again
 *
 * A grant is keyed by account + program (its executable path) + what was asked (a code, a
 * session, a role — and for a role, which one), so allowing `aws-vault` codes for an account
 * does not allow `python3` anything, nor a session where only codes were allowed.
 */
import { AuthdeskError } from '../errors.js';

export type ReleasePolicy =
  | { readonly mode: 'always' }
  | { readonly mode: 'ask' }
  | { readonly mode: 'ask-then-allow'; readonly minutes: number };

export type ReleaseMode = ReleasePolicy['mode'];

export const RELEASE_MODES: readonly ReleaseMode[] = ['always', 'ask', 'ask-then-allow'];

export const RELEASE_LIMITS = {
  /** A grant shorter than a minute is "Allow once"; longer than 12 h is "Always" by another name. */
  MIN_GRANT_MINUTES: 1,
  MAX_GRANT_MINUTES: 12 * 60,
  /** What "Allow for N minutes" offers under a plain "ask" policy. */
  DEFAULT_GRANT_MINUTES: 15,
  /** A prompt nobody answers is a denial after this (the calling program must not hang forever). */
  PROMPT_TIMEOUT_MS: 120_000,
  /** At most this many prompts wait at once; more are refused (a runaway script, not a person). */
  MAX_PENDING: 16,
} as const;

export const DEFAULT_RELEASE_POLICY: ReleasePolicy = { mode: 'always' };

/** What another program asks for. */
export type ReleaseWhat = 'code' | 'session' | 'role';

export class ReleaseError extends AuthdeskError {
  override readonly name = 'ReleaseError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('release', code, message, options);
  }
}

/** A stored or sent policy, checked; undefined when absent, ReleaseError when malformed. */
export function parseReleasePolicy(value: unknown): ReleasePolicy | undefined {
  if (value === undefined) return undefined;
  const bad = () => new ReleaseError('RELEASE_POLICY_INVALID', 'A release policy must be "always", "ask" or "ask-then-allow" with 1 to 720 minutes.');
  if (typeof value !== 'object' || value === null) throw bad();
  const { mode, minutes } = value as { mode?: unknown; minutes?: unknown };
  if (mode === 'always' || mode === 'ask') {
    if (minutes !== undefined) throw bad();
    return { mode };
  }
  if (mode === 'ask-then-allow') {
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < RELEASE_LIMITS.MIN_GRANT_MINUTES || minutes > RELEASE_LIMITS.MAX_GRANT_MINUTES) throw bad();
    return { mode, minutes };
  }
  throw bad();
}

/** The account's own policy wins; then the default for accounts without one; then Always. */
export function effectivePolicy(accountPolicy: ReleasePolicy | undefined, defaultPolicy: ReleasePolicy | undefined): ReleasePolicy {
  return accountPolicy ?? defaultPolicy ?? DEFAULT_RELEASE_POLICY;
}

/** How long "Allow for N minutes" lasts for this policy. */
export function grantMinutesFor(policy: ReleasePolicy): number {
  return policy.mode === 'ask-then-allow' ? policy.minutes : RELEASE_LIMITS.DEFAULT_GRANT_MINUTES;
}

export function describePolicy(policy: ReleasePolicy): string {
  if (policy.mode === 'always') return 'Always release';
  if (policy.mode === 'ask') return 'Ask every time';
  return `Ask, then allow for ${policy.minutes} minutes`;
}

/** What a grant is for. `program` is the executable path of the calling program. */
export interface GrantScope {
  readonly accountId: string;
  readonly program: string;
  readonly what: ReleaseWhat;
  /** For `role`: the role ARN asked for (a grant for one role is not a grant for another). */
  readonly role?: string;
}

export interface Grant extends GrantScope {
  /** Unix ms (on the clock given to `decide`). */
  readonly grantedAt: number;
  readonly expiresAt: number;
}

export function sameScope(a: GrantScope, b: GrantScope): boolean {
  return a.accountId === b.accountId && a.program === b.program && a.what === b.what && (a.role ?? '') === (b.role ?? '');
}

export type Decision =
  | { readonly kind: 'allow'; readonly reason: 'policy-always' }
  | { readonly kind: 'allow'; readonly reason: 'grant'; readonly grant: Grant }
  | { readonly kind: 'ask'; readonly grantMinutes: number };

/**
 * Decide without the person: Always releases; a live grant for exactly this scope releases;
 * otherwise ask. A grant outlives a policy change only while the policy still asks — turning an
 * account to plain "ask" ends its grants (the person asked to be asked).
 */
export function decide(policy: ReleasePolicy, grants: readonly Grant[], scope: GrantScope, nowMs: number): Decision {
  if (policy.mode === 'always') return { kind: 'allow', reason: 'policy-always' };
  if (policy.mode === 'ask-then-allow') {
    const live = grants.find((g) => sameScope(g, scope) && g.expiresAt > nowMs);
    if (live) return { kind: 'allow', reason: 'grant', grant: live };
  }
  return { kind: 'ask', grantMinutes: grantMinutesFor(policy) };
}

/** The person's answer to a prompt. */
export type PromptAnswer =
  | { readonly choice: 'once' }
  | { readonly choice: 'grant'; readonly minutes: number }
  | { readonly choice: 'deny' };

/**
 * Apply an answer: whether to release, and the grant to keep (replacing any for the same scope).
 * "Allow for N minutes" under a plain "ask" policy releases once and keeps no grant — the policy
 * says ask every time, and the prompt only offers the choice under ask-then-allow.
 */
export function applyAnswer(policy: ReleasePolicy, grants: readonly Grant[], scope: GrantScope, answer: PromptAnswer, nowMs: number): { readonly release: boolean; readonly grants: readonly Grant[]; readonly grant?: Grant } {
  if (answer.choice === 'deny') return { release: false, grants };
  if (answer.choice === 'once' || policy.mode !== 'ask-then-allow') return { release: true, grants };
  const minutes = Math.min(Math.max(Math.round(answer.minutes), RELEASE_LIMITS.MIN_GRANT_MINUTES), RELEASE_LIMITS.MAX_GRANT_MINUTES);
  const grant: Grant = { ...scope, grantedAt: nowMs, expiresAt: nowMs + minutes * 60_000 };
  return { release: true, grant, grants: [...grants.filter((g) => !sameScope(g, scope)), grant] };
}

/** Drop expired grants (and, given account policies, grants of accounts that no longer ask-then-allow). */
export function pruneGrants(grants: readonly Grant[], nowMs: number, policyOf?: (accountId: string) => ReleasePolicy | undefined): readonly Grant[] {
  return grants.filter((g) => g.expiresAt > nowMs && (policyOf === undefined || policyOf(g.accountId)?.mode === 'ask-then-allow'));
}
