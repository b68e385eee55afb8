/**
 * The session cache: one OS-keychain item per MFA session (docs/storage.md, "Keychain layout"),
 * service `authdesk-sessions`, account `<vaultId>/session/<source>|<serial>|<role>|<name>|<external id>`
 * (core/aws/session-policy.ts sessionKey), secret = the CachedSession JSON (credentials + the
 * non-secret facts shown by `aws sessions`). Never a file: the secret access key is only here and on
 * the stdout of `authdesk aws credentials`.
 *
 * A service of its own, not `authdesk`: the vault's reconciliation lists every `authdesk` item of
 * its vault id as a seed, and a session must never be mistaken for one (or the other way round).
 * Kept light (no AWS SDK, no vault): the cached path of `aws credentials` imports it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionCachePort } from '../../core/aws/session-flow.js';
import { parseCachedSession, summarize, type CachedSession, type SessionSummary } from '../../core/aws/session-policy.js';
import { KeyringSecretStore } from '../keychain.js';

export const SESSION_SERVICE = 'authdesk-sessions';

export class KeychainSessionCache implements SessionCachePort {
  private readonly store: KeyringSecretStore;
  readonly vaultId: string;

  constructor(vaultId: string, options: { service?: string } = {}) {
    this.vaultId = vaultId;
    this.store = new KeyringSecretStore({ service: options.service ?? SESSION_SERVICE, prefix: `${vaultId}/session/` });
  }

  async get(key: string): Promise<CachedSession | undefined> {
    return parseCachedSession(await this.store.get(key));
  }

  async put(key: string, session: CachedSession): Promise<void> {
    await this.store.set(key, JSON.stringify(session));
  }

  /** This vault's sessions, without their secrets (the items are read, the credentials dropped). */
  async list(nowMs = Date.now()): Promise<SessionSummary[]> {
    const out: SessionSummary[] = [];
    for (const item of await this.store.list()) {
      const session = parseCachedSession(item.secret);
      if (session) out.push(summarize(item.accountName, session, nowMs));
    }
    return out.sort((a, b) => a.profile.localeCompare(b.profile) || a.serial.localeCompare(b.serial) || (a.roleArn ?? '').localeCompare(b.roleArn ?? ''));
  }

  /** Remove one session by its id (its keychain account name, from list()). */
  async remove(id: string): Promise<boolean> {
    if (!id.startsWith(`${this.vaultId}/session/`)) return false;
    return this.store.delete(id);
  }
}

/**
 * `<dataDir>/vault.json` parsed, without opening the vault (no keychain, no lock, no reconciliation),
 * for the paths that must stay light: the cached `aws credentials` reads the vault id and the release
 * policies from this one read. Unknown shape or no file: undefined (the full command says why).
 */
export interface VaultPeek {
  readonly vaultId: string;
  readonly accounts: readonly unknown[];
  readonly settings: { readonly defaultReleasePolicy?: unknown };
}

export async function peekVaultDocument(dataDir: string): Promise<VaultPeek | undefined> {
  try {
    // Blocking on purpose: one small local file, read by CLI paths only, where the thread pool's
    // round trip (and loading node:fs/promises first) cost more than the read (bench/aws-credentials.ts).
    const doc = JSON.parse(readFileSync(join(dataDir, 'vault.json'), 'utf8')) as { vaultId?: unknown; accounts?: unknown; settings?: unknown };
    if (typeof doc.vaultId !== 'string') return undefined;
    const settings = typeof doc.settings === 'object' && doc.settings !== null ? (doc.settings as VaultPeek['settings']) : {};
    return { vaultId: doc.vaultId, accounts: Array.isArray(doc.accounts) ? doc.accounts : [], settings };
  } catch {
    return undefined;
  }
}

/** The vault id from `<dataDir>/vault.json` (see peekVaultDocument). */
export async function readVaultId(dataDir: string): Promise<string | undefined> {
  return (await peekVaultDocument(dataDir))?.vaultId;
}
