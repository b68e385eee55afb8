/**
 * Test doubles for the vault's ports (unit tests only; integration tests use the real keychain and
 * the real file store). Named as doubles so nobody mistakes them for adapters.
 */
import { execFileSync } from 'node:child_process';
import { parseVaultDocument, serializeVaultDocument } from '../../core/vault/document.js';
import type { VaultDocument } from '../../core/vault/model.js';
import type { Clock, DocumentStore, Random, SecretStore } from '../../core/vault/ports.js';
import { Vault, type VaultOpenOptions } from '../../core/vault/vault.js';
import { nodeHmac } from '../../node/crypto.js';

/** Every port call, in order, so tests can assert write order. */
export type Event = { op: 'set' | 'get' | 'delete' | 'list'; name?: string } | { op: 'save'; accounts: number } | { op: 'lock' | 'unlock' };

export class InMemorySecretStoreDouble implements SecretStore {
  readonly items = new Map<string, string>();
  /** Fail the n-th set (1-based) from now on, counting every set call. */
  failSetAt: number | undefined;
  private sets = 0;
  failAll: Error | undefined;

  constructor(private readonly events: Event[] = []) {}

  async get(name: string): Promise<string | null> {
    this.events.push({ op: 'get', name });
    if (this.failAll) throw this.failAll;
    return this.items.get(name) ?? null;
  }

  async set(name: string, secret: string): Promise<void> {
    this.events.push({ op: 'set', name });
    if (this.failAll) throw this.failAll;
    this.sets++;
    if (this.failSetAt !== undefined && this.sets >= this.failSetAt) throw new Error('double: set failed');
    this.items.set(name, secret);
  }

  async delete(name: string): Promise<boolean> {
    this.events.push({ op: 'delete', name });
    if (this.failAll) throw this.failAll;
    return this.items.delete(name);
  }

  async list(): Promise<Array<{ accountName: string; secret: string }>> {
    this.events.push({ op: 'list' });
    if (this.failAll) throw this.failAll;
    return [...this.items].map(([accountName, secret]) => ({ accountName, secret }));
  }
}

/** Keeps the document as serialised text (so every load goes through the real parser/validator). */
export class InMemoryDocumentStoreDouble implements DocumentStore {
  text: string | null = null;
  failSave: Error | undefined;
  saves = 0;
  private locked = false;

  constructor(private readonly events: Event[] = []) {}

  async load(): Promise<VaultDocument | null> {
    return this.text === null ? null : parseVaultDocument(this.text);
  }

  async save(document: VaultDocument): Promise<void> {
    if (this.failSave) throw this.failSave;
    this.saves++;
    this.events.push({ op: 'save', accounts: document.accounts.length });
    this.text = serializeVaultDocument(document);
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    // Single-threaded double: the vault must never nest or overlap its own mutations.
    while (this.locked) await new Promise((r) => setTimeout(r, 1));
    this.locked = true;
    this.events.push({ op: 'lock' });
    try {
      return await fn();
    } finally {
      this.locked = false;
      this.events.push({ op: 'unlock' });
    }
  }

  get document(): VaultDocument {
    if (this.text === null) throw new Error('no document');
    return parseVaultDocument(this.text);
  }
}

export class FixedClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

export class SequenceRandom implements Random {
  private n = 0;
  id(): string {
    this.n++;
    return `id${String(this.n).padStart(10, '0')}`;
  }
}

export interface VaultFixture {
  vault: Vault;
  secrets: InMemorySecretStoreDouble;
  documents: InMemoryDocumentStoreDouble;
  clock: FixedClock;
  events: Event[];
  hmacKeys: Uint8Array[];
}

export async function openTestVault(options: VaultOpenOptions & { nowMs?: number; secrets?: InMemorySecretStoreDouble; documents?: InMemoryDocumentStoreDouble } = {}): Promise<VaultFixture> {
  const events: Event[] = [];
  const secrets = options.secrets ?? new InMemorySecretStoreDouble(events);
  const documents = options.documents ?? new InMemoryDocumentStoreDouble(events);
  const clock = new FixedClock(options.nowMs ?? 1_700_000_000_000);
  const hmacKeys: Uint8Array[] = [];
  const vault = await Vault.open(
    {
      secrets,
      documents,
      clock,
      random: new SequenceRandom(),
      hmac: (algorithm, key, message) => {
        hmacKeys.push(key);
        return nodeHmac(algorithm, key, message);
      },
    },
    options,
  );
  return { vault, secrets, documents, clock, events, hmacKeys };
}

/** Debian's oathtool: the independent implementation codes are checked against. */
export function oathTotp(secret: string, unixSeconds: number, opts: { algorithm?: string; digits?: number; period?: number } = {}): string {
  const args = [`--totp=${opts.algorithm ?? 'SHA1'}`, '-b', '-N', `@${unixSeconds}`, '-d', String(opts.digits ?? 6), '-s', `${opts.period ?? 30}s`, secret];
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

export function oathHotp(secret: string, counter: number, digits = 6): string {
  return execFileSync('oathtool', ['-b', '-c', String(counter), '-d', String(digits), secret], { encoding: 'utf8' }).trim();
}

/** Random base32 secret of `bytes` bytes (never a fixed test vector only). */
export function randomSecret(bytes = 20): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < Math.ceil((bytes * 8) / 5); i++) out += alphabet[Math.floor(Math.random() * 32)];
  return out;
}
