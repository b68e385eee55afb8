/**
 * Copy a code, then clear the clipboard after the configured delay ONLY if it still holds that
 * code (the user may have copied something else since: never wipe their data). Pure logic over a
 * ClipboardPort, so it is tested in Node; the shell passes Electron's `clipboard`.
 */
import type { Timers } from '../../../node/app-lock.js';

export interface ClipboardPort {
  writeText(text: string): void;
  readText(): string;
}

export interface ClipboardGuard {
  /** Writes `code`; schedules the clear. Returns when it will clear (null: never). */
  copy(code: string, clearAfterSeconds: number): { clearsAt: number | null };
  /** Clears now if the clipboard still holds our last code (on lock and quit). True if cleared. */
  clearIfOurs(): boolean;
  dispose(): void;
}

export function createClipboardGuard(port: ClipboardPort, timers: Timers, onCleared?: (at: number) => void): ClipboardGuard {
  let ours: string | undefined;
  let timer: unknown;

  function cancel(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  function clearIfOurs(): boolean {
    cancel();
    const code = ours;
    ours = undefined;
    if (code === undefined) return false;
    let current: string;
    try {
      current = port.readText();
    } catch {
      return false;
    }
    if (current !== code) return false;
    port.writeText('');
    onCleared?.(timers.now());
    return true;
  }

  return {
    copy(code, clearAfterSeconds) {
      cancel();
      port.writeText(code);
      ours = code;
      if (clearAfterSeconds <= 0) return { clearsAt: null };
      const ms = clearAfterSeconds * 1000;
      timer = timers.setTimeout(() => {
        timer = undefined;
        clearIfOurs();
      }, ms);
      return { clearsAt: timers.now() + ms };
    },
    clearIfOurs,
    dispose: cancel,
  };
}
