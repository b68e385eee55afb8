import type { UserFacingError } from '../../../core/errors.js';
import type { ClockHealth } from '../../../core/time/health.js';
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
  readonly servers: readonly string[];
  readonly correctionEnabled: boolean;
}

/** host, host:port, [v6] or [v6]:port: what core/time/server.ts parseTimeServer accepts. */
const timeServer = s.string({ min: 1, max: 261, pattern: /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/, patternHint: 'a host name or address, optionally with :PORT' });

export const time = {
  channels: {
    /** authdesk.time.status() — the current health; cheap (no network). */
    status: channel(s.none()).returns<TimeStatus>(),
    /**
     * authdesk.time.sync({server?}) — measure now ("Check now") and store the offset; resolves when
     * done (a few seconds at most; the UI stays live meanwhile). Without `server`: the settings' servers,
     * then the HTTPS Date fallback. Fails with the TimeError's sentence; the old offset stays.
     */
    sync: channel(s.object({ server: s.optional(timeServer) })).returns<TimeStatus>(),
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
