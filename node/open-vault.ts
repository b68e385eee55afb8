/**
 * The composition root of the vault for the CLI and Electron main. Kept light on purpose:
 * `authdesk code` imports this, so nothing heavy (no AWS SDK, image or QR code) may be imported
 * from here or from the modules it imports.
 */
import type { VaultApi } from '../core/vault/api.js';
import type { Clock, SecretStore } from '../core/vault/ports.js';
import { Vault, type ReconcileMode } from '../core/vault/vault.js';
import { nodeHmac, nodeRandom } from './crypto.js';
import { defaultDataDir } from './data-dir.js';
import { FileDocumentStore, type FileDocumentStoreOptions } from './document-store.js';
import { KeyringSecretStore } from './keychain.js';

export interface OpenVaultOptions {
  /** Default: AUTHDESK_DATA_DIR or the platform's app-data folder (node/data-dir.ts). */
  readonly dataDir?: string;
  /** Default: the OS keychain (node/keychain.ts). Tests pass a double only in unit tests. */
  readonly secretStore?: SecretStore;
  readonly clock?: Clock;
  /**
   * Reconciliation at open (core/vault/vault.ts): 'await' (default: CLI commands that list or
   * change accounts), 'background' (the app: deferred until the first codes are out, so neither the
   * window nor the first codes wait for a keychain-wide list), 'skip' (`authdesk code`: one
   * keychain read, nothing else; the app and other commands reconcile).
   */
  readonly reconcile?: ReconcileMode;
  readonly lock?: FileDocumentStoreOptions;
}

export const systemClock: Clock = { now: () => Date.now() };

export async function openVault(options: OpenVaultOptions = {}): Promise<VaultApi> {
  return Vault.open(
    {
      secrets: options.secretStore ?? new KeyringSecretStore(),
      documents: new FileDocumentStore(options.dataDir ?? defaultDataDir(), options.lock),
      clock: options.clock ?? systemClock,
      random: nodeRandom,
      hmac: nodeHmac,
      // unref: a deferred reconciliation must never keep a process alive by itself.
      defer: (fn, ms) => setTimeout(fn, ms).unref(),
    },
    { reconcile: options.reconcile ?? 'await' },
  );
}
