/**
 * The release area (docs/approvals.md, docs/ipc.md): the approval prompt, per-account release
 * policies, the activity log, live grants and the one-time suggestion to ask for AWS accounts.
 *
 * No code crosses here: a prompt is answered with a decision about a request id main issued
 * (`release.pending` lists them, the `release.pending` event pushes them); the CLI reads the seed
 * itself once main said yes. The renderer cannot make up a request to approve.
 */
import type { ActivityEntry } from '../../../core/release/activity.js';
import type { Grant, ReleasePolicy } from '../../../core/release/policy.js';
import type { ReleaseRequest } from '../../../core/release/request.js';
import type { Account } from '../../../core/vault/model.js';
import { channel, event } from '../channel.js';
import { s } from '../schema.js';
import { accountId } from './common.js';

/** The one-time suggestion: an AWS account under "Always" was used by another program. */
export interface ReleaseSuggestion {
  readonly account: { readonly id: string; readonly name: string };
  /** The program that used it (escaped by the renderer's text rendering). */
  readonly program: string;
}

export type { ActivityEntry, Grant, ReleasePolicy, ReleaseRequest };

const requestId = s.string({ min: 8, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'a request id' });
/** Checked again by core's parseReleasePolicy in the handler (minutes only with ask-then-allow). */
export const releasePolicySchema = s.object({
  mode: s.enum(['always', 'ask', 'ask-then-allow'] as const),
  minutes: s.optional(s.int({ min: 1, max: 720 })),
});

export const release = {
  channels: {
    /** authdesk.release.pending() — the prompts waiting for the person, oldest first. */
    pending: channel(s.none()).returns<readonly ReleaseRequest[]>(),
    /** authdesk.release.answer({id, choice, minutes?}) — Allow once / Allow for N minutes / Deny. */
    answer: channel(s.object({ id: requestId, choice: s.enum(['once', 'grant', 'deny'] as const), minutes: s.optional(s.int({ min: 1, max: 720 })) })).returns<void>(),
    /** authdesk.release.activity() — the activity log, newest first (at most 1,000 entries). */
    activity: channel(s.none()).returns<readonly ActivityEntry[]>(),
    /** authdesk.release.clearActivity() */
    clearActivity: channel(s.none()).returns<void>(),
    /** authdesk.release.setAccountPolicy({id, policy?}) — absent policy: follow the default again. */
    setAccountPolicy: channel(s.object({ id: accountId, policy: s.optional(releasePolicySchema) })).returns<Account>(),
    /** authdesk.release.setDefaultPolicy({policy?}) — for accounts without their own; absent: Always. */
    setDefaultPolicy: channel(s.object({ policy: s.optional(releasePolicySchema) })).returns<void>(),
    /** authdesk.release.grants() — live "allow for N minutes" grants. */
    grants: channel(s.none()).returns<readonly Grant[]>(),
    /** authdesk.release.revokeGrants() */
    revokeGrants: channel(s.none()).returns<void>(),
    /** authdesk.release.suggestion() — the one-time "ask before releasing AWS codes?" banner, or null. */
    suggestion: channel(s.none()).returns<ReleaseSuggestion | null>(),
    /** authdesk.release.answerSuggestion({accept}) — accept: that account asks from now on; either way it is not shown again. */
    answerSuggestion: channel(s.object({ accept: s.boolean() })).returns<void>(),
  },
  events: {
    /** The waiting prompts changed. */
    pending: event<readonly ReleaseRequest[]>(),
    /** An entry was added to the activity log. */
    logged: event<ActivityEntry>(),
  },
} as const;
