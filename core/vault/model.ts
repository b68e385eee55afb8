import type { HashAlgorithm, OtpType } from '../otp/types.js';
import type { ReleasePolicy } from '../release/policy.js';

/**
 * An account's metadata. The seed is NOT here: it lives in the OS keychain under
 * `keychainAccountName(vaultId, id)`. See docs/vault-format.md.
 */
export interface Account {
  readonly id: string;
  readonly type: OtpType;
  readonly issuer: string;
  readonly label: string;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
  readonly period: number;
  /** HOTP: the counter of the next code to show. Advanced durably before a code is shown. */
  readonly counter?: number;
  /** AWS IAM MFA device serial: arn:aws:iam::123456789012:mfa/name */
  readonly awsSerial?: string;
  /** AWS IAM user the device belongs to (for resync/deactivate), when known. */
  readonly awsUser?: string;
  /** Per-account correction in whole periods for services whose own clock is off (usually 0). */
  readonly stepAdjust?: number;
  /**
   * active: normal. pending: the seed is stored but an AWS enrollment has not completed (Enable not
   * yet accepted). recovered: found in the keychain without metadata after a crash.
   */
  readonly status: AccountStatus;
  readonly createdAt: string;
  readonly order: number;
  readonly tags?: readonly string[];
  /** Whether another program gets this account's codes without asking (docs/approvals.md). Absent: the default. */
  readonly releasePolicy?: ReleasePolicy;
}

export type AccountStatus = 'active' | 'pending' | 'recovered';

/** What the app shows for the clock (kept in the vault document so the CLI uses the same offset). */
export interface TimeOffsetRecord {
  /** Trusted time minus local time, in milliseconds. */
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  /** e.g. "ntp:time.aws.com" or "https-date:iam.amazonaws.com" */
  readonly source: string;
  /** ISO time of the measurement (local clock). */
  readonly measuredAt: string;
  /**
   * Who vouched for an offset beyond the unverified bound (core/time/trust.ts): an authenticated
   * source or the person. Absent: an unauthenticated measurement, applied only within ±2 min.
   */
  readonly verification?: TimeVerification;
}

export interface TimeVerification {
  /** 'tls': the HTTPS Date of a certificate-verified host (the source, or agreeing with it); 'person': confirmed explicitly. */
  readonly by: 'tls' | 'person';
  /** e.g. "https-date:iam.amazonaws.com", "confirmed in the app", "authdesk time --accept-unverified-offset". */
  readonly source: string;
  /** The offset that was vouched for: later unauthenticated measurements may differ from it by the bound only. */
  readonly offsetMs: number;
  /** ISO time of the verification. */
  readonly at: string;
}

/**
 * A measurement beyond the unverified bound that nothing vouched for: recorded (so the app and the
 * CLI say the same) but not applied until an authenticated source agrees or the person confirms.
 */
export interface PendingTimeOffset extends TimeOffsetRecord {
  /** The authenticated check and its outcome: what it said, or why it failed. */
  readonly check?: { readonly source: string; readonly offsetMs?: number; readonly error?: string };
}

/** Privacy on screen: codes always shown, or hidden until the row is hovered (or selected) or clicked. */
export type CodeVisibility = 'shown' | 'hover' | 'click';

export interface Settings {
  /** Seconds after a copy before the clipboard is cleared (0 = never). */
  readonly clipboardClearSeconds: number;
  readonly theme: 'system' | 'light' | 'dark';
  readonly codeVisibility: CodeVisibility;
  readonly timeServers: readonly string[];
  /** Apply the measured offset to codes. */
  readonly timeCorrection: boolean;
  readonly timeOffset?: TimeOffsetRecord;
  /** The last measurement when it was not applied (unverified and beyond the bound); cleared when one is applied. */
  readonly timeOffsetPending?: PendingTimeOffset;
  readonly startAtLogin: boolean;
  /** App lock: scrypt hash of the passphrase ("scrypt$N$r$p$salt$hash", base64 parts), absent = no lock. */
  readonly lockPassphraseHash?: string;
  /** Wrong app-lock passphrases in a row and when the last was counted (node/app-lock.ts); absent = none. Main only. */
  readonly lockFailures?: { readonly count: number; readonly lastAt: number };
  readonly lockAfterIdleMinutes: number;
  readonly lockOnScreenLock: boolean;
  readonly useSystemAuth: boolean;
  /** Automatic encrypted backups: how many to keep (0 = off). The passphrase itself is in the keychain. */
  readonly autoBackupKeep: number;
  readonly awsProfile?: string;
  /** Release policy of accounts without their own (docs/approvals.md). Absent: Always. */
  readonly defaultReleasePolicy?: ReleasePolicy;
  /** The one-time "ask before releasing AWS codes?" suggestion was answered or dismissed. */
  readonly releaseSuggestionDone?: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  clipboardClearSeconds: 30,
  theme: 'system',
  codeVisibility: 'shown',
  timeServers: ['time.aws.com'],
  timeCorrection: true,
  startAtLogin: false,
  lockAfterIdleMinutes: 5,
  lockOnScreenLock: true,
  useSystemAuth: false,
  autoBackupKeep: 10,
};

export const VAULT_DOCUMENT_VERSION = 1;

export interface VaultDocument {
  readonly format: 'authdesk-vault';
  readonly version: typeof VAULT_DOCUMENT_VERSION;
  /** Random id of this vault: namespaces keychain items so two data dirs never collide. */
  readonly vaultId: string;
  readonly accounts: readonly Account[];
  readonly settings: Settings;
  /**
   * Present only while an add/import writes seeds (saved before the first seed is written, cleared
   * by the save that adds the accounts). Found at the next reconciliation, it means that process
   * died mid-batch: the listed items are deleted (rolled back). docs/storage.md, "Batches".
   */
  readonly batchInProgress?: BatchInProgress;
}

/** The intent of a batch of seed writes, recorded before the first one. */
export interface BatchInProgress {
  /** ISO time the batch started (local clock). */
  readonly startedAt: string;
  /** Account ids whose keychain items this batch may have written; none is in `accounts` yet. */
  readonly accountIds: readonly string[];
}

/** Keychain service name for all seeds. */
export const KEYCHAIN_SERVICE = 'authdesk';

export function keychainAccountName(vaultId: string, accountId: string): string {
  return `${vaultId}/${accountId}`;
}

/** Display name, "Issuer (label)" or the label alone. */
export function displayName(account: Pick<Account, 'issuer' | 'label'>): string {
  return account.issuer ? `${account.issuer}: ${account.label}` : account.label;
}
