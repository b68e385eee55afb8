/**
 * Shared by the UI benches (bench/ui.ts, bench/power.ts; the leading "_" keeps scripts/bench.mjs
 * from running it): seeds in memory, so a UI bench measures the renderer and not gnome-keyring
 * (bench/vault.ts measures that), and a deterministic set of accounts.
 */
import type { NewAccount } from '../core/vault/api.js';
import type { SecretStore } from '../core/vault/ports.js';

export function memorySecretStore(): SecretStore {
  const items = new Map<string, string>();
  return {
    get: async (name) => items.get(name) ?? null,
    set: async (name, secret) => void items.set(name, secret),
    delete: async (name) => items.delete(name),
    list: async () => [...items].map(([accountName, secret]) => ({ accountName, secret })),
  };
}

const ISSUERS = ['Amazon Web Services', 'GitHub', 'Google', 'Microsoft', 'GitLab', 'Dropbox', 'Slack', 'Cloudflare', 'Okta', 'Acme'];
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `count` TOTP accounts with distinct secrets; `periodOf(i)` picks each one's period (default 30 s). */
export function benchAccounts(count: number, periodOf: (i: number) => number = () => 30): NewAccount[] {
  // The first 4 characters spell i in base 32, so secrets stay distinct for up to a million
  // accounts (the mixed rest alone repeated every 160, which the vault refuses as a duplicate).
  const prefix = (i: number) => Array.from({ length: 4 }, (_, k) => ALPHABET[Math.floor(i / 32 ** (3 - k)) % 32]).join('');
  return Array.from({ length: count }, (_, i) => ({
    type: 'totp',
    issuer: ISSUERS[i % ISSUERS.length] ?? 'X',
    label: `user${i}@example.com`,
    secret: prefix(i) + Array.from({ length: 28 }, (_, j) => ALPHABET[(i * 7 + j * 13 + ((i * j) % 5)) % 32]).join(''),
    algorithm: 'SHA1',
    digits: 6,
    period: periodOf(i),
  }));
}
