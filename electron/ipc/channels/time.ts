import type { UserFacingError } from '../../../core/errors.js';
import type { ClockHealth } from '../../../core/time/health.js';
import type { TimeServerPresetId } from '../../../core/time/server.js';
import type { Account } from '../../../core/vault/model.js';
import { channel, event, type HandlerFunction } from '../channel.js';
import { s } from '../schema.js';
import { accountId } from './common.js';

/** Per-account step adjustment limit (whole periods); core/time/health.ts MAX_STEP_ADJUST. */
export const STEP_ADJUST_LIMIT = 10;

/** The clock as the app shows it (indicator, Settings). Never a secret. */
export interface TimeStatus {
  /** State, severity and the sentences (core/time/health.ts). */
  readonly health: ClockHealth;
  /** A measurement is running now (start, resume, periodic or "Check now"). */
  readonly measuring: boolean;
  /** Why the last attempt failed, when it did (the last good offset stays in use). */
  readonly lastError?: UserFacingError;
  /** ISO time of the last attempt, good or not. */
  readonly lastAttemptAt?: string;
  /**
   * A measurement beyond ±2 min that nothing vouched for (core/time/trust.ts), kept in main. The
   * renderer shows it and may confirm it by `id`; it never sends an offset back.
   */
  readonly pending?: PendingOffsetView;
  /** The NTP servers in use (hosts; main's choice list or custom ones set through the CLI). */
  readonly servers: readonly string[];
  /** Main's fixed list the renderer chooses from by id (settings.update({timeServerIds})). */
  readonly serverChoices: readonly TimeServerChoice[];
  readonly correctionEnabled: boolean;
}

export interface PendingOffsetView {
  /** Names the measurement for time.confirmOffset (its measuredAt). */
  readonly id: string;
  readonly offsetMs: number;
  readonly source: string;
  readonly measuredAt: string;
  /** Young enough to confirm (an hour); otherwise "Check now" first. */
  readonly confirmable: boolean;
}

export interface TimeServerChoice {
  readonly id: TimeServerPresetId;
  readonly label: string;
  readonly host: string;
  /** In the configured list now. */
  readonly selected: boolean;
}

export const time = {
  channels: {
    /** authdesk.time.status() — the current health; cheap (no network). */
    status: channel(s.none()).returns<TimeStatus>(),
    /**
     * authdesk.time.sync({}) — measure now ("Check now") against the settings' servers, then the HTTPS
     * Date fallback, and store the offset; resolves when done (a few seconds at most; the UI stays
     * live meanwhile). Fails with the TimeError's sentence; the old offset stays. It takes no server:
     * the renderer cannot name a host or port (docs/SECURITY.md, "No way out to the network").
     */
    sync: channel(s.object({})).returns<TimeStatus>(),
    /**
     * authdesk.time.confirmOffset({id}) — the person confirmed, in a dialog that showed what will
     * change, the pending measurement `id` (TimeStatus.pending.id). Main applies the measurement it
     * kept; the payload carries no offset. Fails when it was replaced or is over an hour old.
     */
    confirmOffset: channel(s.object({ id: s.string({ min: 1, max: 40, pattern: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/, patternHint: 'a measurement id' }) })).returns<TimeStatus>(),
    /** authdesk.time.setStepAdjust({id, steps}) — per-account shift in whole periods (services whose clock is off). */
    setStepAdjust: channel(s.object({ id: accountId, steps: s.int({ min: -STEP_ADJUST_LIMIT, max: STEP_ADJUST_LIMIT }) })).returns<Account>(),
  },
  events: {
    /** A measurement started or ended, or the stored offset changed. */
    changed: event<TimeStatus>(),
  },
} as const;

/** Main's handlers for this area (equal to `Handlers['time']` once the area is in the contract). */
export type TimeHandlers = { readonly [K in keyof typeof time.channels]: HandlerFunction<(typeof time.channels)[K]> };
