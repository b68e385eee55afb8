// Batches that are interrupted (a crash, a signal, a failed write), seed records that make every
// orphan recoverable exactly, and duplicate detection by secret (docs/storage.md, "Batches").
// Ports are the in-memory doubles; test/integration/batch-crash.test.ts does the same with real
// SIGKILLs of the built CLI on the real Secret Service.
import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import type { NewAccount } from '../../core/vault/api.js';
import { keychainAccountName, type VaultDocument } from '../../core/vault/model.js';
import { decodeSeedRecord, encodeSeedRecord } from '../../core/vault/seed-record.js';
import { enrollVirtualMfaDevice, finishPendingEnrollment, pendingEnrollments, type FlowDeps } from '../../core/iam/flows.js';
import { FakeClock, FakeIam } from '../helpers/iam-fake.js';
import { InMemoryDocumentStoreDouble, InMemorySecretStoreDouble, oathHotp, oathTotp, openTestVault, randomSecret } from '../helpers/vault-doubles.js';

const totp = (over: Partial<NewAccount> = {}): NewAccount => ({
  type: 'totp', issuer: 'Example', label: 'alice@example.com', secret: randomSecret(), algorithm: 'SHA1', digits: 6, period: 30, ...over,
});

/**
 * What a SIGKILLed process leaves: the stores as they are at that instant. The double's lock is
 * held by the "dead" batch (its promise never settles), so the next process gets fresh doubles
 * holding the same document text and items, as a real successor would after breaking the lock.
 */
function snapshot(documents: InMemoryDocumentStoreDouble, secrets: InMemorySecretStoreDouble): { documents: InMemoryDocumentStoreDouble; secrets: InMemorySecretStoreDouble } {
  const d = new InMemoryDocumentStoreDouble();
  d.text = documents.text;
  const s = new InMemorySecretStoreDouble();
  for (const [k, v] of secrets.items) s.items.set(k, v);
  return { documents: d, secrets: s };
}

/** A secret store whose `set` number `n` (1-based) never returns: the process "dies" there. */
function hangAtSet(secrets: InMemorySecretStoreDouble, n: number): Promise<void> {
  const realSet = secrets.set.bind(secrets);
  let count = 0;
  return new Promise((reached) => {
    secrets.set = async (name, secret) => {
      count++;
      if (count >= n) {
        reached();
        return new Promise<void>(() => undefined);
      }
      return realSet(name, secret);
    };
  });
}

describe('seed records', () => {
  it('round-trip every parameter; legacy bare base32 still reads; anything else is null', () => {
    const secret = randomSecret(32);
    const params = { type: 'hotp', algorithm: 'SHA512', digits: 7, period: 30, counter: 41, issuer: 'Bank', label: 'me', awsSerial: 'arn:aws:iam::123456789012:mfa/x', awsUser: 'x', status: 'pending' } as const;
    const text = encodeSeedRecord(secret.toLowerCase(), params);
    expect(text).not.toMatch(/\n/);
    expect(decodeSeedRecord(text)).toEqual({ secret, params });
    expect(decodeSeedRecord(`  ${secret.toLowerCase()}==\n`)).toEqual({ secret });
    for (const bad of ['', 'not base32 !!', '{"kind":"authdesk-backup-passphrase","version":1,"passphrase":"x"}', text.replace('"version":1', '"version":2'),
      text.replace('"digits":7', '"digits":5'), text.replace('"SHA512"', '"MD5"'), text.replace(',"counter":41', ''), '{', '[]', `{"kind":"authdesk-seed","version":1,"secret":"0000"}`]) {
      expect(decodeSeedRecord(bad), bad).toBeNull();
    }
  });
});

