/**
 * The vault: account metadata in a DocumentStore + one keychain item per seed in a SecretStore,
 * kept consistent across crashes and across processes (the app and the CLI share one vault).
 * The rules (docs/storage.md has the argument):
 *  - every mutation holds the DocumentStore's cross-process lock and re-reads the document first;
 *  - add: seed to the keychain FIRST, then metadata; remove: metadata FIRST, then the seed. So at any
 *    crash point every account in the document has its seed, and a seed without an account is
 *    recovered at the next reconciliation (never deleted silently);
 *  - HOTP: the advanced counter is saved before the code is returned;
 *  - seeds are read lazily (one item for one code; one bulk list for many) and kept decoded in
 *    memory until forgetSecrets().
 */
import { offsetApplicable } from '../time/trust.js';
import { AuthdeskError, InputError, KeychainError, VaultError, isAuthdeskError, toUserFacing } from '../errors.js';
import { normalizeBase32Secret, base32ToBytes, wipe } from '../otp/base32.js';
import { assertCounter, assertDigits, assertPeriod, hotp, timeStep } from '../otp/otp.js';
import { HASH_ALGORITHMS, type HmacFn } from '../otp/types.js';
import type {
  AccountPatch,
  ClockState,
  CodeResult,
  CodeView,
  NewAccount,
  ReconcileReport,
  VaultApi,
} from './api.js';
import { DOCUMENT_LIMITS, newVaultDocument, validateAccount, validateSettings } from './document.js';
import { displayName, keychainAccountName, type Account, type Settings, type VaultDocument } from './model.js';
import type { Clock, DocumentStore, Random, SecretStore } from './ports.js';
import { decodeSeedRecord, encodeSeedRecord, isOtherKindOfItem, type SeedParameters, type SeedRecord } from './seed-record.js';

export interface VaultDeps {
  readonly secrets: SecretStore;
  readonly documents: DocumentStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly hmac: HmacFn;
  /** Run `fn` after `ms` (setTimeout in Node; the core has no timers). Used to start a deferred
   * background reconciliation if nothing triggers it sooner. Optional. */
  readonly defer?: (fn: () => void, ms: number) => void;
}

/**
 * When to reconcile at open. 'await': before open resolves (CLI commands, tests). 'background': the
 * app: open resolves at once; the reconciliation (a keychain-wide list, ~1.5 s at 1,000 items)
 * starts once the first codes are out (or when codes for many accounts, or reconcile(), need it,
 * or after BACKGROUND_RECONCILE_DELAY_MS), so it does not compete with the first visible codes.
 * 'skip': not at all (a short-lived `authdesk code` that must start fast).
 */
export type ReconcileMode = 'await' | 'background' | 'skip';

export interface VaultOpenOptions {
  readonly reconcile?: ReconcileMode;
}

/** Above this many uncached seeds, one bulk keychain list() beats individual reads (~1 ms each cached, ~11 ms cold). */
export const BULK_READ_THRESHOLD = 24;

export const RECOVERED_ISSUER = 'Recovered';

/** 'background' mode: start reconciling by then even if no code was asked for. */
export const BACKGROUND_RECONCILE_DELAY_MS = 1_000;

const AWS_SERIAL_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:mfa\/[\w+=,.@/-]{1,512}$/;

function fail(code: string, message: string): VaultError {
  return new VaultError(code, message);
}

function cleanName(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InputError('INVALID_NAME', `The ${what} must be text.`);
  const trimmed = value.trim();
  if (trimmed.length > DOCUMENT_LIMITS.MAX_NAME_LENGTH) {
    throw new InputError('NAME_TOO_LONG', `The ${what} is longer than ${DOCUMENT_LIMITS.MAX_NAME_LENGTH} characters.`);
  }
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new InputError('NAME_CONTROL_CHARACTER', `The ${what} contains control characters.`);
  return trimmed;
}

function checkAwsSerial(serial: string): string {
  const s = serial.trim();
  if (!AWS_SERIAL_PATTERN.test(s)) {
    throw new InputError('INVALID_AWS_SERIAL', `"${s}" is not an AWS MFA device serial; it looks like arn:aws:iam::123456789012:mfa/device-name.`);
  }
  return s;
}

function checkStepAdjust(value: number): number {
  if (!Number.isInteger(value) || Math.abs(value) > DOCUMENT_LIMITS.MAX_STEP_ADJUST) {
    throw new InputError('INVALID_STEP_ADJUST', `The step adjustment must be a whole number of periods from -${DOCUMENT_LIMITS.MAX_STEP_ADJUST} to ${DOCUMENT_LIMITS.MAX_STEP_ADJUST}.`);
  }
  return value;
}

function checkTags(tags: readonly string[]): string[] {
  if (tags.length > DOCUMENT_LIMITS.MAX_TAGS) throw new InputError('TOO_MANY_TAGS', `An account can have at most ${DOCUMENT_LIMITS.MAX_TAGS} tags.`);
  return tags.map((t) => cleanName(t, 'tag')).filter((t) => t.length > 0);
}

