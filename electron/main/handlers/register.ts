/**
 * The thin Electron glue for the IPC contract: the SHELL (electron/main/main.ts) calls
 * `registerIpc(ipcMain, dispatch)` once and `createEventSink(() => [win.webContents])` for events.
 * Written against Electron's types only (`import type`), so it type-checks and unit-tests in Node.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNELS, eventChannel, type EventName, type EventPayload } from '../../ipc/contract.js';
import { PAYLOAD_INVALID } from '../../ipc/schema.js';
import type { Dispatch, SenderInfo } from './dispatch.js';

export function senderInfo(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>): SenderInfo {
  const frame = event.senderFrame;
  if (!frame) return { url: undefined, isMainFrame: false };
  // `parent === null` is the top frame; also require it to be the window's main frame.
  return { url: frame.url, isMainFrame: frame.parent === null && event.sender.mainFrame === frame };
}

/** Registers one `ipcMain.handle` per contract channel; returns a function that removes them. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatch: Dispatch): () => void {
  for (const name of CHANNELS.keys()) {
    ipcMain.handle(name, (event, ...args: unknown[]) => {
      // The preload always sends exactly one argument (possibly undefined).
      if (args.length > 1) {
        return { ok: false, error: { code: PAYLOAD_INVALID, domain: 'input', message: 'Invalid request: too many arguments.' } };
      }
      return dispatch(name, senderInfo(event), args[0]);
    });
  }
  return () => {
    for (const name of CHANNELS.keys()) ipcMain.removeHandler(name);
  };
}

export interface EventSink {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/** Sends events to the app's window(s). Destroyed windows are skipped. */
export function createEventSink(targets: () => ReadonlyArray<Pick<WebContents, 'send' | 'isDestroyed'>>): EventSink {
  return {
    emit(name, payload) {
      for (const contents of targets()) {
        if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
      }
    },
  };
}
