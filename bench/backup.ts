// Backups and imports at 10,000 accounts (issue 7). Runs under scripts/with-keyring.sh (npm run bench).
// Figures: encrypted export, decrypt, import into a vault (in-memory SecretStore, so the figure is
// Authdesk's own cost), the real keychain's cost per item on a small sample, and plain parse times
// for every format. Targets are ours (docs/vault-format.md); no figure is asserted in tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../core/vault/ports.js';
import type { VaultApi } from '../core/vault/api.js';
import type { PortableAccount } from '../core/backup/account.js';
import { formatOtpauthList, googleMigrationUris } from '../core/backup/export.js';
import { bytesToBase32 } from '../core/otp/base32.js';
import { openVault } from '../node/open-vault.js';
import { KeyringSecretStore } from '../node/keychain.js';
import { encryptBackup } from '../node/backup/crypto.js';
import { exportEncrypted, exportGoogleQr } from '../node/backup/export.js';
import { applyImport, planVaultImport, readImport } from '../node/backup/import.js';

const N = 10_000;
const dirs: string[] = [];
const tmp = (): string => { const d = mkdtempSync(path.join(tmpdir(), 'authdesk-bench-backup-')); dirs.push(d); return d; };

class MemorySecrets implements SecretStore {
  readonly items = new Map<string, string>();
  async get(n: string) { return this.items.get(n) ?? null; }
  async set(n: string, s: string) { this.items.set(n, s); }
  async delete(n: string) { return this.items.delete(n); }
  async list() { return [...this.items].map(([accountName, secret]) => ({ accountName, secret })); }
}

function accounts(n: number, seedBytes = 20): PortableAccount[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'totp', issuer: `Service ${i % 500}`, label: `user${i}@example.com`, secret: bytesToBase32(randomBytes(i % 10 === 0 ? 40 : seedBytes)),
    algorithm: 'SHA1', digits: 6, period: 30,
  }) as PortableAccount);
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

const results: Array<{ label: string; ms: number; target?: number }> = [];
function report(label: string, ms: number, target?: number, extra = ''): void {
  results.push({ label, ms, ...(target === undefined ? {} : { target }) });
  const verdict = target === undefined ? '' : ms <= target ? `  target < ${target} ms: PASS` : `  target < ${target} ms: MISS`;
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms${extra}${verdict}`);
}

try {
  // A 10,000-account vault (real vault.json, in-memory seeds).
  const sourceSecrets = new MemorySecrets();
  const source = await openVault({ dataDir: tmp(), secretStore: sourceSecrets });
  const input = accounts(N);
  await source.addMany(input.map(({ order: _o, createdAt: _c, ...a }) => a));
  console.log(`vault: ${N} accounts (10% with 40-byte AWS-size seeds)`);

  const [exported, exportMs] = await time(() => exportEncrypted(source, 'bench passphrase 123', { secrets: sourceSecrets }));
  report('encrypted export (read seeds, scrypt N=2^17, AES-GCM)', exportMs, 5000, `  ${(exported.text.length / 1048576).toFixed(2)} MiB`);
  const [, encryptOnlyMs] = await time(() => encryptBackup(input, 'bench passphrase 123'));
  report('  of which scrypt + encrypt + serialise', encryptOnlyMs);

  const bytes = Buffer.from(exported.text);
  const [parsed, decryptMs] = await time(() => readImport(bytes, { passphrase: 'bench passphrase 123' }));
  report('decrypt + validate the backup', decryptMs, 3000);

  const targetSecrets = new MemorySecrets();
  const target: VaultApi = await openVault({ dataDir: tmp(), secretStore: targetSecrets });
  const [plan, planMs] = await time(() => planVaultImport(target, parsed, { secrets: targetSecrets }));
  report('plan import (duplicates) into an empty vault', planMs);
  const [, applyMs] = await time(() => applyImport(target, plan));
  report(`import ${N} accounts (addMany, in-memory SecretStore)`, applyMs, 10_000);
  const [again, againMs] = await time(() => planVaultImport(target, parsed, { secrets: targetSecrets }));
  report(`plan re-import: ${again.duplicates.length} duplicates found`, againMs, 10_000);

  // Plain parse times.
  const list = formatOtpauthList(input);
  report('parse otpauth:// list (10,000 lines)', (await time(() => readImport(Buffer.from(list))))[1], 1000);
  const aegis = JSON.stringify({ version: 1, header: { slots: null, params: null }, db: { version: 3, entries: input.map((a, i) => ({ type: 'totp', uuid: String(i), name: a.label, issuer: a.issuer, icon: null, info: { secret: a.secret, algo: 'SHA1', digits: 6, period: 30 } })) } });
  report('parse Aegis plain vault (10,000 entries)', (await time(() => readImport(Buffer.from(aegis))))[1], 1000);
  const twofas = JSON.stringify({ schemaVersion: 4, services: input.map((a, i) => ({ name: a.issuer, secret: a.secret, otp: { account: a.label, issuer: a.issuer, digits: 6, period: 30, algorithm: 'SHA1', tokenType: 'TOTP' }, order: { position: i } })), groups: [] });
  report('parse 2FAS plain backup (10,000 services)', (await time(() => readImport(Buffer.from(twofas))))[1], 1000);
  const bitwarden = JSON.stringify({ encrypted: false, items: input.map((a) => ({ type: 1, name: a.issuer, login: { username: a.label, totp: a.secret } })) });
  report('parse Bitwarden JSON (10,000 items)', (await time(() => readImport(Buffer.from(bitwarden))))[1], 1000);
  const google = googleMigrationUris(input).join('\n');
  report(`parse Google export (${google.split('\n').length} batches)`, (await time(() => readImport(Buffer.from(google))))[1], 1000);

  // Google QR PNGs for 100 accounts (PNG encoding is the cost).
  const smallSecrets = new MemorySecrets();
  const small = await openVault({ dataDir: tmp(), secretStore: smallSecrets });
  await small.addMany(accounts(100));
  const [qr, qrMs] = await time(() => exportGoogleQr(small, undefined, { secrets: smallSecrets }));
  report(`Google QR export, 100 accounts -> ${qr.pngs.length} PNGs`, qrMs);

  // The real keychain: a sample, since 10,000 writes to gnome-keyring take minutes (DESIGN.md 7).
  const SAMPLE = 100;
  const real = await openVault({ dataDir: tmp() });
  const realPlan = await planVaultImport(real, { format: 'otpauth', accounts: accounts(SAMPLE), unsupported: [] });
  const [, realMs] = await time(() => applyImport(real, realPlan));
  const [realExport, realExportMs] = await time(() => exportEncrypted(real, 'bench passphrase 123', { secrets: new KeyringSecretStore() }));
  report(`encrypted export of ${realExport.count} accounts from the real keychain (one bulk list)`, realExportMs);
  console.log(`real keychain: ${SAMPLE} accounts in ${realMs.toFixed(0)} ms = ${(realMs / SAMPLE).toFixed(1)} ms per item`);
  console.log(`  -> ${N} accounts would spend about ${((realMs / SAMPLE) * N / 1000).toFixed(0)} s in the keychain at this size (more as the keyring grows)`);
  const store = new KeyringSecretStore();
  for (const a of await real.list()) await store.delete(`${real.vaultId}/${a.id}`);
  const missed = results.filter((r) => r.target !== undefined && r.ms > r.target);
  console.log(missed.length === 0 ? 'all backup targets: PASS' : `backup targets missed: ${missed.map((m) => m.label).join('; ')}`);
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
