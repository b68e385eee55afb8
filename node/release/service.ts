/**
 * The app's approval service (docs/approvals.md): answers release requests from the channel by the
 * account's policy and the live grants, asks the person through a prompt when needed, and logs
 * every decision. Main wires it to the socket server and the prompt window; tests drive it in Node
 * and answer prompts through `answer()` — the same function the prompt's IPC handler calls.
 *
 * Grants live in this process only: quitting or locking the app ends them all.
 */
import { randomBytes } from 'node:crypto';
import { decisionOf, programOf, type ActivityEntry, type ActivityReason } from '../../core/release/activity.js';
import { applyAnswer, decide, effectivePolicy, pruneGrants, RELEASE_LIMITS, ReleaseError, type Grant, type GrantScope, type PromptAnswer, type ReleaseWhat } from '../../core/release/policy.js';
import { describeWhat, type CallerInfo, type ReleaseRequest } from '../../core/release/request.js';
import { displayName, type Account } from '../../core/vault/model.js';
import type { VaultApi } from '../../core/vault/api.js';
import type { ActivityStore } from './activity-store.js';
import type { ReleaseOutcome } from './protocol.js';

export interface ReleaseServiceDeps {
  readonly vault: Pick<VaultApi, 'get' | 'settings'>;
  readonly activity: ActivityStore;
  readonly isLocked: () => boolean;
  /** The clock of grants and prompt deadlines (tests move it). */
  readonly now?: () => number;
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
  /** The waiting prompts changed: main shows/updates/hides the prompt window and tells the renderer. */
  readonly onPendingChanged?: (pending: readonly ReleaseRequest[]) => void;
  /** An entry was logged (Settings › Activity refreshes). */
  readonly onLogged?: (entry: ActivityEntry) => void;
  readonly onError?: (error: unknown) => void;
}

export interface ReleaseService {
  handle(ask: { readonly accountId: string; readonly what: ReleaseWhat; readonly role?: string }, caller: CallerInfo, signal?: AbortSignal): Promise<ReleaseOutcome>;
  /** The prompts waiting for the person, oldest first. */
  pending(): readonly ReleaseRequest[];
  /** The person's answer to the prompt `id` (an id this service issued). Unknown/answered ids: RELEASE_NO_SUCH_REQUEST. */
  answer(id: string, answer: PromptAnswer): void;
  /** Live grants (for Settings: "Allowed for N more minutes"). */
  grants(): readonly Grant[];
  /** End every grant (on lock, or the person's "Revoke all"), or those of one account. */
  revokeGrants(accountId?: string): void;
  /** The app locked: waiting prompts are refused as "locked", grants end. */
  locked(): void;
  dispose(): void;
}

interface Waiting {
  readonly request: ReleaseRequest;
  readonly scope: GrantScope;
  readonly settle: (reason: ActivityReason, minutes?: number) => void;
  readonly timer: unknown;
}

const MESSAGES: Record<ReleaseOutcome['outcome'], (name: string, what: string) => string> = {
  allowed: (name, what) => `Authdesk allowed ${what} for ${name}.`,
  denied: (name, what) => `Authdesk: you denied ${what} for ${name} to this program.`,
  'timed-out': (name, what) => `Authdesk: nobody answered the approval prompt for ${what} for ${name} in time.`,
  locked: (name) => `Authdesk needs your approval for ${name}, and the app is locked: unlock it and try again.`,
  refused: (name) => `Authdesk refused the request for ${name}.`,
};

function outcomeOf(reason: ActivityReason): ReleaseOutcome['outcome'] {
  if (decisionOf(reason) === 'allowed') return 'allowed';
  if (reason === 'timed-out') return 'timed-out';
  if (reason === 'locked') return 'locked';
  if (reason === 'refused') return 'refused';
  return 'denied';
}

