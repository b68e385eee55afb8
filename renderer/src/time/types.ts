// Types of the time area, imported as TYPES ONLY (erased from the bundle; lint refuses value imports).
export type { ClockHealth, ClockHealthState } from '../../../core/time/health.js';
export type { TimeOffsetRecord } from '../../../core/vault/model.js';
export type { TimeServerChoice, TimeStatus } from '../../../electron/ipc/channels/time.js';
import type { time } from '../../../electron/ipc/channels/time.js';
import type { ApiFunction } from '../../../electron/ipc/channel.js';

type Channels = (typeof time)['channels'];
/** window.authdesk.time, typed from the area file (works before and after the area joins `areas`). */
export type TimeApi = { readonly [K in keyof Channels]: ApiFunction<Channels[K]> };
