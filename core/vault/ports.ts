import type { VaultDocument } from './model.js';

/**
 * The OS keychain as the vault sees it: one secret (canonical base32 text) per account name.
 * Every method rejects with a KeychainError (never a raw native error) and never hangs: adapters
 * put a timeout on each call (gnome-keyring was seen to hang, DESIGN.md section 7).
 */
export interface SecretStore {
  get(accountName: string): Promise<string | null>;
  set(accountName: string, secret: string): Promise<void>;
  /** Resolves false when there was nothing to delete. */
  delete(accountName: string): Promise<boolean>;
  /** Every item of our service: used for reconciliation and bulk reads. */
  list(): Promise<Array<{ accountName: string; secret: string }>>;
}

/** The metadata document on disk: atomic replace, 0600. `load` returns null when none exists yet. */
export interface DocumentStore {
  load(): Promise<VaultDocument | null>;
  save(document: VaultDocument): Promise<void>;
  /** Run `fn` holding the cross-process lock (app and CLI share a vault). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

export interface Clock {
  /** Local wall clock, Unix milliseconds. */
  now(): number;
}

export interface Random {
  /** A fresh random identifier (URL-safe, >= 96 bits). */
  id(): string;
}
