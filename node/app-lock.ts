/**
 * The app lock: an optional passphrase, stored only as a memory-hard scrypt hash in the vault's
 * settings (`lockPassphraseHash`, format "scrypt$N$r$p$salt$hash" with base64 parts), and the
 * locked/unlocked state of this process with its idle timer.
 *
 * Why scrypt: it is in node:crypto (no dependency, works in Electron's main and the CLI), and its
 * memory cost (N=2^15, r=8: 32 MiB per guess) makes offline guessing of a stolen vault.json slow.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { LockError } from '../core/errors.js';
import type { VaultApi } from '../core/vault/api.js';
import { FREE_ATTEMPTS, LOCKOUT_SCHEDULE_MS, lockoutDelayMs, lockoutRemainingMs, lockoutSentence, wrongPassphraseSentence, type LockFailures } from '../core/lock/lockout.js';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
/** 128 * N * r = 32 MiB; Node's default maxmem is exactly 32 MiB, which scrypt's overhead exceeds. */
const MAX_MEM = 64 * 1024 * 1024;
/** Passphrases shorter than this are refused when set (an unlock accepts whatever was set). */
export const MIN_PASSPHRASE_LENGTH = 4;
/** After this many wrong passphrases in a row the first wait (LOCKOUT_MS) starts; it grows after (core/lock/lockout.ts). */
export const MAX_FAST_ATTEMPTS = FREE_ATTEMPTS + 1;
export const LOCKOUT_MS = LOCKOUT_SCHEDULE_MS[0] ?? 30_000;

