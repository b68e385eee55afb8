/**
 * Small decisions about the one window, pure so they are unit-tested:
 * - a second launch (single-instance lock) or the global shortcut brings it back;
 * - closing it hides it to the tray on macOS and Windows (the tray is always there), but quits on
 *   Linux, where many desktops (GNOME) show no tray icon and a hidden window would be unreachable;
 * - the application menu: macOS needs Edit roles for copy/paste to work in text fields; elsewhere no
 *   menu bar (no reload/DevTools accelerators in production).
 */
import type { MenuItemConstructorOptions } from 'electron';

export const DEFAULT_SHOW_SHORTCUT = 'CommandOrControl+Shift+A';

export interface ShowableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isVisible(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Brings the window to the front. Returns false when there is no live window (main creates one). */
export function revealWindow(win: ShowableWindow | null | undefined): boolean {
  if (!win || win.isDestroyed()) return false;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
  return true;
}

export type CloseBehavior = 'hide' | 'quit';

export function closeBehavior(platform: NodeJS.Platform, trayAvailable: boolean, quitting: boolean): CloseBehavior {
  if (quitting) return 'quit';
  if (platform === 'darwin' || platform === 'win32') return trayAvailable ? 'hide' : 'quit';
  return 'quit';
}

export function applicationMenuTemplate(platform: NodeJS.Platform, dev: boolean): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') {
    return dev ? [{ label: 'Develop', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] }] : null;
  }
  const template: MenuItemConstructorOptions[] = [
    { role: 'appMenu' },
    { role: 'editMenu' },
    { role: 'windowMenu' },
  ];
  if (dev) template.push({ label: 'Develop', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] });
  return template;
}

/**
 * A global shortcut the user can set later: accept only accelerators with at least one modifier and
 * one key (a bare letter as a global shortcut would swallow that letter system-wide).
 */
const MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta']);
const KEY = /^([a-z0-9]|f([1-9]|1[0-9]|2[0-4])|space|tab|backspace|delete|insert|return|enter|up|down|left|right|home|end|pageup|pagedown|escape|esc|plus|[`\-=[\];',./\\])$/i;

export function isValidShortcut(accelerator: string): boolean {
  const parts = accelerator.split('+');
  // "Ctrl+Plus" names the plus key; a literal trailing "+" splits into an empty part.
  if (parts.some((p) => p.trim() === '')) return false;
  const key = parts.at(-1) ?? '';
  const modifiers = parts.slice(0, -1).map((p) => p.trim().toLowerCase());
  if (modifiers.length === 0 || !modifiers.every((m) => MODIFIERS.has(m))) return false;
  if (new Set(modifiers).size !== modifiers.length) return false;
  if (modifiers.every((m) => m === 'shift')) return false;
  return KEY.test(key.trim());
}
