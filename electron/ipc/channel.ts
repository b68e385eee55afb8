/**
 * The building blocks of the IPC contract (see docs/ipc.md). An area file
 * (electron/ipc/channels/<area>.ts) declares its channels and events with `channel()` and `event()`;
 * electron/ipc/contract.ts composes the areas into the one contract that main, the preload and the
 * renderer's typings are derived from.
 */
import type { UserFacingError } from '../../core/errors.js';
import type { Schema } from './schema.js';

/** Every channel and event carries this prefix, so main can refuse anything else outright. */
export const CHANNEL_PREFIX = 'authdesk:';
export const EVENT_PREFIX = 'authdesk:event:';

export interface ChannelSpec<Req, Res> {
  readonly kind: 'channel';
  /** Validates the request before the handler runs. */
  readonly request: Schema<Req>;
  /**
   * May this channel be called while the app is locked? Default false: the dispatcher answers
   * LOCKED without calling the handler. Only lock/unlock, theme and status reads say true.
   */
  readonly whileLocked: boolean;
  /** Phantom: the response type (never set at run time). */
  readonly __response?: Res;
}

export interface EventSpec<Payload> {
  readonly kind: 'event';
  readonly __payload?: Payload;
}

export interface Area {
  readonly channels: Readonly<Record<string, ChannelSpec<never, unknown> | ChannelSpec<unknown, unknown>>>;
  readonly events: Readonly<Record<string, EventSpec<unknown>>>;
}

/** `channel(s.object({...})).returns<Account>()` — the request schema, then the response type. */
export function channel<Req>(request: Schema<Req>, options: { whileLocked?: boolean } = {}): { returns<Res>(): ChannelSpec<Req, Res> } {
  return {
    returns<Res>(): ChannelSpec<Req, Res> {
      return { kind: 'channel', request, whileLocked: options.whileLocked ?? false };
    },
  };
}

export function event<Payload>(): EventSpec<Payload> {
  return { kind: 'event' };
}

/** What every preload function resolves with: errors cross the bridge as data, never as a stack. */
export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UserFacingError };

export type RequestOf<C> = C extends ChannelSpec<infer Req, unknown> ? Req : never;
export type ResponseOf<C> = C extends ChannelSpec<never, infer Res> ? Res : C extends ChannelSpec<unknown, infer Res> ? Res : never;
export type PayloadOf<E> = E extends EventSpec<infer P> ? P : never;

/** The preload function for one channel: no argument when the request is `void`. */
export type ApiFunction<C> = [RequestOf<C>] extends [void]
  ? () => Promise<IpcResult<ResponseOf<C>>>
  : (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;

/** The main-side handler for one channel: gets the validated request, returns the response. */
export type HandlerFunction<C> = (request: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