function scrypt(passphrase: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: MAX_MEM }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassphrase(passphrase: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const key = await scrypt(passphrase, salt, N, r, p, keyLength);
  const text = `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  key.fill(0);
  return text;
}

export async function verifyPassphrase(passphrase: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new LockError('LOCK_HASH_CORRUPT', 'The app lock settings are damaged. Remove "lockPassphraseHash" from vault.json with the app closed, then set a new passphrase.');
  }
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Refuse parameters that would make verification hang or allocate absurd memory (a tampered file).
  if (![N, r, p].every(Number.isSafeInteger) || N < 2 ** 10 || N > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16) {
    throw new LockError('LOCK_HASH_CORRUPT', 'The app lock settings are damaged. Remove "lockPassphraseHash" from vault.json with the app closed, then set a new passphrase.');
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length < 16) return false;
  const key = await scrypt(passphrase, salt, N, r, p, expected.length);
  const same = timingSafeEqual(key, expected);
  key.fill(0);
  return same;
}

export type LockReason = 'user' | 'idle' | 'screen-lock' | 'startup' | 'suspend';

export interface LockState {
  readonly enabled: boolean;
  readonly locked: boolean;
  readonly reason?: LockReason;
}

/**
 * The OS's own check that the person at the computer is its user (Touch ID on macOS), as a port so the
 * lock's rules are tested in Node with a fake. Built by electron/main/system-auth.ts (darwin only);
 * absent everywhere else, which means "not available".
 */
export interface SystemAuth {
  /** What the OS calls it, for buttons and messages ("Touch ID"). */
  readonly name: string;
  /** The OS can prompt now (hardware present and set up). Never throws. */
  available(): Promise<boolean>;
  /** Shows the OS prompt; true only when the OS confirmed the user. Cancel or failure: false. */
  prompt(reason: string): Promise<boolean>;
}

/** What the lock screen and Settings need to know about system authentication. */
export interface SystemAuthState {
  /** The OS offers it on this computer. */
  readonly available: boolean;
  /** The OS's name for it ("Touch ID"), when available. */
  readonly name?: string;
  /** The user turned on "Unlock with ..." (settings.useSystemAuth). */
  readonly enabled: boolean;
  /** It may unlock now: available, enabled and a passphrase is set (the passphrase stays the fallback). */
  readonly usable: boolean;
}

/** The sentence in the OS prompt: macOS shows "Authdesk is trying to <reason>." */
export const SYSTEM_AUTH_REASON = 'unlock your codes';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface AppLock {
  state(): LockState;
  isLocked(): boolean;
  /** Lock now (no-op when no passphrase is set). */
  lock(reason: LockReason): LockState;
  unlock(passphrase: string): Promise<LockState>;
  /** What system authentication can do here (never prompts). */
  systemAuthState(): Promise<SystemAuthState>;
  /**
   * Unlock with the OS prompt: only when the user enabled it, a passphrase is set and the OS offers it.
   * A cancelled or failed prompt leaves the app locked and throws LOCK_SYSTEM_AUTH_FAILED (a sentence).
   * It neither counts as nor forgives a wrong passphrase: the passphrase lockout is unchanged.
   */
  unlockWithSystem(): Promise<LockState>;
  /** Check the passphrase without changing state (reveal/export re-ask for it). Requires a lock to be set. */
  verify(passphrase: string): Promise<void>;
  setPassphrase(current: string | undefined, next: string): Promise<LockState>;
  clearPassphrase(current: string): Promise<LockState>;
  /** User activity: restarts the idle timer. */
  activity(): void;
  /** Re-read lockAfterIdleMinutes after a settings change. */
  reconfigure(): Promise<void>;
  dispose(): void;
}

export interface AppLockOptions {
  readonly vault: Pick<VaultApi, 'settings' | 'updateSettings' | 'forgetSecrets'>;
  readonly timers?: Timers;
  /** Called on every state change (the handlers emit `lock.changed` and clear the clipboard on lock). */
  readonly onChange?: (state: LockState) => void;
  /** The OS's user check (Touch ID). Absent: system authentication is not available. */
  readonly systemAuth?: SystemAuth;
}

/** Creates the lock; starts locked when a passphrase is set (reason "startup"). */
export async function createAppLock(options: AppLockOptions): Promise<AppLock> {
  const { vault } = options;
  const timers = options.timers ?? realTimers;
  let hash = (await vault.settings()).lockPassphraseHash;
  let idleMinutes = (await vault.settings()).lockAfterIdleMinutes;
  let locked = hash !== undefined;
  let reason: LockReason | undefined = locked ? 'startup' : undefined;
  let idleTimer: unknown;
  // Wrong attempts in a row, persisted (settings.lockFailures): a restart forgives nothing.
  let failures: LockFailures | undefined = (await vault.settings()).lockFailures;
  // Counts lock episodes, so a prompt answered after the app was unlocked and locked again does not
  // unlock the new episode (the person approved an earlier one).
  let episode = 0;
  let systemPrompt: Promise<LockState> | undefined;

  const state = (): LockState => (reason === undefined ? { enabled: hash !== undefined, locked } : { enabled: hash !== undefined, locked, reason });
  const changed = () => options.onChange?.(state());

  function armIdle(): void {
    if (idleTimer !== undefined) timers.clearTimeout(idleTimer);
    idleTimer = undefined;
    if (hash === undefined || locked || idleMinutes <= 0) return;
    idleTimer = timers.setTimeout(() => {
      idleTimer = undefined;
      doLock('idle');
    }, idleMinutes * 60_000);
  }

  function doLock(why: LockReason): LockState {
    if (hash === undefined) return state();
    const wasLocked = locked;
    locked = true;
    reason = why;
    if (idleTimer !== undefined) timers.clearTimeout(idleTimer);
    idleTimer = undefined;
    vault.forgetSecrets();
    if (!wasLocked) episode++;
    if (!wasLocked) changed();
    return state();
  }

  /**
   * The one gate every passphrase check goes through (unlock, reveal, export, the backup passphrase,
   * changing or removing the lock): one verification at a time, in arrival order. Inside the gate the
   * lockout is read, then the attempt is counted and written to the vault document (fsync'd) BEFORE
   * the hash starts, then scrypt runs. So a burst of concurrent guesses is verified one by one and
   * every guess after the free ones meets the lockout; a kill during the hash leaves it counted.
   */
  let gate: Promise<unknown> = Promise.resolve();
  function check(passphrase: string): Promise<void> {
    const turn = gate.then(() => attempt(passphrase));
    gate = turn.catch(() => undefined);
    return turn;
  }

  async function attempt(passphrase: string): Promise<void> {
    if (hash === undefined) throw new LockError('LOCK_NOT_SET', 'No app lock passphrase is set. Set one in Settings → App lock first.');
    const now = timers.now();
    const wait = lockoutRemainingMs(failures, now);
    if (wait > 0) {
      throw new LockError('LOCK_TOO_MANY_ATTEMPTS', lockoutSentence(wait), { details: { seconds: Math.ceil(wait / 1000) } });
    }
    const counted: LockFailures = { count: (failures?.count ?? 0) + 1, lastAt: now };
    // Fail closed: if the count cannot be written, nothing is verified.
    await vault.updateSettings({ lockFailures: counted });
    failures = counted;
    if (!(await verifyPassphrase(passphrase, hash))) {
      const wait = lockoutDelayMs(counted.count);
      throw new LockError('LOCK_WRONG_PASSPHRASE', wrongPassphraseSentence(wait), wait > 0 ? { details: { seconds: Math.ceil(wait / 1000) } } : {});
    }
    failures = undefined;
    await vault.updateSettings({ lockFailures: undefined });
  }

  async function systemAuthState(): Promise<SystemAuthState> {
    const port = options.systemAuth;
    let available = false;
    if (port) {
      try {
        available = await port.available();
      } catch {
        available = false;
      }
    }
    const enabled = (await vault.settings()).useSystemAuth;
    const base = { available, enabled, usable: available && enabled && hash !== undefined };
    return available && port ? { ...base, name: port.name } : base;
  }

  async function promptAndUnlock(): Promise<LockState> {
    if (hash === undefined) throw new LockError('LOCK_NOT_SET', 'No app lock passphrase is set. Set one in Settings → App lock first.');
    const status = await systemAuthState();
    const port = options.systemAuth;
    if (!status.available || !port) {
      throw new LockError('LOCK_SYSTEM_AUTH_UNAVAILABLE', 'System authentication is not available on this computer. Enter your passphrase.');
    }
    if (!status.enabled) {
      throw new LockError('LOCK_SYSTEM_AUTH_OFF', `Unlock with ${port.name} is turned off. Enter your passphrase, or turn it on in Settings → App lock.`);
    }
    const started = episode;
    // A port that throws counts as "not confirmed" (the person sees a sentence, main's port logs why).
    const approved = await port.prompt(SYSTEM_AUTH_REASON).catch(() => false);
    if (!approved) {
      throw new LockError('LOCK_SYSTEM_AUTH_FAILED', `${port.name} did not confirm it is you (cancelled or not recognised). Try again, or enter your passphrase.`);
    }
    if (!locked) return state();
    // Re-check what may have changed during the prompt: the passphrase removed, the setting turned off,
    // or a new lock episode (unlocked with the passphrase and locked again meanwhile).
    if (hash === undefined || episode !== started || !(await vault.settings()).useSystemAuth) {
      throw new LockError('LOCK_SYSTEM_AUTH_FAILED', `The lock changed while ${port.name} was asking. Try again, or enter your passphrase.`);
    }
    // No change to `failures`: only the right passphrase resets them, so presence
    // (a finger) cannot buy more guesses at the passphrase that reveal and export ask for.
    locked = false;
    reason = undefined;
    armIdle();
    changed();
    return state();
  }

  armIdle();

  return {
    state,
    isLocked: () => locked,
    lock: doLock,
    async unlock(passphrase) {
      if (!locked) return state();
      await check(passphrase);
      locked = false;
      reason = undefined;
      armIdle();
      changed();
      return state();
    },
    systemAuthState,
    unlockWithSystem() {
      if (!locked) return Promise.resolve(state());
      // One OS prompt at a time: a second request (double click) waits for the same answer.
      systemPrompt ??= promptAndUnlock().finally(() => {
        systemPrompt = undefined;
      });
      return systemPrompt;
    },
    verify: check,
    async setPassphrase(current, next) {
      if (next.length < MIN_PASSPHRASE_LENGTH) {
        throw new LockError('LOCK_PASSPHRASE_TOO_SHORT', `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`);
      }
      if (hash !== undefined) {
        if (current === undefined) throw new LockError('LOCK_CURRENT_REQUIRED', 'Enter the current passphrase to change it.');
        await check(current);
      }
      const newHash = await hashPassphrase(next);
      await vault.updateSettings({ lockPassphraseHash: newHash });
      hash = newHash;
      armIdle();
      changed();
      return state();
    },
    async clearPassphrase(current) {
      await check(current);
      // updateSettings merges a patch; an explicit undefined removes the key (vault.ts drops undefined fields).
      // Touch ID goes off with it: setting a passphrase later must not silently bring it back.
      await vault.updateSettings({ lockPassphraseHash: undefined, useSystemAuth: false });
      hash = undefined;
      locked = false;
      reason = undefined;
      armIdle();
      changed();
      return state();
    },
    activity() {
      if (!locked) armIdle();
    },
    async reconfigure() {
      const settings = await vault.settings();
      idleMinutes = settings.lockAfterIdleMinutes;
      hash = settings.lockPassphraseHash;
      armIdle();
    },
    dispose() {
      if (idleTimer !== undefined) timers.clearTimeout(idleTimer);
      idleTimer = undefined;
    },
  };
}
