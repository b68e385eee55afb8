/**
 * The backup area: the backup passphrase and automatic backups, restore, import of other apps'
 * files, exports, and one account's QR code (docs/vault-format.md).
 *
 * Secrets stay in main. An import answers with a preview (names, never a secret) and an `importId`;
 * `backup.importApply({importId})` adds the accounts from main's copy, which is dropped after the
 * apply, after IMPORT_TTL_MS, on discard, or when the app locks. Exports are written by main to a
 * path the person picks in main's save dialog; the renderer never receives file contents.
 *
 * Behind the app lock (a lock passphrase must be set and re-entered, like accounts.reveal):
 * setting the backup passphrase, every export, and an account's QR code — each puts seeds where
 * someone with the passphrase or the file can read them.
 */
import type { UserFacingError } from '../../../core/errors.js';
import type { Account } from '../../../core/vault/model.js';
import { channel, event, type HandlerFunction } from '../channel.js';
import { s } from '../schema.js';
import { accountId, passphrase } from './common.js';

export interface AutoBackupInfo {
  /** File name inside <dataDir>/backups (what restoreOpen takes). */
  readonly name: string;
  readonly createdAt: string;
  readonly bytes: number;
}

export interface BackupStatus {
  readonly passphraseSet: boolean;
  /** settings.autoBackupKeep (0 = automatic backups off). */
  readonly keep: number;
  /** Newest first. */
  readonly backups: readonly AutoBackupInfo[];
  readonly folder: string;
  /** The last automatic backup of this session, when there was one. */
  readonly last?: { readonly at: string; readonly status: 'written' | 'failed'; readonly error?: UserFacingError };
}

export type ImportFormatId = 'authdesk' | 'google' | 'aegis' | 'twofas' | 'ente' | 'bitwarden' | 'otpauth';

export interface ImportPreviewAccount {
  readonly issuer: string;
  readonly label: string;
  readonly type: 'totp' | 'hotp';
}

export type ImportStep =
  | {
    readonly importId: string;
    readonly state: 'needs-passphrase';
    readonly formatName: string;
    /** Set when an automatic backup did not open with the keychain's current backup passphrase. */
    readonly olderPassphrase?: true;
  }
  | {
    readonly importId: string;
    readonly state: 'ready';
    readonly format: ImportFormatId;
    readonly formatName: string;
    readonly toAdd: readonly ImportPreviewAccount[];
    readonly duplicates: readonly { readonly name: string; readonly reason: string }[];
    readonly unsupported: readonly { readonly name: string; readonly reason: string }[];
    readonly warnings: readonly string[];
  };

export type ExportFormatId = 'authdesk' | 'otpauth' | 'google-qr';

export interface ExportResult {
  readonly accounts: number;
  readonly files: readonly string[];
  /** The plain-text warning for `otpauth` and `google-qr`. */
  readonly warning?: string;
}

/** Dropped files travel as base64; an export or backup is at most 32 MiB (FILE_LIMITS). */
export const MAX_IMPORT_FILE_BYTES = 32 * 1024 * 1024;
export const MAX_IMPORT_FILES = 64;
export const IMPORT_TTL_MS = 10 * 60_000;

const importId = s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'an import id' });
const backupName = s.string({ min: 1, max: 128, pattern: /^authdesk-backup-\d{8}T\d{9}Z-[0-9a-f]{6}\.json$/, patternHint: 'an automatic backup file name' });

export const backup = {
  channels: {
    /** authdesk.backup.status() — passphrase set?, how many kept, the automatic backups. */
    status: channel(s.none()).returns<BackupStatus>(),
    /** authdesk.backup.setPassphrase({passphrase, lockPassphrase}) — behind the lock; then a first backup is written. */
    setPassphrase: channel(s.object({ passphrase, lockPassphrase: passphrase })).returns<BackupStatus>(),
    /** authdesk.backup.clearPassphrase() — stops automatic backups (existing files stay). */
    clearPassphrase: channel(s.none()).returns<BackupStatus>(),
    /** authdesk.backup.backupNow() — write an automatic backup now (a passphrase must be set). */
    backupNow: channel(s.none()).returns<BackupStatus>(),
    /** authdesk.backup.importChoose() — main's open dialog (several files: one per Google QR); null when cancelled. */
    importChoose: channel(s.none()).returns<ImportStep | null>(),
    /** authdesk.backup.importBytes({files}) — files dropped on the window. */
    importBytes: channel(s.object({
      files: s.array(s.object({ base64: s.string({ min: 1, max: Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4 }), name: s.optional(s.string({ max: 255 })) }), { min: 1, max: MAX_IMPORT_FILES }),
    })).returns<ImportStep>(),
    /** authdesk.backup.restoreOpen({name}) — one of the automatic backups, as an import. */
    restoreOpen: channel(s.object({ name: backupName })).returns<ImportStep>(),
    /** authdesk.backup.importDecrypt({importId, passphrase}) — the file's passphrase. */
    importDecrypt: channel(s.object({ importId, passphrase })).returns<ImportStep>(),
    /** authdesk.backup.importApply({importId, skipUnsupported}) — all or nothing. */
    importApply: channel(s.object({ importId, skipUnsupported: s.optional(s.boolean()) })).returns<readonly Account[]>(),
    /** authdesk.backup.importDiscard({importId}) */
    importDiscard: channel(s.object({ importId })).returns<void>(),
    /** authdesk.backup.exportFile({format, passphrase?, lockPassphrase}) — main's save dialog; null when cancelled. */
    exportFile: channel(s.object({ format: s.enum(['authdesk', 'otpauth', 'google-qr'] as const), passphrase: s.optional(passphrase), lockPassphrase: passphrase })).returns<ExportResult | null>(),
    /** authdesk.backup.accountQr({id, lockPassphrase}) — the account's otpauth:// QR as a PNG data: URL. */
    accountQr: channel(s.object({ id: accountId, lockPassphrase: passphrase })).returns<{ readonly dataUrl: string }>(),
  },
  events: {
    /** Keychain writes of a large import (~15-45 ms each). */
    progress: event<{ readonly done: number; readonly total: number }>(),
    /** An automatic backup was written or failed, or the passphrase changed. */
    changed: event<BackupStatus>(),
  },
} as const;

/** The handlers' shape (identical to `Handlers['backup']` once the area is in contract.ts). */
export type BackupHandlers = { readonly [K in keyof typeof backup.channels]: HandlerFunction<(typeof backup.channels)[K]> };
