/**
 * Whether the person can see Authdesk's window, from the facts main hears about: the window shown,
 * hidden (to the tray) or minimised, and the screen locked or the machine suspended. The renderer
 * stops every timer while the answer is "no" (renderer/src/hooks/usePresence.ts), which is what
 * makes a window left in the tray all day cost nothing (docs/power.md).
 *
 * Pure: main.ts feeds BrowserWindow and powerMonitor events in; `onChange` hears each change once.
 */
export type PresenceFact =
  | 'window-shown' | 'window-hidden' | 'window-minimised' | 'window-restored'
  | 'screen-locked' | 'screen-unlocked' | 'suspended' | 'resumed';

export interface PresenceTracker {
  /** Feed one event; returns whether the window can be seen now. */
  note(fact: PresenceFact): boolean;
  visible(): boolean;
}

export function createPresenceTracker(initial: { shown: boolean }, onChange: (visible: boolean) => void): PresenceTracker {
  let shown = initial.shown;
  let minimised = false;
  let screenLocked = false;
  let suspended = false;
  const compute = () => shown && !minimised && !screenLocked && !suspended;
  let last = compute();
  return {
    note(fact) {
      switch (fact) {
        case 'window-shown': shown = true; break;
        case 'window-hidden': shown = false; break;
        case 'window-minimised': minimised = true; break;
        case 'window-restored': minimised = false; break;
        case 'screen-locked': screenLocked = true; break;
        case 'screen-unlocked': screenLocked = false; break;
        case 'suspended': suspended = true; break;
        case 'resumed': suspended = false; break;
      }
      const now = compute();
      if (now !== last) {
        last = now;
        onChange(now);
      }
      return now;
    },
    visible: () => last,
  };
}
