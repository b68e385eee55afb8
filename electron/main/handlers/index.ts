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
import { createAppLock, realTimers, type AppLock, type SystemAuth, type Timers } from '../../../node/app-lock.js';
import { systemAuthUnavailableNote } from '../system-auth.js';
import type { AppInfo } from '../../ipc/channels/app.js';
import type { PublicSettings } from '../../ipc/channels/settings.js';
import type { Handlers } from '../../ipc/contract.js';
import { createClipboardGuard, type ClipboardGuard, type ClipboardPort } from './clipboard-guard.js';
import { createDispatcher, type Dispatch, type IsTrustedSender } from './dispatch.js';
import type { EventSink } from './register.js';
import { createAccountHandlers } from './accounts.js';
import { createCodeHandlers } from './codes.js';
import { createTimeService, settingsFromPatch, type TimeService, type TimeServiceDeps } from './time.js';
import { createAwsHandlers, type AwsHandlerDeps } from './aws.js';
import { FileCodeLedger } from '../../../node/aws/code-ledger.js';
import { createScanHandlers, type ScanHandlerDeps, type ScanService } from './scan.js';
import { QrError } from '../../../core/errors.js';
import { createBackupService, type BackupDialogs, type BackupService } from './backup.js';
import { defaultDataDir } from '../../../node/data-dir.js';
import type { ImagePayloadReader } from '../../../node/backup/import.js';
import { createReleaseWiring, type ReleaseDeps, type ReleaseWiring } from './release.js';

/** The OS side of scanning (electron/main/scan-wiring.ts in the app; tests pass their own). */
export type ScanDeps = Omit<ScanHandlerDeps, 'vault' | 'events' | 'onProgress'>;

/**
 * Without an OS side (the e2e harness, unit tests): images and camera frames still decode (in this
 * thread), while screen capture, the open dialog and the clipboard say plainly that they need the app.
 */
function headlessScanDeps(): ScanDeps {
  const needsApp = (what: string) => new QrError('QR_SOURCE_UNAVAILABLE', `${what} is available in the desktop app only.`);
  return {
    decode: async (frame) => (await import('../../../node/qr/decoder.js')).decodeFrameInProcess(frame),
    captureScreens: async () => { throw needsApp('Scanning the screen'); },
    chooseImageFile: async () => { throw needsApp('The file dialog'); },
    readClipboardImage: () => { throw needsApp('Reading the clipboard'); },
    camera: { allow: () => undefined, revoke: () => undefined },
  };
}

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
  /** Scanning's OS side (main.ts: scan-wiring.ts). Default: headless (decode only). */
  readonly scan?: ScanDeps;
  /** Clock service options (tests inject a measurement, timers, a fallback URL). */
  readonly time?: Omit<TimeServiceDeps, 'vault' | 'onChange' | 'onAccountChanged'>;
  /** The data directory (automatic backups go to <dataDir>/backups). Default: node/data-dir.ts. */
  readonly dataDir?: string;
  /** Backup's open/save dialogs (main.ts: Electron's dialog). Absent: import/export by file say they need the app. */
  readonly backupDialogs?: BackupDialogs;
  /** QR images inside imports (main.ts: the QR worker). Default: decoded in this thread. */
  readonly readImage?: ImagePayloadReader;
  /** AWS options (tests inject an IAM port factory, sleep, clock). */
  readonly aws?: Omit<AwsHandlerDeps, 'vault' | 'emitProgress' | 'emitAccountsChanged'>;
  /** The OS's user check for "Unlock with Touch ID" (main.ts: system-auth.ts, darwin only). Absent: not available. */
  readonly systemAuth?: SystemAuth;
  /** Approvals' clock and timers (tests move the grants' clock). */
  readonly release?: Pick<ReleaseDeps, 'now' | 'setTimeout' | 'clearTimeout'>;
}

/** Everything the shell needs: the handlers, the lock (for screen-lock/suspend events), the dispatcher. */
export interface AppServices {
  readonly handlers: Handlers;
  readonly lock: AppLock;
  readonly clipboard: ClipboardGuard;
  /** The clock service: main calls start() once the window shows and resume() on wake (docs/time.md). */
  readonly time: TimeService;
  readonly scan: ScanService;
  readonly backup: BackupService;
  /** Approvals: the service the local channel and the prompt use (docs/approvals.md). */
  readonly release: ReleaseWiring;
  /** HOTP codes shown this session (copy uses them); cleared on lock. */
  readonly dispatch: (isTrustedSender: IsTrustedSender) => Dispatch;
  /** Call on quit: clears the clipboard if it still holds our code, stops timers. */
  dispose(): void;
}

