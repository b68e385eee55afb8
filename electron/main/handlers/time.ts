/**
 * The app's clock service (main process): measures the clock at start, on resume from sleep and
 * whenever the last good measurement is older than 4 h (core/time/health.ts `measurementDue`),
 * stores the offset in the vault's settings (so the CLI uses it too), and serves the `time` IPC
 * area. Measurements run in the background: nothing waits for the network except an explicit
 * "Check now" (`time.sync`), which the renderer awaits without blocking the window.
 *
 * Wiring (electron/main/main.ts and createAppServices; see docs/time.md "Hooks"):
 *   const time = createTimeService({ vault, onChange: (s) => events.emit('time.changed', s),
 *                                    onAccountChanged: () => events.emit('accounts.changed', { source: 'app' }) });
 *   handlers: { ..., time: time.handlers }
 *   time.start();                                   // after the window is shown
 *   powerMonitor.on('resume', () => time.resume());
 *   app.on('before-quit', () => time.dispose());
 */
import { TimeError, toUserFacing, type UserFacingError } from '../../../core/errors.js';
import { clockHealth, formatAge, measurementDue } from '../../../core/time/health.js';
import { decideOffset, TIME_TRUST, type TrustCheck, type TrustDecision } from '../../../core/time/trust.js';
import { DEFAULT_HTTPS_DATE_URL, presetHosts, presetOf, TIME_SERVER_PRESETS } from '../../../core/time/server.js';
import type { VaultApi } from '../../../core/vault/api.js';
import { DEFAULT_SETTINGS } from '../../../core/vault/model.js';
import type { HttpsDateOptions } from '../../../node/time/https-date.js';
import type { ClockMeasurement, MeasureClockOptions } from '../../../node/time/measure.js';
import { measureChecked } from '../../../node/time/sync.js';
import type { SettingsPatch } from '../../ipc/channels/settings.js';
import type { TimeHandlers, TimeServerChoice, TimeStatus } from '../../ipc/channels/time.js';
import type { Settings } from '../../../core/vault/model.js';

/**
 * settings.update's patch -> the vault's settings patch: time server ids from main's fixed list
 * become hosts here, in main (the renderer never names a host). Choosing in the app replaces the
 * list, custom servers set through the CLI included.
 */
export function settingsFromPatch(patch: SettingsPatch): Partial<Settings> {
  const { timeServerIds, ...rest } = patch;
  return { ...rest, ...(timeServerIds ? { timeServers: presetHosts(timeServerIds) } : {}) };
}

/** The fixed list with what is selected now. */
export function serverChoices(servers: readonly string[]): TimeServerChoice[] {
  const selected = new Set(servers.map((s) => presetOf(s)?.id).filter(Boolean));
  return TIME_SERVER_PRESETS.map((p) => ({ id: p.id, label: p.label, host: p.host, selected: selected.has(p.id) }));
}

export interface TimeTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

export const realTimeTimers: TimeTimers = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  now: () => Date.now(),
};

export interface TimeServiceDeps {
  readonly vault: VaultApi;
  /** Called with the new status whenever it changes (main emits `time.changed`). */
  readonly onChange?: (status: TimeStatus) => void;
  /** Called after a step adjustment changed an account (main emits `accounts.changed`). */
  readonly onAccountChanged?: () => void;
  /** The measurement (tests inject one; default: NTP servers from settings, then HTTPS Date). */
  readonly measure?: (options: MeasureClockOptions) => Promise<ClockMeasurement>;
  /** HTTPS Date fallback for background measurements (default https://iam.amazonaws.com/; null: none). */
  readonly httpsFallbackUrl?: string | null;
  /**
   * The authenticated source that may vouch for an offset beyond ±2 min (default
   * https://iam.amazonaws.com/; null: none, so such offsets wait for the person's confirmation).
   */
  readonly verifyUrl?: string | null;
  /** Options of that check (tests pass `ca` for a self-signed server). */
  readonly verify?: HttpsDateOptions;
  /** The check itself (tests inject one; default: the HTTPS Date of verifyUrl). */
  readonly check?: (url: string) => Promise<TrustCheck>;
  readonly timers?: TimeTimers;
  /** How often to check whether a measurement is due (default 10 min; the 4 h rule decides). */
  readonly checkEveryMs?: number;
  /** Where background failures are logged (never shown as a stack). */
  readonly onBackgroundError?: (error: unknown) => void;
}

export interface TimeService {
  readonly handlers: TimeHandlers;
  status(): Promise<TimeStatus>;
  /** App start: measure in the background now, then keep checking. Returns at once. */
  start(): void;
  /** Resume from sleep: the clock may have jumped; measure in the background. Returns at once. */
  resume(): void;
  /** Measure now (single flight: a call while one runs joins it). Rejects with a TimeError. */
  measureNow(): Promise<TimeStatus>;
  /**
   * The person confirms the pending (unverified) measurement whose id (its measuredAt) they were
   * shown. Main applies the measurement it kept: the renderer never supplies an offset.
   */
  confirmPending(id: string): Promise<TimeStatus>;
  dispose(): void;
}