describe('a batch killed mid-way', () => {
  it('is rolled back at the next open: no account, no keychain item, journal cleared', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const keep = await vault.add(totp({ label: 'keep' }));
    const died = hangAtSet(secrets, 3); // the 3rd seed of the batch never returns
    void vault.addMany([1, 2, 3, 4, 5].map((n) => totp({ label: `n${n}`, algorithm: 'SHA256', digits: 8, period: 60 })));
    await died;
    const dead = snapshot(documents, secrets);
    // The journal was saved before the first seed: it names all five ids; two items exist.
    expect(dead.documents.document.batchInProgress?.accountIds).toHaveLength(5);
    expect(dead.secrets.items.size).toBe(3);
    expect(dead.documents.text).not.toMatch(/[A-Z2-7]{32}/); // ids only, never a secret

    const next = await openTestVault(dead);
    const report = await next.vault.reconcile();
    expect(report.rolledBack).toHaveLength(2);
    expect(report.recovered).toEqual([]);
    expect((await next.vault.list()).map((a) => a.id)).toEqual([keep.id]);
    expect([...dead.secrets.items.keys()]).toEqual([keychainAccountName(vault.vaultId, keep.id)]);
    expect(dead.documents.document.batchInProgress).toBeUndefined();
  });

  it('killed after the journal but before any seed: the journal is simply cleared', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const died = hangAtSet(secrets, 1);
    void vault.add(totp());
    await died;
    const dead = snapshot(documents, secrets);
    const next = await openTestVault(dead);
    expect((await next.vault.reconcile()).rolledBack).toEqual([]);
    expect(dead.documents.document.batchInProgress).toBeUndefined();
  });

  it('a batch started while a dead batch is still journaled settles the dead one first', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const died = hangAtSet(secrets, 3);
    void vault.addMany([totp(), totp(), totp()]);
    await died;
    const dead = snapshot(documents, secrets);
    const next = await openTestVault({ ...dead, reconcile: 'skip' });
    const added = await next.vault.add(totp({ label: 'new' }));
    expect([...dead.secrets.items.keys()]).toEqual([keychainAccountName(vault.vaultId, added.id)]);
    expect(dead.documents.document.batchInProgress).toBeUndefined();
  });

  it('an AWS seed stored pending is never rolled back: it is recovered as pending with its device', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const seed = randomSecret(64);
    // Kill between the keychain write and the document save.
    const realSave = documents.save.bind(documents);
    let reached!: () => void;
    const died = new Promise<void>((r) => (reached = r));
    documents.save = async (doc: VaultDocument) => {
      if (doc.accounts.length > 0) {
        reached();
        return new Promise<void>(() => undefined);
      }
      return realSave(doc);
    };
    void vault.add({ type: 'totp', issuer: 'Amazon Web Services', label: 'dev@123456789012', secret: seed, algorithm: 'SHA1', digits: 6, period: 30, awsSerial: 'arn:aws:iam::123456789012:mfa/dev', awsUser: 'alice', status: 'pending' });
    await died;
    const dead = snapshot(documents, secrets);
    expect(dead.documents.document.batchInProgress).toBeUndefined(); // nothing to roll back
    const next = await openTestVault(dead);
    const report = await next.vault.reconcile();
    expect(report.recovered.map((a) => ({ issuer: a.issuer, label: a.label, awsSerial: a.awsSerial, awsUser: a.awsUser, status: a.status }))).toEqual([
      { issuer: 'Amazon Web Services', label: 'dev@123456789012', awsSerial: 'arn:aws:iam::123456789012:mfa/dev', awsUser: 'alice', status: 'pending' },
    ]);
    expect(await next.vault.revealSecret(report.recovered[0]!.id)).toBe(seed);
  });

  it('an orphan with a seed record is recovered with its issuer, name and every parameter (codes = oathtool)', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const t = randomSecret(32);
    const h = randomSecret(32);
    const a = await vault.add(totp({ issuer: 'Shop', label: 'bob', secret: t, algorithm: 'SHA512', digits: 8, period: 60 }));
    const b = await vault.add({ type: 'hotp', issuer: 'Bank', label: 'card', secret: h, algorithm: 'SHA1', digits: 7, period: 30, counter: 9 });
    // Metadata lost for both (e.g. a remove killed after its save, before its delete).
    documents.text = JSON.stringify({ ...(JSON.parse(documents.text!) as object), accounts: [] });
    const next = await openTestVault({ documents, secrets });
    const report = await next.vault.reconcile();
    const byId = new Map(report.recovered.map((x) => [x.id, x]));
    expect(byId.get(a.id)).toMatchObject({ type: 'totp', issuer: 'Shop', label: 'bob', algorithm: 'SHA512', digits: 8, period: 60, status: 'recovered' });
    expect(byId.get(b.id)).toMatchObject({ type: 'hotp', issuer: 'Bank', label: 'card', algorithm: 'SHA1', digits: 7, counter: 9, status: 'recovered' });
    expect((await next.vault.code(a.id, 1_800_000_000_000)).code).toBe(oathTotp(t, 1_800_000_000, { algorithm: 'SHA512', digits: 8, period: 60 }));
    expect((await next.vault.nextHotp(b.id)).code).toBe(oathHotp(h, 9, 7));
  });

  it('an orphan holding a seed the vault already has is deleted, not recovered twice', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const secret = randomSecret();
    const a = await vault.add(totp({ secret }));
    secrets.items.set(keychainAccountName(vault.vaultId, 'leftoverCopy1'), encodeSeedRecord(secret, { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Old', label: 'copy' }));
    const report = await vault.reconcile({ again: true });
    expect(report.recovered).toEqual([]);
    expect(report.redundant).toEqual(['leftoverCopy1']);
    expect((await vault.list()).map((x) => x.id)).toEqual([a.id]);
    expect(secrets.items.size).toBe(1);
  });

  it('another kind of Authdesk item under the vault (the backup passphrase) is neither recovered nor unusable', async () => {
    const { vault, secrets } = await openTestVault();
    secrets.items.set(keychainAccountName(vault.vaultId, 'backup-passphrase'), JSON.stringify({ kind: 'authdesk-backup-passphrase', version: 1, passphrase: 'x' }));
    const report = await vault.reconcile({ again: true });
    expect([report.recovered, report.unusable]).toEqual([[], []]);
    expect(secrets.items.size).toBe(1);
  });

  it('a rollback whose deletes fail keeps the journal; the next open finishes it', async () => {
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    secrets.failSetAt = 3;
    const realDelete = secrets.delete.bind(secrets);
    secrets.delete = () => Promise.reject(new Error('keychain broke'));
    await expect(vault.addMany([totp(), totp(), totp()])).rejects.toThrow('double: set failed');
    expect(documents.document.batchInProgress?.accountIds).toHaveLength(3);
    expect(secrets.items.size).toBe(2);
    secrets.delete = realDelete;
    secrets.failSetAt = undefined;
    const report = await vault.reconcile({ again: true });
    expect(report.rolledBack).toHaveLength(2);
    expect(report.recovered).toEqual([]);
    expect(secrets.items.size).toBe(0);
    expect(documents.document.batchInProgress).toBeUndefined();
  });
});