/** A validated new account: metadata (without id/order/createdAt) and its canonical secret. */
interface Prepared {
  readonly secret: string;
  readonly meta: Omit<Account, 'id' | 'order' | 'createdAt'>;
}

function prepare(input: NewAccount): Prepared {
  if (input.type !== 'totp' && input.type !== 'hotp') throw new InputError('INVALID_TYPE', 'The account type must be "totp" or "hotp".');
  const secret = normalizeBase32Secret(input.secret);
  if (!(HASH_ALGORITHMS as readonly string[]).includes(input.algorithm)) {
    throw new InputError('INVALID_ALGORITHM', `The algorithm must be one of ${HASH_ALGORITHMS.join(', ')}.`);
  }
  assertDigits(input.digits);
  assertPeriod(input.period);
  const issuer = cleanName(input.issuer ?? '', 'issuer');
  const label = cleanName(input.label ?? '', 'account name');
  if (!issuer && !label) throw new InputError('NAME_MISSING', 'Give the account an issuer or a name, so you can tell it apart.');
  let counter: number | undefined;
  if (input.type === 'hotp') {
    counter = input.counter ?? 0;
    assertCounter(counter);
  }
  const meta: Prepared['meta'] = {
    type: input.type,
    issuer,
    label,
    algorithm: input.algorithm,
    digits: input.digits,
    period: input.period,
    ...(counter === undefined ? {} : { counter }),
    ...(input.awsSerial ? { awsSerial: checkAwsSerial(input.awsSerial) } : {}),
    ...(input.awsUser ? { awsUser: cleanName(input.awsUser, 'AWS user name') } : {}),
    ...(input.stepAdjust ? { stepAdjust: checkStepAdjust(input.stepAdjust) } : {}),
    ...(input.tags?.length ? { tags: checkTags(input.tags) } : {}),
    status: input.status ?? 'active',
  };
  if (meta.status !== 'active' && meta.status !== 'pending' && meta.status !== 'recovered') {
    throw new InputError('INVALID_STATUS', 'The account status must be active, pending or recovered.');
  }
  return { secret, meta };
}

/** Options of `addMany` beyond progress. */
export interface AddManyOptions {
  /** Aborting stops before the next seed write and rolls the batch back (INTERRUPTED). An
   * AbortSignal fits; the core names only what it reads (it has no DOM or Node types). */
  readonly signal?: { readonly aborted: boolean };
}

function interrupted(): InputError {
  return new InputError('INTERRUPTED', 'Interrupted: nothing was added.');
}

function withoutBatch(doc: VaultDocument): VaultDocument {
  if (!doc.batchInProgress) return doc;
  const { batchInProgress: _, ...rest } = doc;
  return rest;
}

/** The parameters stored with an account's seed (core/vault/seed-record.ts). */
function seedParameters(account: Account): SeedParameters {
  return {
    type: account.type,
    algorithm: account.algorithm,
    digits: account.digits,
    period: account.period,
    ...(account.counter === undefined ? {} : { counter: account.counter }),
    issuer: account.issuer,
    label: account.label,
    ...(account.awsSerial === undefined ? {} : { awsSerial: account.awsSerial }),
    ...(account.awsUser === undefined ? {} : { awsUser: account.awsUser }),
    ...(account.status === 'pending' ? { status: 'pending' as const } : {}),
  };
}

function bytesHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** A seed's identity for duplicate checks: its decoded bytes (two spellings of one key match). */
function secretFingerprint(secret: string): string | undefined {
  try {
    const bytes = base32ToBytes(normalizeBase32Secret(secret));
    const hex = bytesHex(bytes);
    wipe(bytes);
    return hex;
  } catch {
    return undefined;
  }
}

/**
 * The account an orphan item becomes. A seed record carries every parameter and both names, so
 * the account is exact; a legacy item (bare base32) gets the common defaults (SHA1, 6 digits, 30 s)
 * and the issuer "Recovered", for the person to check. A pending AWS seed stays pending (its
 * enrollment can be finished); everything else is marked 'recovered'.
 */
function recoveredAccount(id: string, record: SeedRecord, serialsTaken: ReadonlySet<string>, createdAt: string, order: number): Record<string, unknown> {
  const p = record.params;
  if (!p) return { id, type: 'totp', issuer: RECOVERED_ISSUER, label: id, algorithm: 'SHA1', digits: 6, period: 30, status: 'recovered', createdAt, order };
  const serial = p.awsSerial !== undefined && !serialsTaken.has(p.awsSerial) ? p.awsSerial : undefined;
  return {
    id,
    type: p.type,
    issuer: p.issuer,
    label: p.label || (p.issuer ? '' : id),
    algorithm: p.algorithm,
    digits: p.digits,
    period: p.period,
    ...(p.type === 'hotp' ? { counter: p.counter ?? 0 } : {}),
    ...(serial === undefined ? {} : { awsSerial: serial }),
    ...(p.awsUser === undefined ? {} : { awsUser: p.awsUser }),
    status: p.status === 'pending' && serial !== undefined ? 'pending' : 'recovered',
    createdAt,
    order,
  };
}

