/**
 * THE IPC contract (DESIGN.md section 2, docs/ipc.md): every channel between the renderer and main.
 * Main's handlers (electron/main/handlers), the preload's `window.authdesk` (electron/preload) and the
 * renderer's typings are all derived from `areas` below, so a change here is a change everywhere.
 *
 * Naming: area `accounts`, action `list` -> channel `authdesk:accounts.list` -> preload function
 * `authdesk.accounts.list()` -> handler `handlers.accounts.list`. Events: `authdesk:event:<area>.<name>`,
 * received with `authdesk.on('<area>.<name>', listener)`.
 *
 * To add an area (time, scan, aws, backup): write electron/ipc/channels/<area>.ts exporting
 * `export const <area> = { channels: {...}, events: {...} } as const` and add ONE line to `areas`.
 */
import { CHANNEL_PREFIX, EVENT_PREFIX, type ApiFunction, type Area, type ChannelSpec, type HandlerFunction, type PayloadOf } from './channel.js';
import { accounts } from './channels/accounts.js';
import { app } from './channels/app.js';
import { clipboard } from './channels/clipboard.js';
import { codes } from './channels/codes.js';
import { lock } from './channels/lock.js';
import { settings } from './channels/settings.js';
import { time } from './channels/time.js';
import { scan } from './channels/scan.js';
import { aws } from './channels/aws.js';
import { backup } from './channels/backup.js';
import { release } from './channels/release.js';

export const areas = {
  accounts,
  codes,
  clipboard,
  settings,
  lock,
  app,
  time,
  scan,
  aws,
  backup,
  release,
} as const satisfies Record<string, Area>;

export type Areas = typeof areas;
export type AreaName = keyof Areas;

/** window.authdesk: one function per channel, plus `on` for events. */
export type AuthdeskApi = {
  readonly [A in AreaName]: { readonly [K in keyof Areas[A]['channels']]: ApiFunction<Areas[A]['channels'][K]> };
} & {
  /** Subscribe to a main->renderer event; returns the unsubscribe function. */
  readonly on: <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) => () => void;
};

/** Main's handlers, same shape as the API but taking the validated request and returning the value. */
export type Handlers = {
  readonly [A in AreaName]: { readonly [K in keyof Areas[A]['channels']]: HandlerFunction<Areas[A]['channels'][K]> };
};

type EventsOf<A extends AreaName> = { [K in keyof Areas[A]['events'] & string as `${A}.${K}`]: PayloadOf<Areas[A]['events'][K]> };
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type EventMap = UnionToIntersection<{ [A in AreaName]: EventsOf<A> }[AreaName]> extends infer M ? { [K in keyof M]: M[K] } : never;
export type EventName = keyof EventMap & string;
export type EventPayload<E extends EventName> = EventMap[E];

export interface ChannelEntry {
  readonly area: string;
  readonly action: string;
  /** `authdesk:accounts.list` */
  readonly channel: string;
  readonly spec: ChannelSpec<unknown, unknown>;
}

export function channelName(area: string, action: string): string {
  return `${CHANNEL_PREFIX}${area}.${action}`;
}

export function eventChannel(name: string): string {
  return `${EVENT_PREFIX}${name}`;
}

/** Every channel, flat. Built once; the dispatcher looks channels up here (unknown = refused). */
export const CHANNELS: ReadonlyMap<string, ChannelEntry> = new Map(
  Object.entries(areas as Record<string, Area>).flatMap(([area, def]) =>
    Object.entries(def.channels).map(([action, spec]) => {
      const name = channelName(area, action);
      return [name, { area, action, channel: name, spec: spec as ChannelSpec<unknown, unknown> }] as const;
    }),
  ),
);

/** Every event name (`accounts.changed`, ...). */
export const EVENT_NAMES: readonly string[] = Object.entries(areas as Record<string, Area>).flatMap(([area, def]) =>
  Object.keys(def.events).map((name) => `${area}.${name}`),
);