describe('interrupting a batch (SIGINT/SIGTERM in the CLI)', () => {
  it('stops before the next write, removes what was written and leaves the vault as before', async () => {
    const { vault, secrets, documents } = await openTestVault();
    const keep = await vault.add(totp({ label: 'keep' }));
    const before = documents.text;
    const controller = new AbortController();
    const error = await vault
      .addMany([totp(), totp(), totp(), totp()], (done) => {
        if (done === 2) controller.abort();
      }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(isAuthdeskError(error, 'INTERRUPTED')).toBe(true);
    expect((error as Error).message).toBe('Interrupted: nothing was added (the 2 secret keys already stored were removed again).');
    expect([...secrets.items.keys()]).toEqual([keychainAccountName(vault.vaultId, keep.id)]);
    expect(documents.text).toBe(before);
  });
});

describe('duplicates are recognised by the secret, whatever the name', () => {
  it('add refuses a key already in the vault under another name or spelling, with a clear sentence', async () => {
    const { vault, secrets } = await openTestVault();
    const secret = randomSecret();
    await vault.add(totp({ issuer: 'GitHub', label: 'me', secret }));
    const error = await vault.add(totp({ issuer: 'Other', label: 'someone', secret: secret.toLowerCase().replace(/(.{4})/g, '$1 ') })).catch((e: unknown) => e);
    expect(isAuthdeskError(error, 'DUPLICATE_SECRET')).toBe(true);
    expect((error as Error).message).toBe('This secret key is already in the vault as "GitHub: me": it would make the same codes, so it was not added. Rename that account instead if the name is wrong.');
    expect((error as Error).message).not.toContain(secret);
    expect(secrets.items.size).toBe(1);
  });

  it('addMany refuses a key twice in one batch, naming the entries; nothing is written', async () => {
    const { vault, secrets } = await openTestVault();
    const secret = randomSecret();
    const error = await vault.addMany([totp({ label: 'a', secret }), totp({ label: 'b' }), totp({ label: 'c', secret })]).catch((e: unknown) => e);
    expect((error as Error).message).toBe("Entry 3 of 3: This secret key is the same as entry 1's, so it was not added twice. Nothing was added.");
    expect(secrets.items.size).toBe(0);
  });

  it('accountsWithSecrets finds owners with one bulk read when seeds are not cached', async () => {
    const { vault, events } = await openTestVault();
    const s1 = randomSecret();
    const a = await vault.add(totp({ secret: s1 }));
    vault.forgetSecrets();
    events.length = 0;
    const owners = await vault.accountsWithSecrets([randomSecret(), `${s1.toLowerCase()}==`, 'not base32']);
    expect(owners.map((o) => o?.id)).toEqual([undefined, a.id, undefined]);
    expect(events.filter((e) => e.op === 'list' || e.op === 'get').map((e) => e.op)).toEqual(['list']);
  });
});

describe('an AWS enrollment killed after AWS issued the seed', () => {
  it('is recovered as a pending enrollment of that device, and finishing it works', async () => {
    const clock = new FakeClock(1_700_000_020_000);
    const iam = new FakeIam(clock, 0);
    const documents = new InMemoryDocumentStoreDouble();
    const secrets = new InMemorySecretStoreDouble();
    const { vault } = await openTestVault({ documents, secrets });
    const deps = (v: FlowDeps['vault']): FlowDeps => ({ iam, vault: v, clock, sleep: async (ms) => void (clock.ms += ms) });
    // The process dies between the keychain write of the seed and the save of its metadata.
    const realSave = documents.save.bind(documents);
    let reached!: () => void;
    const died = new Promise<void>((r) => (reached = r));
    documents.save = async (doc: VaultDocument) => {
      if (doc.accounts.length > 0) {
        reached();
        return new Promise<void>(() => undefined);
      }
      return realSave(doc);
    };
    void enrollVirtualMfaDevice({ deviceName: 'laptop' }, deps(vault));
    await died;
    const serial = 'arn:aws:iam::123456789012:mfa/laptop';
    const seed = iam.devices.get(serial)?.seed;
    expect(seed).toBeDefined();

    const next = await openTestVault(snapshot(documents, secrets));
    const pending = await pendingEnrollments(next.vault);
    expect(pending.map((a) => ({ serial: a.awsSerial, user: a.awsUser, issuer: a.issuer, status: a.status }))).toEqual([{ serial, user: 'alice', issuer: 'Amazon Web Services', status: 'pending' }]);
    expect(await next.vault.revealSecret(pending[0]!.id)).toBe(seed);
    const finished = await finishPendingEnrollment(pending[0]!.id, deps(next.vault));
    expect(finished.account.status).toBe('active');
    expect(iam.devices.get(serial)?.userName).toBe('alice');
  });
});
