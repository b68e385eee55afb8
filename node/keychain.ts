/**
 * The OS keychain through @napi-rs/keyring (macOS Keychain, Windows Credential Manager, Linux
 * Secret Service). Why this library and not keytar: docs/storage.md.
 *
 * - Linux is pinned to the Secret Service: the library's default falls back to the kernel keyring
 *   (keyutils), which is lost at reboot — seeds would vanish silently.
 * - Every call has a timeout (gnome-keyring was seen to hang after many writes, DESIGN.md section 7).
 * - Entry objects are cached (each holds a D-Bus connection until garbage collection; 1,000 fresh
 *   ones exhausted the process's file descriptors) in a small LRU.
 * - No plaintext fallback, ever: when no keychain works, calls fail with a KeychainError saying
 *   what is missing and how to fix it.
 */
import { createRequire } from 'node:module';
import type * as Keyring from '@napi-rs/keyring';
import { KeychainError } from '../core/errors.js';
import { KEYCHAIN_SERVICE } from '../core/vault/model.js';
import type { SecretStore } from '../core/vault/ports.js';

type EntryOptions = Keyring.EntryOptions;
type AsyncEntry = Keyring.AsyncEntry;
// Loaded with require, not an ES import: importing this CommonJS package from ESM makes Node start
// its CommonJS export scanner, which added ~11 MB of peak RSS to every `authdesk code` (issue 2's
// budget is 1.5x a bare `node -e 0`). In the CJS bundle (Electron main) import.meta.url is empty
// and the real `require` is used.
// Loaded on first use, not on import: a command that imports this module but never reaches the
// keychain does not pay the ~10 ms of loading the native module.
let native: typeof Keyring | undefined;
function keyring(): typeof Keyring {
  native ??= loadNative(import.meta.url ? createRequire(import.meta.url) : require);
  return native;
}

/**
 * The package's own loader (index.js) probes several paths and reads /usr/bin/ldd to tell glibc
 * from musl: ~3 ms of the cached `aws credentials` path. On glibc Linux the binary's package is
 * required directly (same version: the lock file pins both); anything else — musl, where that
 * binary does not load, another platform, the standalone executable's own require — takes the loader.
 */
function loadNative(load: NodeJS.Require): typeof Keyring {
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) {
    try {
      return load(`@napi-rs/keyring-linux-${process.arch}-gnu`) as typeof Keyring;
    } catch {
      // not installed for this libc, or not loadable: the loader finds the right one or says why
    }
  }
  return load('@napi-rs/keyring') as typeof Keyring;
}

export interface KeyringSecretStoreOptions {
  /** Keychain service name (tests may use their own). Default `authdesk`. */
  readonly service?: string;
  /** Only items whose account name starts with this are listed (`<vaultId>/`); all when omitted. */
  readonly prefix?: string;
  /** Timeout of one read, write or delete. */
  readonly timeoutMs?: number;
  /** Timeout of list() (reads every item: ~1.5 s for 1,000 items here, slower as the keyring grows). */
  readonly listTimeoutMs?: number;
  /** Cached Entry objects. */
  readonly cacheSize?: number;
}

export const KEYCHAIN_DEFAULTS = { timeoutMs: 5_000, listTimeoutMs: 30_000, cacheSize: 64 } as const;

/**
 * list() retries when an item vanished mid-read (KEYCHAIN_CHANGED), waiting a little longer each
 * time: another process rolling back a batch (docs/storage.md, "Batches") deletes items back to
 * back for a second or two, and immediate retries all raced the same burst.
 */
const LIST_ATTEMPTS = 8;
const LIST_RETRY_STEP_MS = 100;

const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

export const NO_SERVICE_MESSAGE =
  'No keychain service is running (Secret Service over D-Bus). Install and start gnome-keyring or KeePassXC\'s Secret Service, then try again.';

function platformNoKeychain(): string {
  if (process.platform === 'darwin') return 'The macOS Keychain could not be reached. Log in to a normal desktop session (not only over SSH) and try again.';
  if (process.platform === 'win32') return 'Windows Credential Manager could not be reached. Log in to a normal desktop session and try again.';
  return NO_SERVICE_MESSAGE;
}

function timeoutMessage(action: string, ms: number): string {
  return `The keychain did not answer within ${Math.round(ms / 1000)} s while Authdesk tried to ${action}. It may be waiting for you to unlock it, or be stuck: unlock it or restart the keychain service (e.g. log out and in), then try again.`;
}

