/**
 * Keeps the tray menu in step with the vault and the lock, and performs its "copy code" action through
 * the same handlers the window uses (so the clipboard guard clears it after the configured delay).
 * Electron-free: main.ts passes functions that set the real menu; test/unit/electron-tray.test.ts
 * passes fakes.
 */
import { accountMenuLabel, menuSignature, trayMenuModel, type TrayAccount, type TrayEntry } from './tray-menu.js';

export interface TrayControllerDeps {
  readonly platform: NodeJS.Platform;
  readonly listAccounts: () => Promise<readonly TrayAccount[]>;
  readonly lockState: () => { readonly locked: boolean; readonly enabled: boolean };
  /** Installs the menu (main: Menu.buildFromTemplate(toMenuTemplate(entries, run))). */
  readonly setMenu: (entries: TrayEntry[]) => void;
  readonly onError?: (error: unknown) => void;
}

export interface TrayController {
  /** Recomputes the menu; installs it only if it changed. Concurrent calls coalesce. */
  refresh(): Promise<void>;
}

export function createTrayController(deps: TrayControllerDeps): TrayController {
  let signature: string | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function once(): Promise<void> {
    const state = deps.lockState();
    let accounts: readonly TrayAccount[] = [];
    if (!state.locked) {
      try {
        accounts = await deps.listAccounts();
      } catch (error) {
        deps.onError?.(error);
        return; // keep the previous menu rather than show an empty one
      }
    }
    // The lock may have engaged while the list was read: never show accounts after a lock.
    const now = deps.lockState();
    const entries = trayMenuModel(now.locked ? [] : accounts, { locked: now.locked, lockEnabled: now.enabled }, deps.platform);
    const next = menuSignature(entries);
    if (next === signature) return;
    signature = next;
    deps.setMenu(entries);
  }

  return {
    refresh() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await once();
          } while (again);
        } finally {
          running = undefined;
        }
      })();
      return running;
    },
  };
}

/** What the tray needs of the IPC handlers (electron/main/handlers): called main-side, trusted. */
export interface TrayCopyDeps {
  readonly isLocked: () => boolean;
  readonly getAccount: (id: string) => Promise<TrayAccount>;
  readonly nextHotp: (request: { id: string }) => Promise<unknown>;
  readonly copyCode: (request: { id: string }) => Promise<{ readonly clearsAt: number | null }>;
  readonly now: () => number;
}

export type TrayCopyResult =
  | { readonly ok: true; readonly title: string; readonly body: string }
  | { readonly ok: false; readonly title: string; readonly body: string };

/**
 * Copies the account's current code (HOTP: advances the counter first, as its "(next code)" label says).
 * The result is a notification text that never contains the code itself (notification centres keep a
 * history and screen sharing shows them).
 */
export async function copyCodeFromTray(id: string, deps: TrayCopyDeps): Promise<TrayCopyResult> {
  if (deps.isLocked()) return { ok: false, title: 'Authdesk is locked', body: 'Open Authdesk and unlock it to copy codes.' };
  const account = await deps.getAccount(id);
  if (account.type === 'hotp') await deps.nextHotp({ id });
  // A lock that engaged during the HOTP step wins.
  if (deps.isLocked()) return { ok: false, title: 'Authdesk is locked', body: 'Open Authdesk and unlock it to copy codes.' };
  const { clearsAt } = await deps.copyCode({ id });
  const name = accountMenuLabel(account);
  const seconds = clearsAt === null ? null : Math.max(1, Math.round((clearsAt - deps.now()) / 1000));
  return { ok: true, title: 'Code copied', body: seconds === null ? `${name}` : `${name} — the clipboard clears in ${seconds} s.` };
}
