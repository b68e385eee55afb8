/**
 * When to lock because of the machine's state, as pure logic over injected clocks:
 * - idle: the *system* has had no keyboard or mouse input for `lockAfterIdleMinutes` (Electron's
 *   powerMonitor.getSystemIdleTime). The app lock's own timer (node/app-lock.ts) counts idleness in
 *   Authdesk's window; this one also catches a machine left alone with the window in the background.
 * - power events: screen locked, system suspending (a laptop lid), resumed (re-measure the clock).
 * main.ts feeds powerMonitor into these; test/unit/electron-idle-lock.test.ts drives them with fakes.
 */
import type { Settings } from '../../core/vault/model.js';

/** How often the system idle time is sampled. A lock is at most this late. */
export const IDLE_POLL_MS = 15_000;

export type LockSettings = Pick<Settings, 'lockAfterIdleMinutes' | 'lockOnScreenLock'>;

/** True when the system has been idle long enough (0 or negative minutes = never). */
export function idleLockDue(idleSeconds: number, lockAfterIdleMinutes: number): boolean {
  if (!(lockAfterIdleMinutes > 0) || !Number.isFinite(idleSeconds)) return false;
  return idleSeconds >= lockAfterIdleMinutes * 60;
}

export type PowerEvent = 'resume' | 'suspend' | 'lock-screen' | 'unlock-screen';
export type PowerAction = 'remeasure-clock' | 'lock';

/**
 * What to do on a powerMonitor event. After a resume the local clock may have jumped (or the machine
 * moved networks), so the offset to the trusted clock is measured again. Suspend counts as a screen
 * lock: a closed lid is the same "I walked away" as Win+L.
 */
export function powerActions(event: PowerEvent, settings: LockSettings): PowerAction[] {
  switch (event) {
    case 'resume':
      return ['remeasure-clock'];
    case 'lock-screen':
    case 'suspend':
      return settings.lockOnScreenLock ? ['lock'] : [];
    case 'unlock-screen':
      return [];
  }
}

export interface IdleWatcherOptions {
  /** powerMonitor.getSystemIdleTime (seconds). */
  readonly getIdleSeconds: () => number;
  /** Current settings (read on every tick, so changes apply without a restart). */
  readonly settings: () => LockSettings;
  /** Lock is enabled (a passphrase is set) and the app is not already locked. */
  readonly canLock: () => boolean;
  readonly lock: () => void;
  readonly setInterval: (fn: () => void, ms: number) => unknown;
  readonly clearInterval: (handle: unknown) => void;
  readonly pollMs?: number;
}

export interface IdleWatcher {
  /** One sample; returns true when it locked. Exposed for tests and for a check at window focus. */
  tick(): boolean;
  stop(): void;
}

export function startIdleWatcher(options: IdleWatcherOptions): IdleWatcher {
  const tick = (): boolean => {
    if (!options.canLock()) return false;
    let idle: number;
    try {
      idle = options.getIdleSeconds();
    } catch {
      return false;
    }
    if (!idleLockDue(idle, options.settings().lockAfterIdleMinutes)) return false;
    options.lock();
    return true;
  };
  let handle: unknown = options.setInterval(() => {
    tick();
  }, options.pollMs ?? IDLE_POLL_MS);
  return {
    tick,
    stop() {
      if (handle !== undefined) options.clearInterval(handle);
      handle = undefined;
    },
  };
}
