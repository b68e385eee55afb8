/**
 * Main-side handlers for the core channels, with every dependency injected (`createHandlers(deps)`),
 * so the same code runs under Electron and in the e2e harness / unit tests in plain Node.
 *
 * Wiring (the SHELL does this in main.ts; test/e2e/harness.ts does the same):
 *   const vault = await openVault();
 *   const app = await createAppServices({ vault, clipboard, events, appInfo, onSettingsChanged });
 *   registerIpc(ipcMain, app.dispatch(appOriginCheck('app://authdesk/index.html')));
 */
import { InputError, LockError } from '../../../core/errors.js';
import type { Account, Settings } from '../../../core/vault/model.js';
import type { NewAccount, VaultApi } from '../../../core/vault/api.js';
import { createAppLock, realTimers, type AppLock, type Timers } from '../../../node/app-lock.js';
import type { AppInfo } from '../../ipc/channels/app.js';
import type { PublicSettings } from '../../ipc/channels/settings.js';
import type { Handlers } from '../../ipc/contract.js';
import { createClipboardGuard, type ClipboardGuard, type ClipboardPort } from './clipboard-guard.js';
import { createDispatcher, type Dispatch, type IsTrustedSender } from './dispatch.js';
import type { EventSink } from './register.js';
import { createAccountHandlers } from './accounts.js';
import { createCodeHandlers } from './codes.js';

export interface HandlerDeps {
  readonly vault: VaultApi;
  readonly clipboard: ClipboardPort;
  readonly events: EventSink;
  readonly appInfo: AppInfo;
  readonly timers?: Timers;
  /** Main's hook for settings with OS side effects (start at login). Called after every settings change. */
  readonly onSettingsChanged?: (settings: Settings) => void;
  /** Where internal errors are logged (with stacks; never sent to the renderer). */
  readonly onInternalError?: (channel: string, error: unknown) => void;
}

/** Everything the shell needs: the handlers, the lock (for screen-lock/suspend events), the dispatcher. */
export interface AppServices {
  readonly handlers: Handlers;
  readonly lock: AppLock;
  readonly clipboard: ClipboardGuard;
  /** HOTP codes shown this session (copy uses them); cleared on lock. */
  readonly dispatch: (isTrustedSender: IsTrustedSender) => Dispatch;
  /** Call on quit: clears the clipboard if it still holds our code, stops timers. */
  dispose(): void;
}

export function publicSettings(settings: Settings): PublicSettings {
  const { lockPassphraseHash, ...rest } = settings;
  return { ...rest, lockEnabled: lockPassphraseHash !== undefined };
}

export async function createAppServices(deps: HandlerDeps): Promise<AppServices> {
  const timers = deps.timers ?? realTimers;
  const { vault, events } = deps;
  const hotpShown = new Map<string, string>();
  const clipboard = createClipboardGuard(deps.clipboard, timers, (at) => events.emit('clipboard.cleared', { at }));
  const lock = await createAppLock({
    vault,
    timers,
    onChange: (state) => {
      if (state.locked) {
        hotpShown.clear();
        clipboard.clearIfOurs();
      }
      events.emit('lock.changed', state);
    },
  });

  const accounts = createAccountHandlers({ vault, lock, events });
  const codes = createCodeHandlers({ vault, hotpShown });

  async function codeForCopy(id: string, next: boolean): Promise<string> {
    const account: Account = await vault.get(id);
    if (account.type === 'hotp') {
      const shown = hotpShown.get(id);
      if (shown === undefined) throw new InputError('HOTP_NO_CODE', 'Press "Next code" first to make a code for this account.');
      return shown;
    }
    const view = await vault.code(id);
    if (next) {
      if (view.next === undefined) throw new InputError('NO_NEXT_CODE', 'The next code is not available yet; copy the current one.');
      return view.next;
    }
    return view.code;
  }

  const handlers: Handlers = {
    accounts,
    codes,
    clipboard: {
      async copyCode({ id, next }) {
        const code = await codeForCopy(id, next === true);
        const { clipboardClearSeconds } = await vault.settings();
        const { clearsAt } = clipboard.copy(code, clipboardClearSeconds);
        return { code, clearsAt };
      },
    },
    settings: {
      async get() {
        return publicSettings(await vault.settings());
      },
      async update(patch) {
        const updated = await vault.updateSettings(patch as Partial<Settings>);
        await lock.reconfigure();
        deps.onSettingsChanged?.(updated);
        const view = publicSettings(updated);
        events.emit('settings.changed', view);
        return view;
      },
    },
    lock: {
      status: () => lock.state(),
      lock: () => lock.lock('user'),
      unlock: ({ passphrase }) => lock.unlock(passphrase),
      async setPassphrase({ current, next }) {
        const state = await lock.setPassphrase(current, next);
        events.emit('settings.changed', publicSettings(await vault.settings()));
        return state;
      },
      async clearPassphrase({ current }) {
        const state = await lock.clearPassphrase(current);
        events.emit('settings.changed', publicSettings(await vault.settings()));
        return state;
      },
      activity() {
        lock.activity();
      },
    },
    app: {
      info: () => deps.appInfo,
    },
  };

  return {
    handlers,
    lock,
    clipboard,
    dispatch: (isTrustedSender) =>
      createDispatcher({ handlers, isTrustedSender, isLocked: () => lock.isLocked(), ...(deps.onInternalError ? { onInternalError: deps.onInternalError } : {}) }),
    dispose() {
      clipboard.clearIfOurs();
      clipboard.dispose();
      lock.dispose();
    },
  };
}

export type { NewAccount };
export { LockError };
