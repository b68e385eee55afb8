import type { UserFacingError } from '../errors.js';
import type { OtpauthData } from '../otpauth/uri.js';
import type { Account, AccountStatus, Settings, TimeOffsetRecord } from './model.js';
import type { ReleasePolicy } from '../release/policy.js';

/** What `add` takes: everything an otpauth:// URI carries plus Authdesk's own fields. */
export interface NewAccount extends OtpauthData {
  readonly awsSerial?: string;
  readonly awsUser?: string;
  readonly status?: AccountStatus;
  readonly stepAdjust?: number;
  readonly tags?: readonly string[];
}

export type AccountPatch = Partial<Pick<Account, 'issuer' | 'label' | 'awsSerial' | 'awsUser' | 'status' | 'stepAdjust' | 'tags'>> & {
  /** The account's release policy (docs/approvals.md); null: follow the default again. */
  readonly releasePolicy?: ReleasePolicy | null;
};

/** A code ready to show. Times are on the corrected (trusted) clock, Unix ms. */
export interface CodeView {
  readonly accountId: string;
  readonly code: string;
  /** TOTP: the next period's code (shown in the last seconds of a period). */
  readonly next?: string;
  readonly period: number;
  readonly validFrom: number;
  readonly validUntil: number;
  /** HOTP: the counter this code was made from. */
  readonly counter?: number;
}

/** One entry of `codes()`: the code, or why this account has none (others still get theirs). */
export interface CodeFailure {
  readonly accountId: string;
  /** e.g. SEED_MISSING (keychain item gone), HOTP_ON_DEMAND (HOTP codes come from nextHotp), ACCOUNT_NOT_FOUND. */
  readonly error: UserFacingError;
}

export type CodeResult = CodeView | CodeFailure;

export function isCodeFailure(result: CodeResult): result is CodeFailure {
  return 'error' in result;
}

/** What a reconciliation of metadata against the keychain found (docs/storage.md). */
export interface ReconcileReport {
  /** Keychain items of this vault that had no metadata: now accounts with status 'recovered'. */
  readonly recovered: readonly Account[];
  /** Accounts whose keychain item is missing: kept (they may name an AWS device to deactivate), codes fail with SEED_MISSING. */
  readonly missingSeeds: readonly Account[];
  /** Items of this vault whose secret is not valid base32: left untouched in the keychain. */
  readonly unusable: readonly string[];
  /**
   * Authdesk items of OTHER vault ids (another data dir, or a vault.json that was deleted): counted,
   * never touched. Many here with an empty vault usually means the vault file was lost.
   */
  readonly otherVaults: ReadonlyArray<{ readonly vaultId: string; readonly items: number }>;
  /**
   * Account ids of a batch (add/import/restore) whose process died mid-way: their keychain items
   * were deleted, so the batch left nothing behind (docs/storage.md, "Batches"). Optional for
   * reports made before this existed.
   */
  readonly rolledBack?: readonly string[];
  /** Orphan items holding a seed that an account of the vault already has: deleted (a copy loses nothing). */
  readonly redundant?: readonly string[];
}

export interface ClockState {
  /** Offset applied to codes (0 when correction is off or unknown). */
  readonly appliedOffsetMs: number;
  readonly record?: TimeOffsetRecord;
}

/**
 * The vault: account metadata (document store) + seeds (keychain), kept consistent.
 * Implemented by core/vault/vault.ts; opened for Node/Electron by node/open-vault.ts.
 * Every mutation re-reads the document under the cross-process lock (the app and the CLI may
 * both be running), writes the seed before the metadata, and reconciles at open.
 */
export interface VaultApi {
  readonly vaultId: string;
  list(): Promise<readonly Account[]>;
  get(id: string): Promise<Account>;
  /** Accounts matching an id, an AWS serial ARN or issuer/label text (case-insensitive). */
  find(query: string): Promise<readonly Account[]>;
  add(input: NewAccount): Promise<Account>;
  /**
   * All or nothing: on failure no account of the batch remains (seeds written are removed), also
   * across a crash (the batch's intent is journaled; the next reconciliation rolls it back). A seed
   * already in the vault (whatever its account's name) fails the batch with DUPLICATE_SECRET.
   * Aborting `options.signal` stops before the next keychain write and rolls back (INTERRUPTED).
   */
  addMany(inputs: readonly NewAccount[], onProgress?: (done: number, total: number) => void, options?: { readonly signal?: { readonly aborted: boolean } }): Promise<readonly Account[]>;
  /**
   * For each given secret (base32, any spelling), the account of this vault that already holds the
   * same key, whatever its name, or undefined. One bulk keychain read at most; nothing is stored.
   */
  accountsWithSecrets(secrets: readonly string[]): Promise<ReadonlyArray<Account | undefined>>;
  update(id: string, patch: AccountPatch): Promise<Account>;
  remove(id: string): Promise<void>;
  /** New order: the given ids first, in that order; others keep their relative order after. */
  reorder(ids: readonly string[]): Promise<void>;
  /** TOTP code at `atMs` (default: now on the corrected clock). HOTP accounts: rejects; use nextHotp. */
  code(id: string, atMs?: number): Promise<CodeView>;
  /** HOTP: advance the counter durably, then return the code of the counter before it. */
  nextHotp(id: string): Promise<CodeView>;
  /** The base32 seed, for export and "show secret" (callers enforce the app lock). */
  revealSecret(id: string): Promise<string>;
  settings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  clock(): Promise<ClockState>;
  /** Drop cached key material (on app lock). */
  forgetSecrets(): void;

  // ---- Added by the vault engineer (docs/storage.md) ----
  /**
   * TOTP codes of many accounts at once (the app's list). One keychain `list()` instead of N reads
   * when many seeds are not cached yet. Never rejects for one account: its entry is a CodeFailure.
   */
  codes(ids: readonly string[], atMs?: number): Promise<readonly CodeResult[]>;
  /**
   * The open-time reconciliation's report (waits for it when it runs in the background). With
   * `{ again: true }` runs a new one now. Rejects with a KeychainError when the keychain is unreachable.
   */
  reconcile(options?: { again?: boolean }): Promise<ReconcileReport>;
  /** Corrected (trusted) time now, Unix ms: local clock + the applied offset. Synchronous for the UI's countdown. */
  now(): number;
}