function sortByOrder(accounts: readonly Account[]): Account[] {
  return [...accounts].sort((a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt));
}

function notFound(id: string): VaultError {
  return fail('ACCOUNT_NOT_FOUND', `No account has the id "${id}" (it may have been removed in another window or by the CLI). Run "authdesk list" to see your accounts.`);
}

export class Vault implements VaultApi {
  private doc: VaultDocument;
  /** Decoded keys by account id. Wiped on forgetSecrets(), on remove and when the vault id changes. */
  private readonly keys = new Map<string, Uint8Array>();
  /** In-flight single reads, so concurrent requests for one seed make one keychain call. */
  private readonly pendingReads = new Map<string, Promise<Uint8Array>>();
  /** Bumped by forgetSecrets(): reads that started before it must not refill the cache. */
  private generation = 0;
  private openReconcile: Promise<ReconcileReport> | undefined;
  /** 'background' mode: the open-time reconciliation waits here until something starts it. */
  private deferredReconcile = false;
  private runningReconcile: Promise<ReconcileReport> | undefined;

  private constructor(private readonly deps: VaultDeps, doc: VaultDocument) {
    this.doc = doc;
  }

  /** Load (or create) the document and reconcile per `options.reconcile` (default 'await'). */
  static async open(deps: VaultDeps, options: VaultOpenOptions = {}): Promise<Vault> {
    let doc = await deps.documents.load();
    if (!doc) {
      // Create under the lock so two processes starting at once agree on one vault id.
      doc = await deps.documents.withLock(async () => {
        const again = await deps.documents.load();
        if (again) return again;
        const created = newVaultDocument(deps.random.id());
        await deps.documents.save(created);
        return created;
      });
    }
    const vault = new Vault(deps, doc);
    const mode = options.reconcile ?? 'await';
    if (mode === 'await') {
      vault.openReconcile = vault.runReconcile();
      await vault.openReconcile;
    } else if (mode === 'background') {
      vault.deferredReconcile = true;
      deps.defer?.(() => vault.startDeferredReconcile(), BACKGROUND_RECONCILE_DELAY_MS);
    }
    return vault;
  }

  private startDeferredReconcile(): void {
    if (!this.deferredReconcile) return;
    this.deferredReconcile = false;
    this.openReconcile = this.runReconcile();
    // Reported through reconcile(); never an unhandled rejection.
    this.openReconcile.catch(() => undefined);
  }

  get vaultId(): string {
    return this.doc.vaultId;
  }

  // ---------------------------------------------------------------- document

  private adopt(doc: VaultDocument): VaultDocument {
    if (doc.vaultId !== this.doc.vaultId) {
      // The file was replaced (a restore, another vault): keys cached under the old id are not its seeds.
      this.forgetSecrets();
    }
    this.doc = doc;
    return doc;
  }

  /** Re-read the document (cheap: one small file); reads see other processes' changes. */
  private async reload(): Promise<VaultDocument> {
    const doc = await this.deps.documents.load();
    if (!doc) {
      throw fail('VAULT_FILE_GONE', 'The vault file disappeared while Authdesk was running. Restart Authdesk: accounts whose keys are still in the keychain will be recovered.');
    }
    return this.adopt(doc);
  }

  /** Lock, re-read, apply `fn` (which may write seeds and returns the new document), save. */
  private mutate<T>(fn: (doc: VaultDocument) => Promise<{ doc?: VaultDocument; result: T }>): Promise<T> {
    return this.deps.documents.withLock(async () => {
      const current = await this.reload();
      const { doc, result } = await fn(current);
      if (doc && doc !== current) {
        await this.deps.documents.save(doc);
        this.adopt(doc);
      }
      return result;
    });
  }

  private findIn(doc: VaultDocument, id: string): Account {
    const account = doc.accounts.find((a) => a.id === id);
    if (!account) throw notFound(id);
    return account;
  }

  private itemName(accountId: string, doc: VaultDocument = this.doc): string {
    return keychainAccountName(doc.vaultId, accountId);
  }

  // ---------------------------------------------------------------- reads

  async list(): Promise<readonly Account[]> {
    return sortByOrder((await this.reload()).accounts);
  }

  async get(id: string): Promise<Account> {
    return this.findIn(await this.reload(), id);
  }

  /**
   * Exact id, else exact AWS serial, else issuer/label text (case-insensitive): accounts whose
   * issuer, label, "issuer label" or "issuer: label" EQUALS the query if there are any, otherwise
   * those CONTAINING it. All matches are returned; the caller decides what ambiguity means.
   */
  async find(query: string): Promise<readonly Account[]> {
    const accounts = sortByOrder((await this.reload()).accounts);
    const q = query.trim();
    if (!q) return [];
    const byId = accounts.filter((a) => a.id === q);
    if (byId.length) return byId;
    const bySerial = accounts.filter((a) => a.awsSerial !== undefined && a.awsSerial === q);
    if (bySerial.length) return bySerial;
    const lower = q.toLowerCase();
    const names = (a: Account): string[] =>
      [a.issuer, a.label, `${a.issuer} ${a.label}`, `${a.issuer}:${a.label}`, displayName(a)].map((s) => s.toLowerCase());
    const exact = accounts.filter((a) => names(a).includes(lower));
    if (exact.length) return exact;
    return accounts.filter((a) => names(a).some((n) => n.includes(lower)) || (a.awsSerial?.toLowerCase().includes(lower) ?? false));
  }

