/**
 * Builds `window.authdesk` from the contract. Used by the real preload (preload.ts, over ipcRenderer)
 * and by the e2e harness (over page.exposeBinding), so the renderer sees the identical API in both.
 *
 * The object is plain data + functions (contextBridge copies it): one function per channel, each
 * sending exactly one argument, and `on(event, listener)` for events. Never ipcRenderer itself,
 * never a generic `invoke(channel)`: the renderer cannot name a channel that is not in the contract.
 */
import type { Area } from '../ipc/channel.js';
import { areas, channelName, eventChannel, EVENT_NAMES, type AuthdeskApi } from '../ipc/contract.js';

export interface Transport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Listen to one event channel; `listener` gets the payload only (never the IPC event object). */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

export function buildAuthdeskApi(transport: Transport): AuthdeskApi {
  const api: Record<string, unknown> = {};
  for (const [area, def] of Object.entries(areas as Record<string, Area>)) {
    const functions: Record<string, (request?: unknown) => Promise<unknown>> = {};
    for (const action of Object.keys(def.channels)) {
      const name = channelName(area, action);
      functions[action] = (request?: unknown) => transport.invoke(name, request);
    }
    api[area] = Object.freeze(functions);
  }
  const known = new Set(EVENT_NAMES);
  api.on = (name: string, listener: (payload: unknown) => void) => {
    if (!known.has(name)) throw new Error(`Unknown Authdesk event "${String(name)}".`);
    if (typeof listener !== 'function') throw new Error('The listener must be a function.');
    return transport.subscribe(eventChannel(name), (payload) => listener(payload));
  };
  return Object.freeze(api) as unknown as AuthdeskApi;
}
