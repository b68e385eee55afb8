import { api } from '../api.js';
import type { TimeApi, TimeStatus } from './types.js';

interface WithTime {
  readonly time?: TimeApi;
  readonly on: (name: string, listener: (payload: never) => void) => () => void;
}

/** window.authdesk.time, or undefined when main does not offer the area (older main, tests). */
export function timeApi(): TimeApi | undefined {
  return (api() as unknown as WithTime).time;
}

/** Subscribe to `time.changed`; returns the unsubscribe function. */
export function onTimeChanged(listener: (status: TimeStatus) => void): () => void {
  try {
    return (api() as unknown as WithTime).on('time.changed', listener as (payload: never) => void);
  } catch {
    return () => undefined; // the preload does not know the event: main has no time area
  }
}

/** Subscribe to `settings.changed` (time correction and servers live in the settings). */
export function onSettingsChanged(listener: () => void): () => void {
  return (api() as unknown as WithTime).on('settings.changed', listener as (payload: never) => void);
}
