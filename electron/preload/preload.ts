/**
 * The preload (sandboxed; bundled to dist/preload/preload.cjs by scripts/build.mjs). It exposes
 * `window.authdesk` built from the contract and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildAuthdeskApi } from './api.js';

const api = buildAuthdeskApi({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribe(channel, listener) {
    // Strip the IpcRendererEvent: it carries `sender` (the ipcRenderer), which must not leak to the page.
    const handler = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('authdesk', api);