  async settings(): Promise<Settings> {
    return (await this.reload()).settings;
  }

  /** An offset beyond ±2 min moves codes only when vouched for (core/time/trust.ts; older vaults may hold one that is not). */
  private appliedOffset(settings: Settings = this.doc.settings): number {
    return settings.timeCorrection && settings.timeOffset && offsetApplicable(settings.timeOffset) ? settings.timeOffset.offsetMs : 0;
  }

  now(): number {
    return this.deps.clock.now() + this.appliedOffset();
  }

  async clock(): Promise<ClockState> {
    const settings = await this.settings();
    return settings.timeOffset
      ? { appliedOffsetMs: this.appliedOffset(settings), record: settings.timeOffset }
      : { appliedOffsetMs: this.appliedOffset(settings) };
  }

  // ---------------------------------------------------------------- seeds

  private seedMissing(account: Account): KeychainError {
    return new KeychainError(
      'SEED_MISSING',
      `The secret key of "${displayName(account)}" is not in the keychain (item "${this.itemName(account.id)}" of service "authdesk"). If your keychain is locked or was reset, unlock or restore it and try again; otherwise remove this account and set it up again with the service${account.awsSerial ? ' (for AWS: deactivate the MFA device and assign a new one)' : ''}.`,
      { details: { accountId: account.id } },
    );
  }

  /** The item's record (a seed record, or a legacy bare base32 secret), or SEED_UNREADABLE. */
  private record(account: Account, text: string): SeedRecord {
    const record = decodeSeedRecord(text);
    if (record) return record;
    throw new KeychainError(
      'SEED_UNREADABLE',
      `The keychain item of "${displayName(account)}" does not hold a valid secret key (it may have been edited outside Authdesk). Remove the account and add it again.`,
      { details: { accountId: account.id } },
    );
  }

  private decode(account: Account, text: string): Uint8Array {
    return base32ToBytes(this.record(account, text).secret);
  }

  private remember(accountId: string, key: Uint8Array, generation: number): void {
    if (generation !== this.generation) return;
    const old = this.keys.get(accountId);
    if (old && old !== key) wipe(old);
    this.keys.set(accountId, key);
  }

  /** The decoded key of one account: cache, else one keychain read. */
  private keyFor(account: Account): Promise<Uint8Array> {
    const cached = this.keys.get(account.id);
    if (cached) return Promise.resolve(cached);
    const pending = this.pendingReads.get(account.id);
    if (pending) return pending;
    const generation = this.generation;
    const read = (async () => {
      const secret = await this.deps.secrets.get(this.itemName(account.id));
      if (secret === null) throw this.seedMissing(account);
      const key = this.decode(account, secret);
      this.remember(account.id, key, generation);
      return key;
    })();
    this.pendingReads.set(account.id, read);
    const clear = (): void => {
      if (this.pendingReads.get(account.id) === read) this.pendingReads.delete(account.id);
    };
    read.then(clear, clear);
    return read;
  }

  /** Fill the cache for many accounts with ONE keychain list() (reads every item of the service). */
  private async bulkLoad(accounts: readonly Account[]): Promise<void> {
    const generation = this.generation;
    const items = await this.deps.secrets.list();
    const byName = new Map(items.map((i) => [i.accountName, i.secret]));
    for (const account of accounts) {
      const secret = byName.get(this.itemName(account.id));
      if (secret === undefined) continue;
      try {
        this.remember(account.id, this.decode(account, secret), generation);
      } catch {
        // Left uncached: keyFor() reports SEED_UNREADABLE for this one account.
      }
    }
  }

  forgetSecrets(): void {
    this.generation++;
    for (const key of this.keys.values()) wipe(key);
    this.keys.clear();
  }

  async revealSecret(id: string): Promise<string> {
    const account = await this.get(id);
    const secret = await this.deps.secrets.get(this.itemName(account.id));
    if (secret === null) throw this.seedMissing(account);
    return this.record(account, secret).secret;
  }

  async accountsWithSecrets(secrets: readonly string[]): Promise<ReadonlyArray<Account | undefined>> {
    const doc = await this.reload();
    const owners = await this.secretOwners(doc);
    return secrets.map((secret) => {
      const fingerprint = secretFingerprint(secret);
      return fingerprint === undefined ? undefined : owners.get(fingerprint);
    });
  }

