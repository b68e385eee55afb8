/**
 * Main's side of approvals (docs/approvals.md): the approval service (node/release/service.ts)
 * over the vault, the app lock and the activity log, and the `release.*` IPC handlers. The socket
 * server is started by the shell (main.ts) and by tests with `startChannel()`.
 */
import { watch } from 'node:fs';
import { parseReleasePolicy, type ReleasePolicy } from '../../../core/release/policy.js';
import { ACTIVITY_FILE } from '../../../node/release/activity-store.js';
import { displayName } from '../../../core/vault/model.js';
import type { VaultApi } from '../../../core/vault/api.js';
import type { AppLock } from '../../../node/app-lock.js';
import { createActivityStore } from '../../../node/release/activity-store.js';
import { releaseChannelPath } from '../../../node/release/paths.js';
import { startReleaseServer, type ReleaseServer, type ReleaseServerOptions } from '../../../node/release/server.js';
import { createReleaseService, type ReleaseService, type ReleaseServiceDeps } from '../../../node/release/service.js';
import type { Handlers } from '../../ipc/contract.js';
import type { EventSink } from './register.js';

export interface ReleaseDeps {
  readonly vault: VaultApi;
  readonly lock: Pick<AppLock, 'isLocked'>;
  readonly dataDir: string;
  readonly events: EventSink;
  /** Tests move the grants' clock. */
  readonly now?: () => number;
  readonly setTimeout?: ReleaseServiceDeps['setTimeout'];
  readonly clearTimeout?: ReleaseServiceDeps['clearTimeout'];
  readonly onError?: (error: unknown) => void;
}

export interface ReleaseWiring {
  readonly service: ReleaseService;
  readonly handlers: Handlers['release'];
  /** Listen on the local channel (default path: node/release/paths.ts from this process's environment, as the CLI computes it). */
  startChannel(options?: Partial<Pick<ReleaseServerOptions, 'socketPath' | 'platform' | 'verifyPeer'>>): Promise<ReleaseServer>;
}

function policyOrUndefined(raw: { mode: string; minutes?: number | undefined } | undefined): ReleasePolicy | undefined {
  if (raw === undefined) return undefined;
  return parseReleasePolicy(raw.minutes === undefined ? { mode: raw.mode } : raw);
}

export function createReleaseWiring(deps: ReleaseDeps): ReleaseWiring {
  const activity = createActivityStore(deps.dataDir);
  const service = createReleaseService({
    vault: deps.vault,
    activity,
    isLocked: () => deps.lock.isLocked(),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.setTimeout ? { setTimeout: deps.setTimeout } : {}),
    ...(deps.clearTimeout ? { clearTimeout: deps.clearTimeout } : {}),
    onPendingChanged: (pending) => deps.events.emit('release.pending', pending),
    onLogged: (entry) => deps.events.emit('release.logged', entry),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });

  const handlers: Handlers['release'] = {
    pending: () => service.pending(),
    answer({ id, choice, minutes }) {
      service.answer(id, choice === 'grant' ? { choice, minutes: minutes ?? 0 } : { choice });
    },
    async activity() {
      return (await activity.read()).reverse();
    },
    async clearActivity() {
      await activity.clear();
    },
    async setAccountPolicy({ id, policy }) {
      const parsed = policyOrUndefined(policy);
      const account = await deps.vault.update(id, { releasePolicy: parsed ?? null });
      // A policy that no longer allows-for-N ends that account's grants at once.
      if (parsed?.mode !== 'ask-then-allow') service.revokeGrants(id);
      deps.events.emit('accounts.changed', { source: 'app' });
      return account;
    },
    async setDefaultPolicy({ policy }) {
      const parsed = policyOrUndefined(policy);
      await deps.vault.updateSettings({ defaultReleasePolicy: parsed });
      service.revokeGrants();
    },
    grants: () => service.grants(),
    revokeGrants() {
      service.revokeGrants();
    },
    async suggestion() {
      const settings = await deps.vault.settings();
      if (settings.releaseSuggestionDone) return null;
      const entries = await activity.read();
      // The newest release under "Always" of an AWS account that still releases without asking.
      for (const entry of entries.reverse()) {
        if (entry.reason !== 'policy-always' || !entry.account.awsSerial) continue;
        const account = await deps.vault.get(entry.account.id).catch(() => undefined);
        if (!account || account.releasePolicy !== undefined || settings.defaultReleasePolicy !== undefined) continue;
        return { account: { id: account.id, name: displayName(account) }, program: entry.program.exe || entry.program.commandLine };
      }
      return null;
    },
    async answerSuggestion({ accept }) {
      const suggestion = await handlers.suggestion();
      if (accept && suggestion) {
        await deps.vault.update(suggestion.account.id, { releasePolicy: { mode: 'ask' } });
        deps.events.emit('accounts.changed', { source: 'app' });
      }
      await deps.vault.updateSettings({ releaseSuggestionDone: true });
    },
  };

  return {
    service,
    handlers,
    async startChannel(options = {}) {
      const server = await startReleaseServer({
        // The same computation as the CLI's, from the same environment.
        socketPath: options.socketPath ?? releaseChannelPath(),
        handler: service,
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.verifyPeer ? { verifyPeer: options.verifyPeer } : {}),
        ...(deps.onError ? { onError: deps.onError } : {}),
      });
      // Releases under "Always" are logged by the CLI itself: watch the log so Settings › Activity
      // and the one-time suggestion see them too (debounced: one read per burst of writes).
      let timer: ReturnType<typeof setTimeout> | undefined;
      let watcher: ReturnType<typeof watch> | undefined;
      try {
        watcher = watch(deps.dataDir, (_event, name) => {
          if (name !== ACTIVITY_FILE || timer) return;
          timer = setTimeout(() => {
            timer = undefined;
            void activity.read().then((entries) => {
              const last = entries.at(-1);
              if (last) deps.events.emit('release.logged', last);
            }, () => undefined);
          }, 200);
        });
        watcher.on('error', () => undefined);
      } catch (error) {
        deps.onError?.(error);
      }
      return {
        path: server.path,
        async close() {
          watcher?.close();
          if (timer) clearTimeout(timer);
          await server.close();
        },
      };
    },
  };
}
