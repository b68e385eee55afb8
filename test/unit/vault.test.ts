import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { isCodeFailure, type NewAccount } from '../../core/vault/api.js';
import { keychainAccountName } from '../../core/vault/model.js';
import { decodeSeedRecord } from '../../core/vault/seed-record.js';
import { BULK_READ_THRESHOLD } from '../../core/vault/vault.js';
import {
  type Event,
  InMemoryDocumentStoreDouble,
  InMemorySecretStoreDouble,
  oathHotp,
  oathTotp,
  openTestVault,
  randomSecret,
} from '../helpers/vault-doubles.js';

const totp = (over: Partial<NewAccount> = {}): NewAccount => ({
  type: 'totp', issuer: 'Example', label: 'alice@example.com', secret: randomSecret(), algorithm: 'SHA1', digits: 6, period: 30, ...over,
});

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, `expected rejection with ${code}`).toBeDefined();
  expect(isAuthdeskError(error) ? error.code : String(error)).toBe(code);
}

describe('vault: add and codes (checked with oathtool)', () => {
  it('stores the seed in the secret store only, metadata in the document, and codes match oathtool', async () => {
    const { vault, secrets, documents } = await openTestVault();
    const secret = randomSecret();
    const account = await vault.add(totp({ secret: secret.toLowerCase().replace(/(.{4})/g, '$1 ') }));
    // The item holds a seed record: the canonical secret plus every parameter (core/vault/seed-record.ts).
    expect(decodeSeedRecord(secrets.items.get(keychainAccountName(vault.vaultId, account.id)) ?? '')).toEqual({
      secret,
      params: { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Example', label: 'alice@example.com' },
    });
    expect(documents.text).not.toContain(secret);
    for (const t of [0, 59, 1_111_111_109, 2_000_000_000]) {
      const view = await vault.code(account.id, t * 1000);
      expect(view.code).toBe(oathTotp(secret, t));
      expect(view.next).toBe(oathTotp(secret, t + 30));
      expect(view.validFrom).toBe(Math.floor(t / 30) * 30_000);
      expect(view.validUntil).toBe(view.validFrom + 30_000);
    }
  });

  it('handles SHA256/SHA512, 8 digits and 60 s periods', async () => {
    const { vault } = await openTestVault();
    for (const [algorithm, digits, period] of [['SHA256', 8, 60], ['SHA512', 7, 45], ['SHA1', 8, 30]] as const) {
      const secret = randomSecret(32);
      const a = await vault.add(totp({ secret, algorithm, digits, period }));
      expect((await vault.code(a.id, 1_234_567_890_000)).code).toBe(oathTotp(secret, 1_234_567_890, { algorithm, digits, period }));
    }
  });

  it('applies the measured time offset only when time correction is on', async () => {
    const now = 1_800_000_000_000;
    const { vault, clock } = await openTestVault({ nowMs: now });
    const secret = randomSecret();
    const a = await vault.add(totp({ secret }));
    expect((await vault.code(a.id)).code).toBe(oathTotp(secret, now / 1000));
    await vault.updateSettings({ timeCorrection: true, timeOffset: { offsetMs: 95_000, uncertaintyMs: 20, source: 'ntp:test', measuredAt: new Date(now).toISOString() } });
    expect(vault.now()).toBe(now + 95_000);
    expect((await vault.clock()).appliedOffsetMs).toBe(95_000);
    expect((await vault.code(a.id)).code).toBe(oathTotp(secret, now / 1000 + 95));
    clock.ms += 7_000;
    expect((await vault.code(a.id)).code).toBe(oathTotp(secret, now / 1000 + 102));
    await vault.updateSettings({ timeCorrection: false });
    expect((await vault.clock()).appliedOffsetMs).toBe(0);
    expect((await vault.code(a.id)).code).toBe(oathTotp(secret, now / 1000 + 7));
  });

  it('shifts codes by the per-account step adjustment', async () => {
    const { vault } = await openTestVault();
    const secret = randomSecret();
    const a = await vault.add(totp({ secret, stepAdjust: 2 }));
    expect((await vault.code(a.id, 1_000_000_000_000)).code).toBe(oathTotp(secret, 1_000_000_000 + 60));
    await vault.update(a.id, { stepAdjust: -1 });
    expect((await vault.code(a.id, 1_000_000_000_000)).code).toBe(oathTotp(secret, 1_000_000_000 - 30));
    await rejects(vault.update(a.id, { stepAdjust: 1000 }), 'INVALID_STEP_ADJUST');
  });

  it('refuses invalid input before touching the keychain', async () => {
    const { vault, secrets } = await openTestVault();
    await rejects(vault.add(totp({ secret: 'ABC' })), 'SECRET_INVALID_LENGTH');
    await rejects(vault.add(totp({ digits: 9 })), 'INVALID_DIGITS');
    await rejects(vault.add(totp({ issuer: '', label: ' ' })), 'NAME_MISSING');
    await rejects(vault.add(totp({ awsSerial: 'not-an-arn' })), 'INVALID_AWS_SERIAL');
    expect(secrets.items.size).toBe(0);
  });

  it('codes() uses one bulk list for many uncached seeds, single reads for few, and the cache after', async () => {
    const { vault, events } = await openTestVault({ reconcile: 'skip' });
    const secrets = Array.from({ length: BULK_READ_THRESHOLD + 16 }, () => randomSecret());
    const added = await vault.addMany(secrets.map((secret, i) => totp({ secret, label: `user${i}` })));
    vault.forgetSecrets();
    events.length = 0;
    const ids = added.map((a) => a.id);
    const results = await vault.codes(ids, 1_500_000_000_000);
    expect(events.filter((e) => e.op === 'list')).toHaveLength(1);
    expect(events.filter((e) => e.op === 'get')).toHaveLength(0);
    results.forEach((r, i) => {
      expect(isCodeFailure(r)).toBe(false);
      if (!isCodeFailure(r)) expect(r.code).toBe(oathTotp(secrets[i] ?? '', 1_500_000_000));
    });
    events.length = 0;
    await vault.codes(ids);
    expect(events).toHaveLength(0);
    vault.forgetSecrets();
    events.length = 0;
    await vault.codes(ids.slice(0, 3));
    expect(events.map((e) => e.op)).toEqual(['get', 'get', 'get']);
  });

  it('a code for one account reads only that keychain item, once', async () => {
    const { vault, events } = await openTestVault();
    const a = await vault.add(totp());
    await vault.add(totp({ label: 'other' }));
    vault.forgetSecrets();
    events.length = 0;
    await Promise.all([vault.code(a.id), vault.code(a.id), vault.code(a.id)]);
    await vault.code(a.id);
    expect(events).toEqual([{ op: 'get', name: keychainAccountName(vault.vaultId, a.id) }]);
  });

  it('forgetSecrets wipes the cached key bytes', async () => {
    const { vault, hmacKeys } = await openTestVault();
    const a = await vault.add(totp());
    await vault.code(a.id);
    const key = hmacKeys.at(-1);
    expect(key?.some((b) => b !== 0)).toBe(true);
    vault.forgetSecrets();
    expect(key?.every((b) => b === 0)).toBe(true);
    expect((await vault.code(a.id, 0)).code).toMatch(/^\d{6}$/);
  });

  it('codes() reports per-account failures without failing the batch', async () => {
    const { vault, secrets } = await openTestVault();
    const ok = await vault.add(totp());
    const gone = await vault.add(totp({ label: 'gone' }));
    const h = await vault.add(totp({ type: 'hotp', counter: 0, label: 'counter' }));
    secrets.items.delete(keychainAccountName(vault.vaultId, gone.id));
    vault.forgetSecrets();
    const results = await vault.codes([ok.id, gone.id, h.id, 'nosuchaccount']);
    expect(results.map((r) => (isCodeFailure(r) ? r.error.code : 'ok'))).toEqual(['ok', 'SEED_MISSING', 'HOTP_ON_DEMAND', 'ACCOUNT_NOT_FOUND']);
  });
});

describe('vault: HOTP', () => {
  it('returns oathtool\'s codes for consecutive counters and saves the advanced counter first', async () => {
    const { vault, documents } = await openTestVault();
    const secret = randomSecret();
    const a = await vault.add(totp({ type: 'hotp', counter: 5, secret }));
    for (let c = 5; c < 9; c++) {
      const savesBefore = documents.saves;
      const view = await vault.nextHotp(a.id);
      expect(view.counter).toBe(c);
      expect(view.code).toBe(oathHotp(secret, c));
      expect(documents.saves).toBe(savesBefore + 1);
      expect(documents.document.accounts.find((x) => x.id === a.id)?.counter).toBe(c + 1);
    }
    await rejects(vault.code(a.id), 'HOTP_ON_DEMAND');
  });

  it('shows no code when the counter could not be saved', async () => {
    const { vault, documents } = await openTestVault();
    const a = await vault.add(totp({ type: 'hotp', counter: 0 }));
    documents.failSave = new Error('disk full');
    const result = await vault.nextHotp(a.id).then(() => 'code shown', () => 'rejected');
    expect(result).toBe('rejected');
    documents.failSave = undefined;
    expect(documents.document.accounts[0]?.counter).toBe(0);
  });

  it('re-reads the counter another process advanced', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const secret = randomSecret();
    const app = await openTestVault({ documents, secrets });
    const a = await app.vault.add(totp({ type: 'hotp', counter: 0, secret }));
    const cli = await openTestVault({ documents, secrets });
    expect((await cli.vault.nextHotp(a.id)).code).toBe(oathHotp(secret, 0));
    expect((await app.vault.nextHotp(a.id)).code).toBe(oathHotp(secret, 1));
    expect((await cli.vault.nextHotp(a.id)).code).toBe(oathHotp(secret, 2));
  });
});

