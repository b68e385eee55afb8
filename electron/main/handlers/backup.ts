/**
 * Main-side handlers of the backup area (electron/ipc/channels/backup.ts), with every OS-facing
 * piece injected (dialogs), so the same code runs under Electron and in tests in plain Node.
 *
 * Wiring (createAppServices, electron/main/handlers/index.ts — the UI+IPC engineer's file):
 *   const backup = createBackupService({
 *     vault, lock, dataDir: defaultDataDir(),
 *     dialogs: {                          // Electron's dialog in main.ts; headless: undefined
 *       chooseImportFiles: async () => (await dialog.showOpenDialog(win, IMPORT_DIALOG_OPTIONS)).filePaths,
 *       chooseExportPath: async (o) => (await dialog.showSaveDialog(win, o)).filePath,
 *     },
 *     emitProgress: (p) => events.emit('backup.progress', p),
 *     emitChanged: (s) => events.emit('backup.changed', s),
 *     emitAccountsChanged: accountsChanged,
 *   });
 *   handlers: { ..., backup: backup.handlers }
 *   lock onChange(locked) -> backup.clear();     after EVERY account mutation -> backup.afterChange()
 *   (e.g. wrap the events sink: when 'accounts.changed' is emitted, call backup.afterChange()).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PLAIN_EXPORT_WARNING } from '../../../core/backup/export.js';
import type { ImportPlan } from '../../../core/backup/duplicates.js';
import { FORMAT_NAMES } from '../../../core/backup/import/types.js';
import { BackupError, isAuthdeskError, toUserFacing } from '../../../core/errors.js';
import type { VaultApi } from '../../../core/vault/api.js';
import type { SecretStore } from '../../../core/vault/ports.js';
import type { AppLock } from '../../../node/app-lock.js';
import { backupNow, backupsDir, clearBackupPassphrase, forgetBackupKeys, getBackupPassphrase, hasBackupPassphrase, listAutoBackups, maybeAutoBackup, setBackupPassphrase, type AutoBackupResult } from '../../../node/backup/auto.js';
import { accountQr, exportEncrypted, exportGoogleQr, exportOtpauthList } from '../../../node/backup/export.js';
import { googleQrFiles, readImportFile, refuseExistingFiles, writeSecretFile } from '../../../node/backup/files.js';
import { applyImport, planVaultImport, readImports, type ImagePayloadReader } from '../../../node/backup/import.js';
import { IMPORT_TTL_MS, type BackupHandlers, type BackupStatus, type ExportFormatId, type ImportStep } from '../../ipc/channels/backup.js';

export interface SaveDialogOptions {
  readonly title: string;
  readonly defaultPath: string;
  readonly filters: readonly { readonly name: string; readonly extensions: readonly string[] }[];
}

export interface BackupDialogs {
  /** The open dialog: chosen paths, or [] / undefined when cancelled. */
  chooseImportFiles(): Promise<readonly string[] | undefined>;
  /** The save dialog: a path, or undefined when cancelled. */
  chooseExportPath(options: SaveDialogOptions): Promise<string | undefined>;
}

