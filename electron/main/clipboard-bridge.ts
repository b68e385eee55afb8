/**
 * Electron 45's main-process clipboard is asynchronous (`readText(): Promise<string>`,
 * `writeText(): Promise<void>` in electron.d.ts), while the clipboard guard of the IPC handlers
 * (handlers/clipboard-guard.ts) takes a synchronous ClipboardPort. This bridge keeps the guard's
 * promise — clear after the delay ONLY if the clipboard still holds our code — by moving the check
 * into the clearing write:
 *   - writeText(code) writes it and remembers it as ours;
 *   - readText() answers what we last wrote (so the guard goes on to clear);
 *   - writeText('') reads the real clipboard and clears it only if it still holds our code.
 * If the user copied something else meanwhile, it is left alone. Replace this with an async port in the
 * guard when that changes (docs/SECURITY.md, "Clipboard").
 */
export interface AsyncClipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

export interface SyncClipboardPort {
  writeText(text: string): void;
  readText(): string;
}

export interface ClipboardBridge extends SyncClipboardPort {
  /** Resolves when every write and conditional clear started so far has finished (tests, quit). */
  settled(): Promise<void>;
}

export function bridgeAsyncClipboard(clipboard: AsyncClipboard, onError: (error: unknown) => void = () => {}): ClipboardBridge {
  let ours: string | undefined;
  // Operations run in order: a clear must not overtake the write it is clearing.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (op: () => Promise<void>) => {
    queue = queue.then(op).catch(onError);
  };

  return {
    writeText(text) {
      if (text === '') {
        const expected = ours;
        ours = undefined;
        if (expected === undefined) return;
        enqueue(async () => {
          if ((await clipboard.readText()) === expected) await clipboard.writeText('');
        });
        return;
      }
      ours = text;
      enqueue(() => clipboard.writeText(text));
    },
    readText() {
      return ours ?? '';
    },
    settled() {
      return queue;
    },
  };
}