export function publicSettings(settings: Settings): PublicSettings {
  const { lockPassphraseHash, lockFailures: _lockFailures, ...rest } = settings;
  return { ...rest, lockEnabled: lockPassphraseHash !== undefined };
}

export async function createAppServices(deps: HandlerDeps): Promise<AppServices> {
  const timers = deps.timers ?? realTimers;
  const { vault } = deps;
  // Every account change schedules an automatic backup (debounced; only with a backup passphrase).
  // The backup service is created below, after the lock it depends on.
  const later: { backup?: BackupService } = {};
  const events: typeof deps.events = {
    emit(name, payload) {
      deps.events.emit(name, payload);
      if (name === 'accounts.changed') later.backup?.afterChange();
    },
  };
  const hotpShown = new Map<string, string>();
  const clipboard = createClipboardGuard(deps.clipboard, timers, (at) => events.emit('clipboard.cleared', { at }));
  // Pending scans hold secrets in main until confirmed: the lock drops them.
  const scan = createScanHandlers({ ...(deps.scan ?? headlessScanDeps()), vault, events, onProgress: (done, total) => events.emit('scan.progress', { done, total }) });
  const later2: { release?: ReleaseWiring } = {};
  const lock = await createAppLock({
    vault,
    timers,
    ...(deps.systemAuth ? { systemAuth: deps.systemAuth } : {}),
    onChange: (state) => {
      if (state.locked) {
        hotpShown.clear();
        clipboard.clearIfOurs();
        scan.clear();
        later.backup?.clear();
        // Locking ends every grant and refuses waiting prompts ("the app is locked").
        later2.release?.service.locked();
      }
      events.emit('lock.changed', state);
    },
  });

  const accounts = createAccountHandlers({ vault, lock, events });
  const codes = createCodeHandlers({ vault, hotpShown });
  const accountsChanged = () => events.emit('accounts.changed', { source: 'app' });
  const time = createTimeService({ ...deps.time, vault, onChange: (status) => events.emit('time.changed', status), onAccountChanged: accountsChanged });
  const backup = createBackupService({
    vault,
    lock,
    dataDir: deps.dataDir ?? defaultDataDir(),
    ...(deps.backupDialogs ? { dialogs: deps.backupDialogs } : {}),
    ...(deps.readImage ? { readImage: deps.readImage } : {}),
    emitProgress: (progress) => events.emit('backup.progress', progress),
    emitChanged: (status) => events.emit('backup.changed', status),
    emitAccountsChanged: accountsChanged,
  });
  later.backup = backup;
  const release = createReleaseWiring({
    vault,
    lock,
    dataDir: deps.dataDir ?? defaultDataDir(),
    events,
    ...deps.release,
    ...(deps.onInternalError ? { onError: (error: unknown) => deps.onInternalError?.('release', error) } : {}),
  });
  later2.release = release;
  const aws = createAwsHandlers({
    ledger: new FileCodeLedger(deps.dataDir ?? defaultDataDir()),
    // The automatic MFA session says what it did, in the app as in the CLI.
    onNote: (message) => events.emit('aws.note', { message }),
    ...deps.aws, vault, emitProgress: (progress) => events.emit('aws.progress', progress), emitAccountsChanged: accountsChanged,
  });

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
        const updated = await vault.updateSettings(settingsFromPatch(patch));
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
      async systemAuthStatus() {
        const status = await lock.systemAuthState();
        return status.available ? status : { ...status, note: systemAuthUnavailableNote(deps.appInfo.platform) };
      },
      unlockWithSystem: () => lock.unlockWithSystem(),
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
    time: time.handlers,
    scan: scan.handlers,
    aws,
    backup: backup.handlers,
    release: release.handlers,
  };

  return {
    handlers,
    lock,
    clipboard,
    time,
    scan,
    backup,
    release,
    dispatch: (isTrustedSender) =>
      createDispatcher({ handlers, isTrustedSender, isLocked: () => lock.isLocked(), ...(deps.onInternalError ? { onInternalError: deps.onInternalError } : {}) }),
    dispose() {
      clipboard.clearIfOurs();
      clipboard.dispose();
      lock.dispose();
      time.dispose();
      scan.clear();
      backup.dispose();
      release.service.dispose();
    },
  };
}

export type { NewAccount };
export { LockError };