export function createTimeService(deps: TimeServiceDeps): TimeService {
  const timers = deps.timers ?? realTimeTimers;
  const measure = deps.measure;
  const fallback = deps.httpsFallbackUrl === undefined ? DEFAULT_HTTPS_DATE_URL : deps.httpsFallbackUrl;
  const verifyUrl = deps.verifyUrl === undefined ? DEFAULT_HTTPS_DATE_URL : deps.verifyUrl;
  let running: Promise<TimeStatus> | undefined;
  let lastError: UserFacingError | undefined;
  let lastFailureAtMs: number | undefined;
  let lastAttemptAtMs: number | undefined;
  let interval: unknown;
  let disposed = false;

  async function status(): Promise<TimeStatus> {
    const settings = await deps.vault.settings();
    const pending = settings.timeOffsetPending;
    const health = clockHealth({ record: settings.timeOffset, ...(pending ? { pending } : {}), correctionEnabled: settings.timeCorrection, nowMs: timers.now() });
    const servers = settings.timeServers.length ? settings.timeServers : DEFAULT_SETTINGS.timeServers;
    return {
      health,
      measuring: running !== undefined,
      ...(lastError ? { lastError } : {}),
      ...(lastAttemptAtMs !== undefined ? { lastAttemptAt: new Date(lastAttemptAtMs).toISOString() } : {}),
      servers,
      serverChoices: serverChoices(servers),
      ...(pending
        ? { pending: { id: pending.measuredAt, offsetMs: pending.offsetMs, source: pending.source, measuredAt: pending.measuredAt, confirmable: timers.now() - Date.parse(pending.measuredAt) <= TIME_TRUST.CONFIRM_MAX_AGE_MS } }
        : {}),
      correctionEnabled: settings.timeCorrection,
    };
  }

  async function announce(): Promise<void> {
    if (disposed || !deps.onChange) return;
    try {
      deps.onChange(await status());
    } catch (error) {
      deps.onBackgroundError?.(error);
    }
  }

  async function run(): Promise<void> {
    void announce(); // measuring: true
    lastAttemptAtMs = timers.now();
    try {
      const settings = await deps.vault.settings();
      const outcome = await measureChecked({
        servers: settings.timeServers.length ? settings.timeServers : DEFAULT_SETTINGS.timeServers,
        httpsFallbackUrl: fallback,
        verifyUrl,
        ...(deps.verify ? { verify: deps.verify } : {}),
        ...(settings.timeOffset ? { current: settings.timeOffset } : {}),
        ...(measure ? { measure } : {}),
        ...(deps.check ? { check: deps.check } : {}),
      });
      if (!disposed) await store(outcome.decision);
      lastError = undefined;
      lastFailureAtMs = undefined;
    } catch (error) {
      lastError = toUserFacing(error);
      lastFailureAtMs = timers.now();
      throw error;
    }
  }

  /** Applied: the new offset, and nothing pending. Pending: recorded beside the offset in use, which stays. */
  async function store(decision: Exclude<TrustDecision, { kind: 'check' }>): Promise<void> {
    if (decision.kind === 'apply') await deps.vault.updateSettings({ timeOffset: decision.record, timeOffsetPending: undefined });
    else await deps.vault.updateSettings({ timeOffsetPending: decision.pending });
  }

  async function confirmPending(id: string): Promise<TimeStatus> {
    // After a running measurement: it may replace the pending one the person saw.
    await running?.catch(() => undefined);
    const settings = await deps.vault.settings();
    const pending = settings.timeOffsetPending;
    if (!pending || pending.measuredAt !== id) {
      throw new TimeError('TIME_NOTHING_TO_CONFIRM', 'That measurement is no longer waiting for confirmation: a newer one replaced it. Look at the clock status again.');
    }
    const ageMs = timers.now() - Date.parse(pending.measuredAt);
    if (!(ageMs <= TIME_TRUST.CONFIRM_MAX_AGE_MS)) {
      throw new TimeError('TIME_CONFIRM_TOO_OLD', `That measurement was made ${formatAge(Math.max(0, ageMs))} and the clock may have changed since. Choose "Check now", then confirm the new measurement.`);
    }
    const decision = decideOffset({ measured: pending, authenticated: false, confirmedBy: 'confirmed by you in the app', nowIso: new Date(timers.now()).toISOString() });
    await store(decision.kind === 'check' ? { kind: 'pending', pending } : decision);
    void announce();
    return status();
  }

  function measureNow(): Promise<TimeStatus> {
    if (running) return running;
    const settle = () => {
      if (running === next) running = undefined;
      void announce(); // measuring: false, and the new offset or the error
    };
    const next: Promise<TimeStatus> = (running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => run())
      .then(
        () => {
          settle();
          return status();
        },
        (error: unknown) => {
          settle();
          throw error;
        },
      );
    running = next;
    return next;
  }

  function background(force: boolean): void {
    void (async () => {
      if (disposed || running) return;
      const settings = await deps.vault.settings();
      const due = measurementDue({ nowMs: timers.now(), force, ...(settings.timeOffset ? { record: settings.timeOffset } : {}), ...(lastFailureAtMs !== undefined ? { lastFailureAtMs } : {}) });
      if (due) await measureNow();
    })().catch((error: unknown) => {
      // Offline is normal: the status carries the sentence; only surprises are logged.
      if (!(error instanceof TimeError)) deps.onBackgroundError?.(error);
    });
  }

  const handlers: TimeHandlers = {
    status: () => status(),
    // No server from the renderer: it cannot name a host (the schema refuses any key).
    sync: () => measureNow(),
    confirmOffset: ({ id }) => confirmPending(id),
    async setStepAdjust({ id, steps }) {
      const account = await deps.vault.update(id, { stepAdjust: steps });
      deps.onAccountChanged?.();
      return account;
    },
  };

  return {
    handlers,
    status,
    measureNow,
    confirmPending,
    start() {
      background(true);
      if (interval === undefined) interval = timers.setInterval(() => background(false), deps.checkEveryMs ?? 10 * 60_000);
    },
    resume() {
      // After sleep the previous failure's back-off no longer applies: the network is new.
      lastFailureAtMs = undefined;
      background(true);
    },
    dispose() {
      disposed = true;
      if (interval !== undefined) timers.clearInterval(interval);
      interval = undefined;
    },
  };
}