  /**
   * Which account holds each seed of the vault, keyed by the seed's bytes (hex, in memory only:
   * never saved, never logged). Cached keys are used; the rest come from ONE keychain list().
   */
  private async secretOwners(doc: VaultDocument): Promise<Map<string, Account>> {
    const owners = new Map<string, Account>();
    const uncached = doc.accounts.filter((a) => !this.keys.has(a.id));
    let listed: Map<string, string> | undefined;
    if (uncached.length > 0) listed = new Map((await this.deps.secrets.list()).map((i) => [i.accountName, i.secret]));
    for (const account of doc.accounts) {
      const cached = this.keys.get(account.id);
      if (cached) {
        owners.set(bytesHex(cached), account);
        continue;
      }
      const text = listed?.get(keychainAccountName(doc.vaultId, account.id));
      const record = text === undefined ? null : decodeSeedRecord(text);
      if (!record) continue; // missing or unreadable: reported elsewhere, cannot be compared
      const fingerprint = secretFingerprint(record.secret);
      if (fingerprint !== undefined) owners.set(fingerprint, account);
    }
    return owners;
  }

  // ---------------------------------------------------------------- codes

  private totpView(account: Account, key: Uint8Array, atMs: number): CodeView {
    const options = { algorithm: account.algorithm, digits: account.digits };
    const step = timeStep(atMs, account.period);
    const adjust = account.stepAdjust ?? 0;
    return {
      accountId: account.id,
      code: hotp(key, step + adjust, options, this.deps.hmac),
      next: hotp(key, step + 1 + adjust, options, this.deps.hmac),
      period: account.period,
      validFrom: step * account.period * 1000,
      validUntil: (step + 1) * account.period * 1000,
    };
  }

  private hotpOnDemand(account: Account): VaultError {
    return fail('HOTP_ON_DEMAND', `"${displayName(account)}" is a counter-based (HOTP) account: each code is made on request ("next code"), which advances its counter.`);
  }

  private async accountForCode(id: string): Promise<Account> {
    // The cached document is enough for codes (called every second by the app); re-read only on a miss.
    return this.doc.accounts.find((a) => a.id === id) ?? this.findIn(await this.reload(), id);
  }

  async code(id: string, atMs?: number): Promise<CodeView> {
    try {
      const account = await this.accountForCode(id);
      if (account.type !== 'totp') throw this.hotpOnDemand(account);
      const key = await this.keyFor(account);
      return this.totpView(account, key, atMs ?? this.now());
    } finally {
      this.startDeferredReconcile();
    }
  }

  async codes(ids: readonly string[], atMs?: number): Promise<readonly CodeResult[]> {
    if (ids.some((id) => !this.doc.accounts.some((a) => a.id === id))) await this.reload();
    const at = atMs ?? this.now();
    const accounts = ids.map((id) => this.doc.accounts.find((a) => a.id === id));
    const uncached = accounts.filter((a): a is Account => a !== undefined && a.type === 'totp' && !this.keys.has(a.id));
    if (uncached.length > BULK_READ_THRESHOLD) {
      // A reconciliation lists every item anyway (and fills the cache): start or share it.
      this.startDeferredReconcile();
      if (this.runningReconcile) await this.runningReconcile.catch(() => undefined);
      const still = uncached.filter((a) => !this.keys.has(a.id));
      if (still.length > BULK_READ_THRESHOLD) await this.bulkLoad(still).catch(() => undefined);
    }
    const results = Promise.all(
      ids.map(async (id, i): Promise<CodeResult> => {
        const account = accounts[i];
        try {
          if (!account) throw notFound(id);
          if (account.type !== 'totp') throw this.hotpOnDemand(account);
          return this.totpView(account, await this.keyFor(account), at);
        } catch (error) {
          return { accountId: id, error: toUserFacing(error) };
        }
      }),
    );
    await results.finally(() => this.startDeferredReconcile());
    return results;
  }

  async nextHotp(id: string): Promise<CodeView> {
    return this.mutate(async (doc) => {
      const account = this.findIn(doc, id);
      if (account.type !== 'hotp') {
        throw fail('NOT_HOTP', `"${displayName(account)}" is a time-based (TOTP) account; its code changes by itself every ${account.period} seconds.`);
      }
      const key = await this.keyFor(account); // before advancing: a missing seed must not burn a counter
      const counter = account.counter ?? 0;
      assertCounter(counter + 1);
      const advanced: Account = { ...account, counter: counter + 1 };
      const next: VaultDocument = { ...doc, accounts: doc.accounts.map((a) => (a.id === id ? advanced : a)) };
      // mutate() saves `next` before this function's result reaches the caller: the counter is durable first.
      const now = this.now();
      return {
        doc: next,
        result: { accountId: id, code: hotp(key, counter, { algorithm: account.algorithm, digits: account.digits }, this.deps.hmac), period: account.period, validFrom: now, validUntil: now, counter },
      };
    });
  }

  // ---------------------------------------------------------------- mutations

  private build(doc: VaultDocument, prepared: Prepared, order: number, taken: ReadonlySet<string>): Account {
    return validateAccount(
      { ...prepared.meta, id: this.freshId(doc, taken), order, createdAt: new Date(this.deps.clock.now()).toISOString() },
      (what) => fail('INTERNAL_INVALID_ACCOUNT', `Authdesk built an invalid account (${what}).`),
    );
  }

  private freshId(doc: VaultDocument, taken: ReadonlySet<string> = new Set()): string {
    for (;;) {
      const id = this.deps.random.id();
      if (!taken.has(id) && !doc.accounts.some((a) => a.id === id)) return id;
    }
  }

