/**
 * The approval prompt's window (docs/approvals.md): a small always-on-top window in the corner of
 * the screen's work area, shown with showInactive() so it never takes the keyboard from what the
 * person is typing into, and working with the main window closed (the app lives in the tray).
 * It loads the app's own page with #release-prompt (renderer/src/release/ReleasePrompt.tsx), which
 * answers by request id through the `release.*` channels like any window of the app.
 *
 * The decisions are pure and unit-tested (promptWindowAction, promptBounds); the Electron calls are
 * the few lines of createReleasePromptWindow.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';

export const PROMPT_SIZE = { width: 400, height: 300 } as const;
const MARGIN = 16;

/** What to do with the prompt window when the waiting requests change. */
export function promptWindowAction(pendingCount: number, windowOpen: boolean): 'open' | 'keep' | 'close' | 'none' {
  if (pendingCount > 0) return windowOpen ? 'keep' : 'open';
  return windowOpen ? 'close' : 'none';
}

/** Top-right corner of the work area (below a top panel, clear of a side dock). */
export function promptBounds(workArea: Rectangle, size: { width: number; height: number } = PROMPT_SIZE): Rectangle {
  const width = Math.min(size.width, workArea.width);
  const height = Math.min(size.height, workArea.height);
  return { x: Math.max(workArea.x, workArea.x + workArea.width - width - MARGIN), y: Math.min(workArea.y + MARGIN, workArea.y + workArea.height - height), width, height };
}

/** The window's options: on top, out of the task bar, not focused when shown, the app's secure web preferences. */
export function promptWindowOptions(bounds: Rectangle, webPreferences: NonNullable<BrowserWindowConstructorOptions['webPreferences']>): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    show: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    title: 'Authdesk — approve a release',
    webPreferences,
  };
}

export interface PromptWindowPort {
  create(): BrowserWindow;
}

/** Keeps at most one prompt window, opened while requests wait and closed when none do. */
export function createPromptController(port: PromptWindowPort) {
  let window: BrowserWindow | null = null;
  return {
    update(pendingCount: number): void {
      const open = window !== null && !window.isDestroyed();
      const action = promptWindowAction(pendingCount, open);
      if (action === 'open') {
        const created = port.create();
        window = created;
        created.on('closed', () => {
          if (window === created) window = null;
        });
        // Shown without focus: the keyboard stays where the person is typing.
        created.once('ready-to-show', () => created.showInactive());
      } else if (action === 'close') {
        window?.destroy();
        window = null;
      }
    },
    webContents: () => (window && !window.isDestroyed() ? [window.webContents] : []),
    close(): void {
      if (window && !window.isDestroyed()) window.destroy();
      window = null;
    },
  };
}