export const IMPORT_DIALOG_OPTIONS = {
  title: 'Import accounts',
  properties: ['openFile', 'multiSelections'] as const,
  filters: [
    { name: 'Backups and exports', extensions: ['json', '2fas', 'txt', 'png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

export interface BackupServiceDeps {
  readonly vault: VaultApi;
  readonly lock: Pick<AppLock, 'verify'>;
  readonly dataDir: string;
  /** Default: the OS keychain (node/keychain.ts), also used for one bulk seed read per export. */
  readonly secrets?: SecretStore;
  /** Absent (headless, tests without dialogs): importChoose/exportFile say they need the app. */
  readonly dialogs?: BackupDialogs;
  /** QR images: main passes its worker's decoder (`(bytes) => scanImageBytes(bytes, { decode: qr.decode })`
   *  mapped to texts) so a dropped image never decodes on the main thread; default: in-process. */
  readonly readImage?: ImagePayloadReader;
  readonly emitProgress?: (progress: { done: number; total: number }) => void;
  readonly emitChanged?: (status: BackupStatus) => void;
  readonly emitAccountsChanged?: () => void;
  /** Debounce of automatic backups after changes (a burst of edits makes one backup). */
  readonly debounceMs?: number;
  readonly now?: () => number;
}

export interface BackupService {
  readonly handlers: BackupHandlers;
  /** Call after every account change (add, remove, rename, reorder, import...): debounced automatic backup. */
  afterChange(): void;
  /** The app locked: drop pending imports (they hold secrets) and the cached backup key. */
  clear(): void;
  /** Wait for a scheduled automatic backup (quit, tests). */
  flush(): Promise<void>;
  dispose(): void;
}

interface PendingImport {
  readonly files: Uint8Array[];
  plan?: ImportPlan;
  readonly expires: number;
}

const MAX_PENDING = 4;

const EXPORT_DIALOGS: Record<ExportFormatId, (date: string) => SaveDialogOptions> = {
  authdesk: (d) => ({ title: 'Save an encrypted backup', defaultPath: `authdesk-backup-${d}.json`, filters: [{ name: 'Authdesk backup', extensions: ['json'] }] }),
  otpauth: (d) => ({ title: 'Save a PLAIN list of your keys', defaultPath: `authdesk-otpauth-${d}.txt`, filters: [{ name: 'Text', extensions: ['txt'] }] }),
  'google-qr': (d) => ({ title: 'Save Google Authenticator QR codes (name-1.png, name-2.png...)', defaultPath: `authdesk-google-${d}.png`, filters: [{ name: 'PNG images', extensions: ['png'] }] }),
};

export function createBackupService(deps: BackupServiceDeps): BackupService {
  const { vault, dataDir } = deps;
  const now = deps.now ?? Date.now;
  const options = { dataDir, ...(deps.secrets ? { secrets: deps.secrets } : {}) };
  const pending = new Map<string, PendingImport>();
  let last: BackupStatus['last'];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scheduled: Promise<void> | undefined;
  let resolveScheduled: (() => void) | undefined;

  async function seedSource(): Promise<{ secrets: SecretStore }> {
    if (deps.secrets) return { secrets: deps.secrets };
    const { KeyringSecretStore } = await import('../../../node/keychain.js');
    return { secrets: new KeyringSecretStore() };
  }

  async function status(): Promise<BackupStatus> {
    const [passphraseSet, settings, files] = await Promise.all([hasBackupPassphrase(vault, options), vault.settings(), listAutoBackups(dataDir)]);
    return {
      passphraseSet,
      keep: settings.autoBackupKeep,
      backups: files.map((f) => ({ name: f.name, createdAt: f.createdAt, bytes: f.bytes })),
      folder: backupsDir(dataDir),
      ...(last ? { last } : {}),
    };
  }

  async function record(result: AutoBackupResult): Promise<void> {
    if (result.status === 'written') last = { at: new Date(now()).toISOString(), status: 'written' };
    else if (result.status === 'failed') last = { at: new Date(now()).toISOString(), status: 'failed', error: result.error };
    else return;
    deps.emitChanged?.(await status());
  }

  function sweep(): void {
    const t = now();
    for (const [id, p] of pending) if (p.expires <= t) drop(id);
  }

  function drop(id: string): void {
    const p = pending.get(id);
    if (!p) return;
    for (const f of p.files) f.fill(0);
    pending.delete(id);
  }

  function take(id: string): PendingImport {
    sweep();
    const p = pending.get(id);
    if (!p) throw new BackupError('IMPORT_EXPIRED', 'This import is no longer open (it expired or the app locked). Choose the file again.');
    return p;
  }

  async function step(id: string, p: PendingImport, passphrase?: string): Promise<ImportStep> {
    let parsed;
    try {
      parsed = await readImports(p.files, { ...(passphrase === undefined ? {} : { passphrase }), ...(deps.readImage ? { readImage: deps.readImage } : {}) });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (passphrase === undefined && code === 'IMPORT_PASSPHRASE_REQUIRED') {
        const format = (error as { details?: { format?: keyof typeof FORMAT_NAMES } }).details?.format;
        return { importId: id, state: 'needs-passphrase', formatName: format ? FORMAT_NAMES[format] : 'encrypted file' };
      }
      throw error;
    }
    const plan = await planVaultImport(vault, parsed, await seedSource());
    p.plan = plan;
    return {
      importId: id,
      state: 'ready',
      format: plan.format,
      formatName: FORMAT_NAMES[plan.format],
      toAdd: plan.toAdd.map((a) => ({ issuer: a.issuer, label: a.label, type: a.type })),
      duplicates: plan.duplicates,
      unsupported: plan.unsupported,
      warnings: parsed.warnings ?? [],
    };
  }

  async function open(files: Uint8Array[]): Promise<ImportStep> {
    sweep();
    if (pending.size >= MAX_PENDING) {
      const oldest = pending.keys().next().value;
      if (oldest !== undefined) drop(oldest);
    }
    const id = randomBytes(12).toString('base64url');
    const p: PendingImport = { files, expires: now() + IMPORT_TTL_MS };
    pending.set(id, p);
    try {
      return await step(id, p);
    } catch (error) {
      drop(id);
      throw error;
    }
  }

  function needsApp(what: string): BackupError {
    return new BackupError('BACKUP_NEEDS_APP', `${what} is available in the desktop app only.`);
  }

  async function runBackup(): Promise<void> {
    await record(await maybeAutoBackup(vault, options));
  }

  const handlers: BackupHandlers = {
    status,
    async setPassphrase({ passphrase, lockPassphrase }) {
      await deps.lock.verify(lockPassphrase);
      await setBackupPassphrase(vault, passphrase, options);
      await record(await backupNow(vault, options));
      return status();
    },
    async clearPassphrase() {
      await clearBackupPassphrase(vault, options);
      const s = await status();
      deps.emitChanged?.(s);
      return s;
    },
    async backupNow() {
      const result = await backupNow(vault, options);
      await record(result);
      if (result.status === 'failed') throw new BackupError(result.error.code, result.error.message);
      return status();
    },
    async importChoose() {
      if (!deps.dialogs) throw needsApp('The file dialog');
      const paths = (await deps.dialogs.chooseImportFiles()) ?? [];
      if (paths.length === 0) return null;
      const files: Uint8Array[] = [];
      for (const p of paths) files.push(await readImportFile(p));
      return open(files);
    },
    async importBytes({ files }) {
      return open(files.map((f) => Buffer.from(f.base64, 'base64')));
    },
    async restoreOpen({ name }) {
      // The schema allows only our own file names: no path can reach outside <dataDir>/backups.
      const opened = await open([await readImportFile(path.join(backupsDir(dataDir), name))]);
      if (opened.state !== 'needs-passphrase') return opened;
      // Automatic backups are sealed with the passphrase the keychain holds: try it, so only a backup
      // made before the passphrase changed asks for one. The preview shows names, never a secret.
      const saved = await getBackupPassphrase(vault, options).catch(() => null);
      if (saved === null) return opened;
      try {
        return await step(opened.importId, take(opened.importId), saved);
      } catch (error) {
        if (isAuthdeskError(error, 'BACKUP_WRONG_PASSPHRASE')) return { ...opened, olderPassphrase: true };
        throw error;
      }
    },
    async importDecrypt({ importId, passphrase }) {
      const p = take(importId);
      return step(importId, p, passphrase);
    },
    async importApply({ importId, skipUnsupported }) {
      const p = take(importId);
      if (!p.plan) throw new BackupError('IMPORT_PASSPHRASE_REQUIRED', 'Enter the file\'s passphrase first.');
      const plan = p.plan;
      const added = await applyImport(vault, plan, {
        skipUnsupported: skipUnsupported === true,
        ...(deps.emitProgress ? { onProgress: (done: number, total: number) => deps.emitProgress?.({ done, total }) } : {}),
      });
      drop(importId);
      if (added.length > 0) {
        deps.emitAccountsChanged?.();
        await runBackup();
      }
      return added;
    },
    importDiscard({ importId }) {
      drop(importId);
    },
    async exportFile({ format, passphrase, lockPassphrase }) {
      await deps.lock.verify(lockPassphrase);
      if (!deps.dialogs) throw needsApp('Saving a file');
      if (format === 'authdesk' && passphrase === undefined) throw new BackupError('BACKUP_PASSPHRASE_EMPTY', 'Choose a passphrase for the backup.');
      const chosen = await deps.dialogs.chooseExportPath(EXPORT_DIALOGS[format](new Date(now()).toISOString().slice(0, 10)));
      if (!chosen) return null;
      // The save dialog already asked about replacing an existing file: write with force.
      const source = await seedSource();
      if (format === 'authdesk') {
        const { text, count } = await exportEncrypted(vault, passphrase ?? '', source);
        await writeSecretFile(chosen, text, { force: true });
        return { accounts: count, files: [chosen] };
      }
      if (format === 'otpauth') {
        const { text, count } = await exportOtpauthList(vault, undefined, source);
        await writeSecretFile(chosen, text, { force: true });
        return { accounts: count, files: [chosen], warning: PLAIN_EXPORT_WARNING };
      }
      const { pngs, count } = await exportGoogleQr(vault, undefined, source);
      // The save dialog asked about replacing the name typed, not the numbered files written:
      // an existing name-N.png is somebody's file, so refuse rather than overwrite it.
      const files = googleQrFiles(chosen, pngs.length);
      refuseExistingFiles(files, () => 'Nothing was written. Choose another name (the codes are saved as name-1.png, name-2.png…).');
      for (const [i, png] of pngs.entries()) await writeSecretFile(files[i] ?? '', png);
      return { accounts: count, files, warning: 'These QR codes hold your secret keys. Scan them, then delete the files.' };
    },
    async accountQr({ id, lockPassphrase }) {
      await deps.lock.verify(lockPassphrase);
      const { dataUrl } = await accountQr(vault, id);
      return { dataUrl };
    },
  };

  return {
    handlers,
    afterChange() {
      if (timer) clearTimeout(timer);
      if (!scheduled) scheduled = new Promise<void>((resolve) => { resolveScheduled = resolve; });
      timer = setTimeout(() => {
        timer = undefined;
        const done = resolveScheduled;
        scheduled = undefined;
        resolveScheduled = undefined;
        void runBackup().catch((error: unknown) => { last = { at: new Date(now()).toISOString(), status: 'failed', error: toUserFacing(error) }; }).finally(() => done?.());
      }, deps.debounceMs ?? 2000);
      (timer as { unref?: () => void }).unref?.();
    },
    clear() {
      for (const id of [...pending.keys()]) drop(id);
      forgetBackupKeys();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        const done = resolveScheduled;
        scheduled = undefined;
        resolveScheduled = undefined;
        await runBackup();
        done?.();
      }
    },
    dispose() {
      if (timer) clearTimeout(timer);
      for (const id of [...pending.keys()]) drop(id);
    },
  };
}