  private checkSerialFree(doc: VaultDocument, serial: string | undefined, alsoTaken: ReadonlySet<string> = new Set()): void {
    if (!serial) return;
    const existing = doc.accounts.find((a) => a.awsSerial === serial);
    if (existing || alsoTaken.has(serial)) {
      throw fail('DUPLICATE_AWS_SERIAL', `An account for the AWS MFA device ${serial} already exists${existing ? ` ("${displayName(existing)}")` : ''}. Remove it first if you are replacing that device.`);
    }
  }

  async add(input: NewAccount): Promise<Account> {
    const [account] = await this.addMany([input]);
    if (!account) throw fail('INTERNAL', 'No account was added.');
    return account;
  }

  async addMany(inputs: readonly NewAccount[], onProgress?: (done: number, total: number) => void, options: AddManyOptions = {}): Promise<readonly Account[]> {
    const entry = (i: number, error: AuthdeskError): AuthdeskError =>
      inputs.length > 1 ? new InputError(error.code, `Entry ${i + 1} of ${inputs.length}: ${error.message} Nothing was added.`, { cause: error, details: { ...error.details, index: i } }) : error;
    // Validate everything before touching the keychain: a bad entry fails the batch with nothing written.
    const prepared = inputs.map((input, i) => {
      try {
        return prepare(input);
      } catch (error) {
        throw error instanceof AuthdeskError ? entry(i, error) : error;
      }
    });
    return this.mutate(async (current) => {
      // A batch of a process that died is settled before a new one records its own intent.
      let doc = current.batchInProgress ? await this.settleBatch(current, await this.deps.secrets.list()) : current;
      if (doc.accounts.length + prepared.length > DOCUMENT_LIMITS.MAX_ACCOUNTS) {
        throw fail('TOO_MANY_ACCOUNTS', `A vault holds at most ${DOCUMENT_LIMITS.MAX_ACCOUNTS} accounts.`);
      }
      // The same key twice is the same account twice (same codes), whatever the names say.
      const owners = await this.secretOwners(doc);
      const inBatch = new Map<string, number>();
      for (const [i, p] of prepared.entries()) {
        const fingerprint = secretFingerprint(p.secret);
        if (fingerprint === undefined) continue;
        const owner = owners.get(fingerprint);
        if (owner) {
          throw entry(i, new InputError('DUPLICATE_SECRET', `This secret key is already in the vault as "${displayName(owner)}"${owner.status === 'recovered' ? ' (recovered after an interruption)' : ''}: it would make the same codes, so it was not added. Rename that account instead if the name is wrong.`, { details: { existingId: owner.id } }));
        }
        const earlier = inBatch.get(fingerprint);
        if (earlier !== undefined) {
          throw entry(i, new InputError('DUPLICATE_SECRET', `This secret key is the same as entry ${earlier + 1}'s, so it was not added twice.`, { details: { sameAs: earlier } }));
        }
        inBatch.set(fingerprint, i);
      }
      const serials = new Set<string>();
      const ids = new Set<string>();
      let order = doc.accounts.reduce((max, a) => Math.max(max, a.order), -1) + 1;
      const accounts = prepared.map((p) => {
        this.checkSerialFree(doc, p.meta.awsSerial, serials);
        if (p.meta.awsSerial) serials.add(p.meta.awsSerial);
        const account = this.build(doc, p, order++, ids);
        ids.add(account.id);
        return account;
      });
      // Intent first: if this process dies while writing seeds, the next reconciliation finds the
      // journal and deletes what it wrote (all or nothing even across SIGKILL). A pending AWS seed
      // is not rolled back: AWS holds the device, so its seed is recovered (as pending) instead.
      const rollbackIds = accounts.filter((a) => a.status !== 'pending').map((a) => a.id);
      if (rollbackIds.length > 0) {
        doc = { ...doc, batchInProgress: { startedAt: new Date(this.deps.clock.now()).toISOString(), accountIds: rollbackIds } };
        await this.deps.documents.save(doc);
        this.adopt(doc);
      }
      const base: VaultDocument = withoutBatch(doc);
      const total = accounts.length;
      const written: string[] = [];
      try {
        for (const [i, account] of accounts.entries()) {
          if (options.signal?.aborted) throw interrupted();
          const name = this.itemName(account.id, doc);
          const p = prepared[i];
          if (!p) throw fail('INTERNAL', 'A prepared account is missing.');
          // The record carries every parameter: an orphan of this write is recovered exactly.
          await this.deps.secrets.set(name, encodeSeedRecord(p.secret, seedParameters(account)));
          written.push(name);
          onProgress?.(i + 1, total);
        }
        if (options.signal?.aborted) throw interrupted();
        // One atomic save adds every account and clears the journal.
        const next: VaultDocument = { ...base, accounts: [...base.accounts, ...accounts] };
        await this.deps.documents.save(next);
        this.adopt(next);
      } catch (error) {
        // All or nothing: remove the seeds this batch wrote. If a delete fails the journal stays,
        // so the next reconciliation deletes what is left.
        let failed = 0;
        for (const name of [...written].reverse()) {
          if (!(await this.deps.secrets.delete(name).then(() => true, () => false))) failed++;
        }
        if (failed === 0 && doc !== base) {
          await this.deps.documents.save(base).then(() => this.adopt(base), () => undefined);
        }
        if (isAuthdeskError(error, 'INTERRUPTED')) {
          throw new InputError('INTERRUPTED', `Interrupted: nothing was added${written.length > 0 ? ` (the ${written.length} secret key${written.length === 1 ? '' : 's'} already stored ${written.length === 1 ? 'was' : 'were'} removed again${failed > 0 ? `, except ${failed} that will be removed the next time the vault is opened` : ''})` : ''}.`, { details: { removed: written.length - failed, left: failed } });
        }
        throw error;
      }
      return { result: accounts };
    });
  }