/** Translate the library's errors (plain Error with a message) into errors a person can act on. */
export function mapKeychainError(error: unknown, action: string): KeychainError {
  if (error instanceof KeychainError) return error;
  const text = [error, (error as { cause?: unknown } | null)?.cause]
    .map((e) => (e instanceof Error ? e.message : String(e ?? '')))
    .join(' | ');
  const has = (re: RegExp): boolean => re.test(text);
  if (has(/Did not receive a reply|timed? ?out/i)) {
    // The library's own D-Bus reply timeout (~2 s): the service is there but not answering.
    return new KeychainError('KEYCHAIN_TIMEOUT', timeoutMessage(action, 2_000), { cause: error, details: { action } });
  }
  if (has(/Object does not exist at path|UnknownObject|No such interface .*secrets\/collection/i)) {
    // Checked before "unavailable": gnome-keyring answers a read of a just-deleted item with a D-Bus
    // error ("No such interface 'org.freedesktop.Secret.Item' on object at path .../collection/login/40").
    // An item vanished between the search and the read (another program deleted it meanwhile).
    return new KeychainError('KEYCHAIN_CHANGED', 'The keychain changed while Authdesk was reading it (another program removed an item). Try again.', { cause: error, details: { action } });
  }
  if (has(/disconnected from message bus|NoReply/i)) {
    // The daemon quit with our call in flight. gnome-keyring does crash: a client killed while it
    // opens its encrypted session takes the daemon down (a GLib assertion in aes_negotiate; seen in
    // CI and reproduced by SIGKILLing clients). D-Bus starts a new one on the next call.
    return new KeychainError('KEYCHAIN_UNAVAILABLE', 'The keychain service quit while Authdesk was using it (it may have crashed). Try again; if it keeps happening, restart it (log out and in).', { cause: error, details: { action } });
  }
  if (has(/Failed to connect to socket|DBus error|org\.freedesktop\.DBus\.Error\.(ServiceUnknown|NoServer|Spawn)|was not provided by any \.service|NameHasNoOwner|No such file or directory/i)) {
    return new KeychainError('KEYCHAIN_UNAVAILABLE', platformNoKeychain(), { cause: error, details: { action } });
  }
  if (has(/locked|unlock/i)) {
    return new KeychainError('KEYCHAIN_LOCKED', 'Your keychain is locked. Unlock it (log in again, or open your keyring app and unlock the default keyring), then try again.', { cause: error, details: { action } });
  }
  if (has(/denied|not allowed|dismissed|cancel|prompt|authoriz|authenticat/i)) {
    return new KeychainError('KEYCHAIN_DENIED', 'Access to the keychain was refused. Allow Authdesk when your system asks, or check the keychain\'s access settings, then try again.', { cause: error, details: { action } });
  }
  if (has(/no result found|no default collection/i)) {
    // gnome-keyring with no default ("login") keyring, or one that is locked and cannot prompt (headless).
    return new KeychainError('KEYCHAIN_NO_COLLECTION', 'The keychain has no usable default keyring (it is missing or locked). Open your keyring app (e.g. "Passwords and Keys"), create or unlock the default "Login" keyring, then try again.', { cause: error, details: { action } });
  }
  if (has(/ambiguous/i)) {
    return new KeychainError('KEYCHAIN_AMBIGUOUS', 'The keychain holds more than one item for this account (another program wrote a duplicate). Remove the duplicate "authdesk" item with your keyring app, then try again.', { cause: error, details: { action } });
  }
  if (has(/too long|invalid/i)) {
    return new KeychainError('KEYCHAIN_REJECTED', 'The keychain refused the item Authdesk tried to store. Please report this; nothing was changed.', { cause: error, details: { action } });
  }
  return new KeychainError('KEYCHAIN_FAILED', `The keychain failed while Authdesk tried to ${action}. Check that your keychain is unlocked and working, then try again.`, { cause: error, details: { action } });
}

/**
 * The Secret Service an Entry talked to is gone or was replaced (gnome-keyring restarted): its
 * D-Bus session or the daemon's name no longer exists. Judged on the library's own message, kept
 * as the cause of the mapped KeychainError.
 */
