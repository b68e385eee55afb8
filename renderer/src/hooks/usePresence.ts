import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api } from '../api.js';

/**
 * How much of the person's attention the window has, which decides how much the page may do
 * (docs/power.md):
 *  - 'unseen':  hidden to the tray, minimised, screen locked, suspended: no timer at all;
 *  - 'glance':  on screen while the person works in another window: the list's clock steps every
 *               few seconds, and every second only near the end of a code (renderer/src/clock-schedule.ts);
 *  - 'active':  focused, or the pointer is over it: every second.
 * Sources, each needed: main's word (`app.presence`: what the page cannot see, such as the tray or a
 * locked screen, and the window's focus), the page's own visibility (Chromium marks a minimised
 * window hidden) and focus, and whether the pointer is over the page (a person reaching for a code
 * in an unfocused window gets the seconds back before they click).
 */
export type Attention = 'unseen' | 'glance' | 'active';

let mainSaysVisible = true;
let mainSaysFocused = true;
let pageFocused = typeof document !== 'undefined' ? document.hasFocus() : true;
let pointerInside = false;
const listeners = new Set<() => void>();
let wired = false;

const pageVisible = (): boolean => document.visibilityState !== 'hidden';
export const isPresent = (): boolean => mainSaysVisible && pageVisible();
export const attention = (): Attention => {
  if (!isPresent()) return 'unseen';
  return (mainSaysFocused && pageFocused) || pointerInside ? 'active' : 'glance';
};

function notify(): void {
  for (const listener of [...listeners]) listener();
}

function set(update: () => void): void {
  const before = attention();
  update();
  if (attention() !== before) notify();
}

function wire(): void {
  if (wired) return;
  wired = true;
  document.addEventListener('visibilitychange', notify);
  window.addEventListener('focus', () => set(() => (pageFocused = true)));
  window.addEventListener('blur', () => set(() => (pageFocused = false)));
  // mouseover bubbles from whatever is under the pointer; mouseout with no related target means
  // the pointer left the window (mouseenter/leave on the root would miss a pointer already inside).
  document.addEventListener('mouseover', () => {
    if (!pointerInside) set(() => (pointerInside = true));
  }, { passive: true });
  document.addEventListener('mouseout', (event) => {
    if (event.relatedTarget === null) set(() => (pointerInside = false));
  }, { passive: true });
  api().on('app.presence', ({ visible, focused }) => {
    set(() => {
      mainSaysVisible = visible;
      mainSaysFocused = focused;
    });
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

/** How much attention the window has now; re-renders when that changes. */
export function useAttention(): Attention {
  return useSyncExternalStore(subscribe, attention);
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