export function createReleaseService(deps: ReleaseServiceDeps): ReleaseService {
  const now = deps.now ?? Date.now;
  const setTimer = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms).unref());
  const clearTimer = deps.clearTimeout ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let grants: readonly Grant[] = [];
  const waiting = new Map<string, Waiting>();

  const pendingList = () => [...waiting.values()].map((w) => w.request);
  const changed = () => deps.onPendingChanged?.(pendingList());

  async function log(account: Pick<Account, 'id' | 'issuer' | 'label' | 'awsSerial'>, what: ReleaseWhat, role: string | undefined, caller: CallerInfo, reason: ActivityReason, minutes?: number): Promise<void> {
    const entry: ActivityEntry = {
      at: new Date(now()).toISOString(),
      decision: decisionOf(reason),
      reason,
      what,
      ...(role !== undefined ? { role } : {}),
      account: { id: account.id, name: displayName(account), ...(account.awsSerial ? { awsSerial: account.awsSerial } : {}) },
      program: programOf(caller),
      ...(minutes !== undefined ? { minutes } : {}),
    };
    try {
      await deps.activity.append(entry);
      deps.onLogged?.(entry);
    } catch (error) {
      // A full disk must not turn an answer into a hang; main's log records why.
      deps.onError?.(error);
    }
  }

  function answerFor(reason: ActivityReason, account: Pick<Account, 'issuer' | 'label'>, what: ReleaseWhat, role?: string): ReleaseOutcome {
    const outcome = outcomeOf(reason);
    return { v: 1, outcome, reason, message: MESSAGES[outcome](displayName(account), describeWhat(what, role)) };
  }

  return {
    async handle(ask, caller, signal) {
      let account: Account;
      try {
        account = await deps.vault.get(ask.accountId);
      } catch {
        return { v: 1, outcome: 'refused', reason: 'refused', message: 'Authdesk has no such account (was it removed in the app?).' };
      }
      const { what, role } = ask;
      if (deps.isLocked()) {
        await log(account, what, role, caller, 'locked');
        return answerFor('locked', account, what, role);
      }
      const policy = effectivePolicy(account.releasePolicy, (await deps.vault.settings()).defaultReleasePolicy);
      const scope: GrantScope = { accountId: account.id, program: caller.exe, what, ...(role !== undefined ? { role } : {}) };
      grants = pruneGrants(grants, now());
      // An unverified caller (no peer check on this OS) never matches or receives a grant: its
      // executable path is only its own claim.
      const decision = caller.verified || policy.mode === 'always' ? decide(policy, grants, scope, now()) : decide(policy.mode === 'ask-then-allow' ? { mode: 'ask' } : policy, [], scope, now());
      if (decision.kind === 'allow') {
        await log(account, what, role, caller, decision.reason);
        return answerFor(decision.reason, account, what, role);
      }
      if (waiting.size >= RELEASE_LIMITS.MAX_PENDING) {
        await log(account, what, role, caller, 'refused');
        return { v: 1, outcome: 'refused', reason: 'refused', message: 'Authdesk has too many approval requests waiting; answer those first.' };
      }
      const id = randomBytes(12).toString('base64url');
      const receivedAt = now();
      const request: ReleaseRequest = {
        id,
        account: { id: account.id, name: displayName(account), ...(account.awsSerial ? { awsSerial: account.awsSerial } : {}) },
        what,
        ...(role !== undefined ? { role } : {}),
        caller,
        receivedAt,
        expiresAt: receivedAt + RELEASE_LIMITS.PROMPT_TIMEOUT_MS,
        ...(policy.mode === 'ask-then-allow' && caller.verified ? { grantMinutes: decision.grantMinutes } : {}),
      };
      const reason = await new Promise<{ reason: ActivityReason; minutes?: number }>((resolve) => {
        const settle = (r: ActivityReason, minutes?: number) => {
          const w = waiting.get(id);
          if (!w) return;
          clearTimer(w.timer);
          waiting.delete(id);
          changed();
          resolve(minutes === undefined ? { reason: r } : { reason: r, minutes });
        };
        const timer = setTimer(() => settle('timed-out'), RELEASE_LIMITS.PROMPT_TIMEOUT_MS);
        waiting.set(id, { request, scope, settle, timer });
        // The calling program went away (killed, Ctrl-C): nothing to answer any more.
        signal?.addEventListener('abort', () => settle('refused'), { once: true });
        changed();
      });
      await log(account, what, role, caller, reason.reason, reason.minutes);
      return answerFor(reason.reason, account, what, role);
    },

    pending: pendingList,

    answer(id, answer) {
      const w = waiting.get(id);
      if (!w) throw new ReleaseError('RELEASE_NO_SUCH_REQUEST', 'That approval request is no longer waiting (it was answered, timed out or the program quit).');
      if (deps.isLocked()) {
        w.settle('locked');
        return;
      }
      if (answer.choice === 'grant' && w.request.grantMinutes === undefined) {
        throw new ReleaseError('RELEASE_GRANT_NOT_OFFERED', 'This request can be allowed once or denied: its account asks every time.');
      }
      const policy = w.request.grantMinutes === undefined ? ({ mode: 'ask' } as const) : ({ mode: 'ask-then-allow', minutes: w.request.grantMinutes } as const);
      const applied = applyAnswer(policy, grants, w.scope, answer, now());
      grants = applied.grants;
      if (!applied.release) w.settle('denied');
      else if (applied.grant) w.settle('granted', Math.round((applied.grant.expiresAt - applied.grant.grantedAt) / 60_000));
      else w.settle('once');
    },

    grants: () => (grants = pruneGrants(grants, now())),

    revokeGrants(accountId) {
      grants = accountId === undefined ? [] : grants.filter((g) => g.accountId !== accountId);
    },

    locked() {
      grants = [];
      for (const w of [...waiting.values()]) w.settle('locked');
    },

    dispose() {
      grants = [];
      for (const w of [...waiting.values()]) w.settle('refused');
    },
  };
}