function servicePeerGone(error: unknown): boolean {
  if (!(error instanceof KeychainError) || error.code !== 'KEYCHAIN_UNAVAILABLE') return false;
  const cause = (error as { cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : String(cause ?? '');
  return /session does not exist|UnknownObject|NoReply|Disconnected|ServiceUnknown|NameHasNoOwner/i.test(text);
}

export class KeyringSecretStore implements SecretStore {
  readonly service: string;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly listTimeoutMs: number;
  private readonly cacheSize: number;
  /** Insertion-ordered Map as an LRU: a hit moves the entry to the end. */
  private readonly entries = new Map<string, AsyncEntry>();

  constructor(options: KeyringSecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.prefix = options.prefix ?? '';
    this.timeoutMs = options.timeoutMs ?? KEYCHAIN_DEFAULTS.timeoutMs;
    this.listTimeoutMs = options.listTimeoutMs ?? KEYCHAIN_DEFAULTS.listTimeoutMs;
    this.cacheSize = options.cacheSize ?? KEYCHAIN_DEFAULTS.cacheSize;
  }

  private entry(accountName: string): AsyncEntry {
    const hit = this.entries.get(accountName);
    if (hit) {
      this.entries.delete(accountName);
      this.entries.set(accountName, hit);
      return hit;
    }
    // The constructor connects to D-Bus SYNCHRONOUSLY on Linux: it throws when there is no session
    // bus, and blocks the event loop up to the library's ~2 s D-Bus reply timeout when the service
    // hangs (measured; then it throws "Did not receive a reply" -> KEYCHAIN_TIMEOUT). Another
    // reason to cache entries. It runs inside call(), so its errors are mapped too.
    const created = new (keyring().AsyncEntry)(this.service, accountName, ENTRY_OPTIONS);
    this.entries.set(accountName, created);
    if (this.entries.size > this.cacheSize) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return created;
  }

  /** Run one keychain call with an AbortSignal and a hard timeout; map every failure. */
  private async call<T>(action: string, fn: (signal: AbortSignal) => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new KeychainError('KEYCHAIN_TIMEOUT', timeoutMessage(action, timeoutMs), { details: { action } }));
      }, timeoutMs);
    });
    try {
      return await Promise.race([(async () => fn(controller.signal))(), timeout]);
    } catch (error) {
      throw mapKeychainError(error, action);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One call on an account's Entry. Each Entry holds a session with the Secret Service daemon that
   * was running when it was made; when gnome-keyring restarts (killed, crashed, upgraded, a new
   * login), every later call on it fails ("The session does not exist") — for good, in a process
   * that lives as long as the app. So on such an error all cached Entries are dropped and the call
   * is made once more with a fresh one, which D-Bus-activates the new daemon if needed. Retrying
   * is safe: a read, a write of the same value and a delete are idempotent.
   */
  private async onEntry<T>(action: string, accountName: string, fn: (entry: AsyncEntry, signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await this.call(action, (signal) => fn(this.entry(accountName), signal));
    } catch (error) {
      if (!servicePeerGone(error)) throw error;
      this.entries.clear();
      return this.call(action, (signal) => fn(this.entry(accountName), signal));
    }
  }

  get(accountName: string): Promise<string | null> {
    return this.onEntry('read a secret key', accountName, (entry, signal) => entry.getPassword(signal));
  }

  async set(accountName: string, secret: string): Promise<void> {
    await this.onEntry('store a secret key', accountName, (entry, signal) => entry.setPassword(secret, signal));
  }

  async delete(accountName: string): Promise<boolean> {
    const deleted = await this.onEntry('delete a secret key', accountName, (entry, signal) => entry.deletePassword(signal));
    this.entries.delete(accountName);
    return deleted;
  }

  async list(): Promise<Array<{ accountName: string; secret: string }>> {
    // findCredentials searches, then reads each item: an item deleted in between (by another
    // Authdesk process outside our lock, or another program) fails the whole call, and so does a
    // daemon that quits mid-call. Retry a few times.
    let found: Awaited<ReturnType<typeof Keyring.findCredentialsAsync>> | undefined;
    for (let attempt = 1; found === undefined; attempt++) {
      try {
        found = await this.call('list its secret keys', (signal) => keyring().findCredentialsAsync(this.service, undefined, signal), this.listTimeoutMs);
      } catch (error) {
        const changed = error instanceof KeychainError && error.code === 'KEYCHAIN_CHANGED';
        // The daemon restarted under us: our Entries' sessions died with it (see onEntry).
        const gone = servicePeerGone(error);
        if (gone) this.entries.clear();
        if (!(changed || gone) || attempt >= LIST_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, LIST_RETRY_STEP_MS * attempt));
      }
    }
    return found
      .filter((c) => c.account.startsWith(this.prefix))
      .map((c) => ({ accountName: c.account, secret: c.password }));
  }
}
