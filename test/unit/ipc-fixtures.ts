// In-memory ports for the IPC unit tests: the REAL core Vault over a Map "keychain" and a memory
// document, so handlers run exactly the logic they run in the app (minus the OS keychain).
import { nodeHmac, nodeRandom } from '../../node/crypto.js';
import { Vault } from '../../core/vault/vault.js';
import type { VaultDocument } from '../../core/vault/model.js';
import type { Timers } from '../../node/app-lock.js';
import type { ClipboardPort } from '../../electron/main/handlers/clipboard-guard.js';
import { createAppServices, type AppServices } from '../../electron/main/handlers/index.js';
import type { EventSink } from '../../electron/main/handlers/register.js';

export async function memoryVault(now: () => number = () => Date.now()): Promise<Vault> {
  const items = new Map<string, string>();
  let document: VaultDocument | null = null;
  return Vault.open({
    secrets: {
      get: async (name) => items.get(name) ?? null,
      set: async (name, secret) => void items.set(name, secret),
      delete: async (name) => items.delete(name),
      list: async () => [...items].map(([accountName, secret]) => ({ accountName, secret })),
    },
    documents: {
      load: async () => (document === null ? null : structuredClone(document)),
      save: async (doc) => void (document = structuredClone(doc)),
      withLock: (fn) => fn(),
    },
    clock: { now },
    random: nodeRandom,
    hmac: nodeHmac,
  });
}

/** Timers driven by the test: `advance(ms)` runs what falls due. */
export function manualTimers(start = 1_700_000_000_000): Timers & { advance(ms: number): void; pending(): number } {
  let now = start;
  let nextId = 1;
  const queue = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      queue.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      queue.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...queue].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        queue.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    pending: () => queue.size,
  };
}

export function recordingClipboard(): ClipboardPort & { writes: string[]; text: string } {
  const port = {
    writes: [] as string[],
    text: '',
    writeText(text: string) {
      port.writes.push(text);
      port.text = text;
    },
    readText() {
      return port.text;
    },
  };
  return port;
}

export function recordingEvents(): EventSink & { emitted: Array<{ name: string; payload: unknown }> } {
  const emitted: Array<{ name: string; payload: unknown }> = [];
  return { emitted, emit: (name, payload) => void emitted.push({ name, payload }) };
}

export async function services(options: { timers?: Timers } = {}): Promise<{
  app: AppServices;
  vault: Vault;
  clipboard: ReturnType<typeof recordingClipboard>;
  events: ReturnType<typeof recordingEvents>;
}> {
  const vault = await memoryVault(options.timers ? () => options.timers!.now() : undefined);
  const clipboard = recordingClipboard();
  const events = recordingEvents();
  const app = await createAppServices({
    vault,
    clipboard,
    events,
    appInfo: { version: '0.0.0-test', platform: 'linux' },
    ...(options.timers ? { timers: options.timers } : {}),
  });
  return { app, vault, clipboard, events };
}