  async update(id: string, patch: AccountPatch): Promise<Account> {
    return this.mutate(async (doc) => {
      const account = this.findIn(doc, id);
      const changes: Record<string, unknown> = {};
      if (patch.issuer !== undefined) changes['issuer'] = cleanName(patch.issuer, 'issuer');
      if (patch.label !== undefined) changes['label'] = cleanName(patch.label, 'account name');
      if (patch.awsUser !== undefined) changes['awsUser'] = cleanName(patch.awsUser, 'AWS user name');
      if (patch.stepAdjust !== undefined) changes['stepAdjust'] = checkStepAdjust(patch.stepAdjust);
      if (patch.tags !== undefined) changes['tags'] = checkTags(patch.tags);
      if (patch.status !== undefined) changes['status'] = patch.status;
      if (patch.awsSerial !== undefined) {
        const serial = checkAwsSerial(patch.awsSerial);
        if (serial !== account.awsSerial) this.checkSerialFree(doc, serial);
        changes['awsSerial'] = serial;
      }
      const merged: Record<string, unknown> = { ...account, ...changes };
      if (patch.releasePolicy === null) delete merged['releasePolicy'];
      else if (patch.releasePolicy !== undefined) merged['releasePolicy'] = patch.releasePolicy;
      if (!merged['issuer'] && !merged['label']) throw new InputError('NAME_MISSING', 'Give the account an issuer or a name, so you can tell it apart.');
      const updated = validateAccount(merged, (what) => new InputError('INVALID_UPDATE', `That change is not valid: ${what}.`));
      return { doc: { ...doc, accounts: doc.accounts.map((a) => (a.id === id ? updated : a)) }, result: updated };
    });
  }

  async remove(id: string): Promise<void> {
    await this.deps.documents.withLock(async () => {
      const doc = await this.reload();
      const removed = this.findIn(doc, id);
      const next: VaultDocument = { ...doc, accounts: doc.accounts.filter((a) => a.id !== id) };
      await this.deps.documents.save(next);
      this.adopt(next);
      const key = this.keys.get(id);
      if (key) wipe(key);
      this.keys.delete(id);
      // Metadata is gone (saved); now the seed, still under the lock, so a reconciliation in
      // another process cannot see the item in between and "recover" what was just removed.
      try {
        await this.deps.secrets.delete(this.itemName(id, doc));
      } catch (cause) {
        throw new KeychainError(
          'KEYCHAIN_DELETE_FAILED',
          `"${displayName(removed)}" was removed from Authdesk, but its secret key could not be deleted from the keychain${cause instanceof AuthdeskError ? ` (${cause.message})` : ''}. It will come back as a "Recovered" account; remove that one once the keychain works.`,
          { cause, details: { accountId: id } },
        );
      }
    });
  }

  async reorder(ids: readonly string[]): Promise<void> {
    await this.mutate(async (doc) => {
      const byId = new Map(doc.accounts.map((a) => [a.id, a]));
      // Unknown ids are skipped: another process may have removed an account since the UI listed it.
      const first = [...new Set(ids)].filter((id) => byId.has(id));
      const firstSet = new Set(first);
      const rest = sortByOrder(doc.accounts).filter((a) => !firstSet.has(a.id)).map((a) => a.id);
      const position = new Map([...first, ...rest].map((id, i) => [id, i]));
      return { doc: { ...doc, accounts: doc.accounts.map((a) => ({ ...a, order: position.get(a.id) ?? a.order })) }, result: undefined };
    });
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.mutate(async (doc) => {
      const settings = validateSettings({ ...doc.settings, ...patch }, (what) => new InputError('INVALID_SETTING', `That setting is not valid: ${what}.`));
      return { doc: { ...doc, settings }, result: settings };
    });
  }

  // ---------------------------------------------------------------- reconciliation

  async reconcile(options: { again?: boolean } = {}): Promise<ReconcileReport> {
    this.startDeferredReconcile();
    if (!options.again && this.openReconcile) return this.openReconcile;
    const run = this.runReconcile();
    if (!this.openReconcile) this.openReconcile = run;
    return run;
  }

