import { useEffect, useRef } from 'react';
import { api } from '../api.js';
import type { EventName, EventPayload } from '../types.js';

/** Subscribe to a main->renderer event for the component's lifetime. */
export function useAuthdeskEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => api().on(name, (payload) => ref.current(payload)), [name]);
}
