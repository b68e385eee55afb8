/**
 * Whether the person can see Authdesk's window, and whether it has the keyboard, from the facts
 * main hears about: the window shown, hidden (to the tray), minimised, focused or not, and the
 * screen locked or the machine suspended. The renderer stops every timer while the window cannot
 * be seen, and calms its clock while it can be seen but the person works in another window
 * (renderer/src/hooks/usePresence.ts): that is what makes a window left on screen or in the tray
 * all day cost next to nothing (docs/power.md).
 *
 * Pure: main.ts feeds BrowserWindow and powerMonitor events in; `onChange` hears each change once.
 */
export type PresenceFact =
  | 'window-shown' | 'window-hidden' | 'window-minimised' | 'window-restored'
  | 'window-focused' | 'window-blurred'
  | 'screen-locked' | 'screen-unlocked' | 'suspended' | 'resumed';

export interface Presence {
  /** The window can be seen (shown, not minimised, screen unlocked, machine awake). */
  readonly visible: boolean;
  /** It can be seen AND has the keyboard: the person is using Authdesk, not just leaving it open. */
  readonly focused: boolean;
}

export interface PresenceTracker {
  /** Feed one event; returns the presence now. */
  note(fact: PresenceFact): Presence;
}

export function createPresenceTracker(initial: { shown: boolean }, onChange: (presence: Presence) => void): PresenceTracker {
  let shown = initial.shown;
  // A window shown at start is given the focus (createWindow shows it; 'focus' may come later).
  let focused = initial.shown;
  let minimised = false;
  let screenLocked = false;
  let suspended = false;
  const compute = (): Presence => {
    const visible = shown && !minimised && !screenLocked && !suspended;
    return { visible, focused: visible && focused };
  };
  let last = compute();
  return {
    note(fact) {
      switch (fact) {
        case 'window-shown': shown = true; break;
        case 'window-hidden': shown = false; break;
        case 'window-minimised': minimised = true; break;
        case 'window-restored': minimised = false; break;
        case 'window-focused': focused = true; break;
        case 'window-blurred': focused = false; break;
        case 'screen-locked': screenLocked = true; break;
        case 'screen-unlocked': screenLocked = false; break;
        case 'suspended': suspended = true; break;
        case 'resumed': suspended = false; break;
      }
      const now = compute();
      if (now.visible !== last.visible || now.focused !== last.focused) {
        last = now;
        onChange(now);
      }
      return now;
    },
  };
}