describe('vault: write order and all-or-nothing batches', () => {
  it('add writes the seed before the metadata, under the lock', async () => {
    const { vault, events } = await openTestVault();
    events.length = 0;
    await vault.add(totp());
    // The first save records the batch's intent (journal), the second adds the account and clears it.
    expect(events.map((e) => e.op)).toEqual(['lock', 'save', 'set', 'save', 'unlock']);
  });

  it('remove saves the metadata before deleting the seed, and wipes nothing of other accounts', async () => {
    const { vault, events, secrets } = await openTestVault();
    const a = await vault.add(totp());
    const b = await vault.add(totp({ label: 'b' }));
    events.length = 0;
    await vault.remove(a.id);
    // Both under the lock: a reconciliation elsewhere never sees the seed without its account.
    expect(events.map((e) => e.op).filter((op) => op !== 'get')).toEqual(['lock', 'save', 'delete', 'unlock']);
    expect(secrets.items.has(keychainAccountName(vault.vaultId, a.id))).toBe(false);
    expect((await vault.list()).map((x) => x.id)).toEqual([b.id]);
    await rejects(vault.code(a.id), 'ACCOUNT_NOT_FOUND');
  });

  it('a seed that cannot be deleted: account removed, clear KEYCHAIN_DELETE_FAILED, seed recovered later', async () => {
    const { vault, secrets, documents } = await openTestVault();
    const a = await vault.add(totp({ label: 'stubborn' }));
    const realDelete = secrets.delete.bind(secrets);
    secrets.delete = () => Promise.reject(new Error('keychain broke'));
    const error = await vault.remove(a.id).catch((e: unknown) => e);
    expect(isAuthdeskError(error, 'KEYCHAIN_DELETE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/"Example: stubborn" was removed .* "Recovered" account/);
    expect(documents.document.accounts).toEqual([]);
    secrets.delete = realDelete;
    const report = await vault.reconcile({ again: true });
    expect(report.recovered.map((x) => x.id)).toEqual([a.id]);
  });

  it('revealSecret returns the canonical seed, and a clear error when it is missing or damaged', async () => {
    const { vault, secrets } = await openTestVault();
    const secret = randomSecret();
    const a = await vault.add(totp({ secret: `${secret.toLowerCase()}==` }));
    expect(await vault.revealSecret(a.id)).toBe(secret);
    secrets.items.set(keychainAccountName(vault.vaultId, a.id), 'edited by hand!');
    vault.forgetSecrets();
    await rejects(vault.code(a.id), 'SEED_UNREADABLE');
    secrets.items.delete(keychainAccountName(vault.vaultId, a.id));
    await rejects(vault.revealSecret(a.id), 'SEED_MISSING');
  });

  it('addMany adds all in one save with progress', async () => {
    const { vault, events } = await openTestVault();
    const progress: Array<[number, number]> = [];
    events.length = 0;
    const added = await vault.addMany([totp({ label: 'a' }), totp({ label: 'b' }), totp({ label: 'c' })], (d, t) => progress.push([d, t]));
    expect(added).toHaveLength(3);
    // Journal, then one save of all three accounts.
    expect(events.filter((e) => e.op === 'save')).toEqual([{ op: 'save', accounts: 0 }, { op: 'save', accounts: 3 }]);
    expect(progress).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(new Set(added.map((a) => a.id)).size).toBe(3);
    expect(added.map((a) => a.order)).toEqual([0, 1, 2]);
  });

  it('addMany rolls back written seeds when a keychain write fails', async () => {
    const { vault, secrets } = await openTestVault();
    const keep = await vault.add(totp({ label: 'keep' }));
    secrets.failSetAt = 4; // the 3rd entry of the batch (the 1st set was `keep`)
    await expect(vault.addMany([totp(), totp(), totp(), totp()])).rejects.toThrow();
    expect([...secrets.items.keys()]).toEqual([keychainAccountName(vault.vaultId, keep.id)]);
    expect((await vault.list()).map((a) => a.id)).toEqual([keep.id]);
  });

  it('addMany rolls back all seeds when the document cannot be saved', async () => {
    const { vault, secrets, documents } = await openTestVault();
    documents.failSave = new Error('disk full');
    await expect(vault.addMany([totp(), totp()])).rejects.toThrow('disk full');
    expect(secrets.items.size).toBe(0);
  });

  it('addMany validates every entry before writing anything and names the bad one', async () => {
    const { vault, secrets } = await openTestVault();
    const error = await vault.addMany([totp(), totp({ secret: '0000' })]).catch((e: unknown) => e);
    expect(isAuthdeskError(error) && error.message).toMatch(/^Entry 2 of 2: .*Nothing was added\.$/);
    expect(secrets.items.size).toBe(0);
  });

  it('refuses a second account for the same AWS MFA device', async () => {
    const { vault } = await openTestVault();
    const serial = 'arn:aws:iam::123456789012:mfa/alice';
    await vault.add(totp({ awsSerial: serial }));
    await rejects(vault.add(totp({ awsSerial: serial })), 'DUPLICATE_AWS_SERIAL');
    await rejects(vault.addMany([totp({ awsSerial: `${serial}2` }), totp({ awsSerial: `${serial}2` })]), 'DUPLICATE_AWS_SERIAL');
  });
});

describe('vault: find, update, reorder', () => {
  it('finds by exact id, exact AWS serial, exact name, then substring; returns every match', async () => {
    const { vault } = await openTestVault();
    const gh = await vault.add(totp({ issuer: 'GitHub', label: 'alice' }));
    const ghe = await vault.add(totp({ issuer: 'GitHub Enterprise', label: 'alice' }));
    const aws = await vault.add(totp({ issuer: 'Amazon Web Services', label: 'alice@123456789012', awsSerial: 'arn:aws:iam::123456789012:mfa/alice' }));
    const ids = async (q: string) => (await vault.find(q)).map((a) => a.id);
    expect(await ids(gh.id)).toEqual([gh.id]);
    expect(await ids('arn:aws:iam::123456789012:mfa/alice')).toEqual([aws.id]);
    expect(await ids('github')).toEqual([gh.id]); // exact issuer wins over "GitHub Enterprise"
    expect(await ids('GITHUB ALICE')).toEqual([gh.id]);
    expect(await ids('hub')).toEqual([gh.id, ghe.id]); // ambiguous: all returned
    expect(await ids('alice')).toEqual([gh.id, ghe.id]); // exact labels beat alice@123456789012
    expect(await ids('ALICE@')).toEqual([aws.id]);
    expect(await ids('enterprise')).toEqual([ghe.id]);
    expect(await ids('mfa/alice')).toEqual([aws.id]);
    expect(await ids('nothing')).toEqual([]);
    expect(await ids('  ')).toEqual([]);
  });

  it('reorders: given ids first, the rest keep their order, unknown ids ignored', async () => {
    const { vault } = await openTestVault();
    const [a, b, c, d] = await vault.addMany(['a', 'b', 'c', 'd'].map((label) => totp({ label })));
    await vault.reorder([d!.id, 'gone-account-id', b!.id, d!.id]);
    expect((await vault.list()).map((x) => x.label)).toEqual(['d', 'b', 'a', 'c']);
    await vault.reorder([c!.id]);
    expect((await vault.list()).map((x) => x.label)).toEqual(['c', 'd', 'b', 'a']);
    expect(a).toBeDefined();
  });

  it('updates names and status, validates them, and keeps the seed', async () => {
    const { vault } = await openTestVault();
    const secret = randomSecret();
    const a = await vault.add(totp({ secret, status: 'pending' }));
    const updated = await vault.update(a.id, { issuer: ' New ', status: 'active', tags: ['work'] });
    expect(updated).toMatchObject({ issuer: 'New', status: 'active', tags: ['work'] });
    expect((await vault.get(a.id)).issuer).toBe('New');
    await rejects(vault.update(a.id, { label: 'x\u0007' }), 'NAME_CONTROL_CHARACTER');
    await rejects(vault.update('nosuchid00', { label: 'x' }), 'ACCOUNT_NOT_FOUND');
    expect(await vault.revealSecret(a.id)).toBe(secret);
  });

  it('settings: defaults, validated patches, cleared optional values', async () => {
    const { vault } = await openTestVault();
    expect((await vault.settings()).clipboardClearSeconds).toBe(30);
    await vault.updateSettings({ awsProfile: 'dev', theme: 'dark' });
    expect(await vault.settings()).toMatchObject({ awsProfile: 'dev', theme: 'dark' });
    await vault.updateSettings({ awsProfile: undefined });
    expect((await vault.settings()).awsProfile).toBeUndefined();
    await rejects(vault.updateSettings({ theme: 'neon' as 'dark' }), 'INVALID_SETTING');
  });
});

describe('vault: reconciliation', () => {
  it('recovers an orphan keychain item as a "Recovered" account and reports missing seeds', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const first = await openTestVault({ documents, secrets });
    const v = first.vault;
    const kept = await v.add(totp({ label: 'kept' }));
    const lost = await v.add(totp({ label: 'lost' }));
    const orphanSecret = randomSecret();
    secrets.items.set(keychainAccountName(v.vaultId, 'orphanAcct123'), orphanSecret);
    secrets.items.set(keychainAccountName(v.vaultId, 'brokenAcct123'), 'not base32 !!');
    secrets.items.set(keychainAccountName('otherVault1234', 'someAccount12'), randomSecret());
    secrets.items.delete(keychainAccountName(v.vaultId, lost.id));

    const reopened = await openTestVault({ documents, secrets });
    const report = await reopened.vault.reconcile();
    expect(report.recovered.map((a) => [a.id, a.issuer, a.label, a.status])).toEqual([['orphanAcct123', 'Recovered', 'orphanAcct123', 'recovered']]);
    expect(report.missingSeeds.map((a) => a.id)).toEqual([lost.id]);
    expect(report.unusable).toEqual([keychainAccountName(v.vaultId, 'brokenAcct123')]);
    expect(report.otherVaults).toEqual([{ vaultId: 'otherVault1234', items: 1 }]);
    const list = await reopened.vault.list();
    expect(list.map((a) => a.id)).toEqual([kept.id, lost.id, 'orphanAcct123']);
    expect((await reopened.vault.code('orphanAcct123', 1e12)).code).toBe(oathTotp(orphanSecret, 1e9));
    // Nothing deleted: the other vault's item and the broken item stay.
    expect(secrets.items.size).toBe(4);
    const missing = await reopened.vault.code(lost.id).catch((e: unknown) => e);
    expect(isAuthdeskError(missing, 'SEED_MISSING') && missing.name).toBe('KeychainError');
    expect((missing as Error).message).toMatch(/not in the keychain/);
    // A second reconciliation finds nothing new.
    expect((await reopened.vault.reconcile({ again: true })).recovered).toEqual([]);
  });

  it('background reconciliation does not hold up open, and reports through reconcile()', async () => {
    const secrets = new InMemorySecretStoreDouble();
    const documents = new InMemoryDocumentStoreDouble();
    const { vault } = await openTestVault({ secrets, documents, reconcile: 'skip' });
    secrets.items.set(keychainAccountName(vault.vaultId, 'orphanAcct999'), randomSecret());
    const bg = await openTestVault({ secrets, documents, reconcile: 'background' });
    expect((await bg.vault.reconcile()).recovered.map((a) => a.id)).toEqual(['orphanAcct999']);
  });

  it('background reconciliation waits until the first codes are out', async () => {
    const events: Event[] = [];
    const secrets = new InMemorySecretStoreDouble(events);
    const documents = new InMemoryDocumentStoreDouble(events);
    const setup = await openTestVault({ secrets, documents, reconcile: 'skip' });
    const a = await setup.vault.add(totp());
    events.length = 0;
    const { vault } = await openTestVault({ secrets, documents, reconcile: 'background' });
    expect(events.filter((e) => e.op === 'list')).toHaveLength(0);
    await vault.code(a.id);
    expect(events.map((e) => e.op).slice(0, 1)).toEqual(['get']);
    await vault.reconcile();
    expect(events.map((e) => e.op)).toEqual(['get', 'lock', 'list', 'unlock']);
  });

  it('a keychain failure during background reconciliation is reported, never unhandled', async () => {
    const secrets = new InMemorySecretStoreDouble();
    secrets.failAll = new Error('no keychain');
    const { vault } = await openTestVault({ secrets, reconcile: 'background' });
    await expect(vault.reconcile()).rejects.toThrow('no keychain');
  });
});

describe('vault: document problems stop before any write', () => {
  it('a corrupt document fails to open and is left byte-for-byte unchanged', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    documents.text = '{"format":"authdesk-vault","version":1,"vaultId":"abcdefgh12","accounts":[{"id":';
    const before = documents.text;
    await rejects(openTestVault({ documents }), 'VAULT_CORRUPT');
    expect(documents.text).toBe(before);
    expect(documents.saves).toBe(0);
  });

  it('a document from a newer Authdesk fails with VAULT_TOO_NEW and is not touched', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    documents.text = JSON.stringify({ format: 'authdesk-vault', version: 2, vaultId: 'abcdefgh12', accounts: [], settings: {} });
    await rejects(openTestVault({ documents }), 'VAULT_TOO_NEW');
    expect(documents.saves).toBe(0);
  });

  it('a document corrupted while running makes mutations fail without writing', async () => {
    const { vault, documents, secrets } = await openTestVault();
    await vault.add(totp());
    const saves = documents.saves;
    documents.text = 'garbage';
    await rejects(vault.add(totp({ label: 'x' })), 'VAULT_CORRUPT');
    expect(documents.saves).toBe(saves);
    expect(secrets.items.size).toBe(1);
  });
});