  /**
   * Roll back the batch of a process that died mid-way (its journal is in the document and we hold
   * the lock, so no live process owns it): delete the keychain items it may have written. Ids whose
   * delete fails stay in the journal for the next time. Returns the document to save.
   */
  private async settleBatch(doc: VaultDocument, items: ReadonlyArray<{ accountName: string }>): Promise<VaultDocument & { rolledBack?: string[] }> {
    const batch = doc.batchInProgress;
    if (!batch) return doc;
    const present = new Set(items.map((i) => i.accountName));
    const inDoc = new Set(doc.accounts.map((a) => a.id));
    const left: string[] = [];
    const rolledBack: string[] = [];
    for (const id of batch.accountIds) {
      if (inDoc.has(id)) continue; // cannot happen (the final save clears the journal); never delete a listed account's seed
      const name = this.itemName(id, doc);
      if (!present.has(name)) continue;
      if (await this.deps.secrets.delete(name).then(() => true, () => false)) rolledBack.push(id);
      else left.push(id);
    }
    const settled = left.length > 0 ? { ...doc, batchInProgress: { ...batch, accountIds: left } } : withoutBatch(doc);
    return Object.assign(settled, { rolledBack });
  }

  private runReconcile(): Promise<ReconcileReport> {
    const run = this.mutate(async (current) => {
      const generation = this.generation;
      const prefix = `${current.vaultId}/`;
      let all = await this.deps.secrets.list();
      let doc: VaultDocument = current;
      let rolledBack: string[] = [];
      if (current.batchInProgress) {
        const settled = await this.settleBatch(current, all);
        rolledBack = settled.rolledBack ?? [];
        const { rolledBack: _, ...clean } = settled;
        doc = clean;
        const gone = new Set(rolledBack.map((id) => this.itemName(id, doc)));
        all = all.filter((i) => !gone.has(i.accountName));
      }
      const items = all.filter((i) => i.accountName.startsWith(prefix));
      const others = new Map<string, number>();
      for (const i of all) {
        const slash = i.accountName.indexOf('/');
        if (slash > 0 && !i.accountName.startsWith(prefix)) {
          const otherId = i.accountName.slice(0, slash);
          others.set(otherId, (others.get(otherId) ?? 0) + 1);
        }
      }
      const otherVaults = [...others].map(([vaultId, count]) => ({ vaultId, items: count }));
      const known = new Map(doc.accounts.map((a) => [a.id, a]));
      /** Items of a batch still to be rolled back (a delete failed): neither recovered nor unusable. */
      const stillRollingBack = new Set(doc.batchInProgress?.accountIds ?? []);
      const seen = new Set<string>();
      const owners = new Map<string, Account>();
      const orphans: Array<{ id: string; accountName: string; secret: string }> = [];
      const recovered: Account[] = [];
      const unusable: string[] = [];
      const redundant: string[] = [];
      for (const item of items) {
        const id = item.accountName.slice(prefix.length);
        seen.add(id);
        const account = known.get(id);
        if (!account) {
          if (!stillRollingBack.has(id)) orphans.push({ id, ...item });
          continue;
        }
        try {
          const key = this.decode(account, item.secret);
          owners.set(bytesHex(key), account);
          this.remember(id, key, generation);
        } catch {
          unusable.push(item.accountName);
        }
      }
      let order = doc.accounts.reduce((max, a) => Math.max(max, a.order), -1) + 1;
      const serials = new Set(doc.accounts.flatMap((a) => (a.awsSerial ? [a.awsSerial] : [])));
      for (const orphan of orphans) {
        const record = decodeSeedRecord(orphan.secret);
        if (!record) {
          if (!isOtherKindOfItem(orphan.secret)) unusable.push(orphan.accountName);
          continue;
        }
        const fingerprint = secretFingerprint(record.secret);
        const owner = fingerprint === undefined ? undefined : owners.get(fingerprint);
        if (owner) {
          // A second copy of a seed the vault already has (e.g. a remove interrupted before its
          // delete, then the account added again): deleting it loses nothing; recovering it would
          // show the same account twice.
          if (await this.deps.secrets.delete(orphan.accountName).then(() => true, () => false)) redundant.push(orphan.id);
          continue;
        }
        let account2: Account;
        try {
          account2 = validateAccount(recoveredAccount(orphan.id, record, serials, new Date(this.deps.clock.now()).toISOString(), order), () => fail('X', 'x'));
        } catch {
          unusable.push(orphan.accountName); // an item name that is no account id of ours
          continue;
        }
        order++;
        if (account2.awsSerial) serials.add(account2.awsSerial);
        if (fingerprint !== undefined) owners.set(fingerprint, account2);
        recovered.push(account2);
        this.remember(orphan.id, base32ToBytes(record.secret), generation);
      }
      const missingSeeds = doc.accounts.filter((a) => !seen.has(a.id));
      const report: ReconcileReport = { recovered, missingSeeds, unusable, otherVaults, rolledBack, redundant };
      const next = recovered.length ? { ...doc, accounts: [...doc.accounts, ...recovered] } : doc;
      return next !== current ? { doc: next, result: report } : { result: report };
    });
    this.runningReconcile = run;
    const clear = (): void => {
      if (this.runningReconcile === run) this.runningReconcile = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}
