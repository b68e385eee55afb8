import { channel, event } from '../channel.js';
import { s } from '../schema.js';

export interface AppInfo {
  readonly version: string;
  readonly platform: 'darwin' | 'win32' | 'linux' | 'other';
}

export const app = {
  channels: {
    /** authdesk.app.info() */
    info: channel(s.none(), { whileLocked: true }).returns<AppInfo>(),
  },
  events: {
    /** Main asks the window to focus the search field (global shortcut, tray "Search…"). */
    focusSearch: event<Record<string, never>>(),
    /** Whether the person can see the window (false: hidden to the tray, minimised, screen locked,
     * suspended) and whether it has the keyboard. The renderer does no per-second work while it
     * cannot be seen, and steps its clock every few seconds while it is seen but not focused
     * (electron/main/presence.ts, docs/power.md). */
    presence: event<{ readonly visible: boolean; readonly focused: boolean }>(),
  },
} as const;
