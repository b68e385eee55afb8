/**
 * Notices vault.json changing on disk (the CLI adding or removing an account while the app runs) so
 * the window refreshes. Watches the DIRECTORY: the document store replaces the file by rename, which
 * a watch on the file itself would lose after the first replacement. Debounced: one atomic write is
 * several directory events.
 */
import { watch, type FSWatcher } from 'node:fs';

export const VAULT_FILE_NAME = 'vault.json';

export function watchVault(dataDir: string, onChange: () => void, debounceMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dataDir, { persistent: false }, (_event, filename) => {
      if (filename !== null && filename !== VAULT_FILE_NAME) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        onChange();
      }, debounceMs);
    });
    // A watcher error (directory removed) must not crash main; the app still works, only without live refresh.
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    watcher?.close();
  };
}
