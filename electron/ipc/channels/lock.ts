import { channel, event } from '../channel.js';
import { s } from '../schema.js';
import { passphrase } from './common.js';

export type LockReason = 'user' | 'idle' | 'screen-lock' | 'startup' | 'suspend';

export interface LockStatus {
  /** A passphrase is set. */
  readonly enabled: boolean;
  readonly locked: boolean;
  /** Why it locked last (for the lock screen's sentence). */
  readonly reason?: LockReason;
}

/** System authentication (Touch ID) on this computer: what the lock screen and Settings › App lock show. */
export interface SystemAuthStatus {
  /** The OS offers it here (macOS with Touch ID set up). */
  readonly available: boolean;
  /** The OS's name for it ("Touch ID"), when available. */
  readonly name?: string;
  /** The user turned it on (settings.useSystemAuth). */
  readonly enabled: boolean;
  /** It can unlock now: available, enabled and a passphrase is set (the lock screen shows its button). */
  readonly usable: boolean;
  /** When not available: one sentence saying why, for Settings. */
  readonly note?: string;
}

export const lock = {
  channels: {
    /** authdesk.lock.status() */
    status: channel(s.none(), { whileLocked: true }).returns<LockStatus>(),
    /** authdesk.lock.lock() — lock now (no-op without a passphrase). */
    lock: channel(s.none(), { whileLocked: true }).returns<LockStatus>(),
    /** authdesk.lock.unlock({passphrase}) — rejects with LOCK_WRONG_PASSPHRASE (and a short delay). */
    unlock: channel(s.object({ passphrase }), { whileLocked: true }).returns<LockStatus>(),
    /** authdesk.lock.systemAuthStatus() — whether "Unlock with Touch ID" is offered here, and why not. */
    systemAuthStatus: channel(s.none(), { whileLocked: true }).returns<SystemAuthStatus>(),
    /**
     * authdesk.lock.unlockWithSystem() — shows the OS prompt (Touch ID); unlocks only when it is usable.
     * Cancelled or failed: LOCK_SYSTEM_AUTH_FAILED, still locked. Reveal/export still need the passphrase.
     */
    unlockWithSystem: channel(s.none(), { whileLocked: true }).returns<LockStatus>(),
    /** authdesk.lock.setPassphrase({current?, next}) — `current` is required when one is set. */
    setPassphrase: channel(s.object({ current: s.optional(passphrase), next: passphrase })).returns<LockStatus>(),
    /** authdesk.lock.clearPassphrase({current}) — turns the app lock off. */
    clearPassphrase: channel(s.object({ current: passphrase })).returns<LockStatus>(),
    /** authdesk.lock.activity() — the user did something; restarts the idle timer (throttled by the renderer). */
    activity: channel(s.none(), { whileLocked: true }).returns<void>(),
  },
  events: {
    changed: event<LockStatus>(),
  },
} as const;
