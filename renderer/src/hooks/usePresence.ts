import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api } from '../api.js';

/**
 * Can the person see the window? Only then does the list do per-second work (docs/power.md).
 * Two sources, both needed: the page's own visibility (Chromium marks a minimised window hidden)
 * and main's word (`app.presence`), which also covers what the page cannot see: the window hidden
 * to the tray, the screen locked, the machine suspended.
 */
let mainSaysVisible = true;
const listeners = new Set<() => void>();
let wired = false;

const pageVisible = (): boolean => document.visibilityState !== 'hidden';
export const isPresent = (): boolean => mainSaysVisible && pageVisible();

function notify(): void {
  for (const listener of [...listeners]) listener();
}

function wire(): void {
  if (wired) return;
  wired = true;
  document.addEventListener('visibilitychange', notify);
  api().on('app.presence', ({ visible }) => {
    if (visible === mainSaysVisible) return;
    mainSaysVisible = visible;
    notify();
  });
}

function subscribe(listener: () => void): () => void {
  wire();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True while the window can be seen; re-renders when that changes. */
export function usePresent(): boolean {
  return useSyncExternalStore(subscribe, isPresent);
}

/** Calls `onShown` each time the window becomes visible again (not on mount). */
export function useOnShown(onShown: () => void): void {
  const present = usePresent();
  const previous = useRef(present);
  const callback = useRef(onShown);
  callback.current = onShown;
  useEffect(() => {
    if (present && !previous.current) callback.current();
    previous.current = present;
  }, [present]);
}
