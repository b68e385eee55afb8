import { api } from '../api.js';
import type { BackupApi, BackupStatus } from './types.js';

interface WithBackup {
  readonly backup?: BackupApi;
  readonly on: (name: string, listener: (payload: never) => void) => () => void;
}

/** window.authdesk.backup, or undefined when main does not offer the area. */
export function backupApi(): BackupApi | undefined {
  return (api() as unknown as WithBackup).backup;
}

function subscribe<T>(name: string, listener: (payload: T) => void): () => void {
  try {
    return (api() as unknown as WithBackup).on(name, listener as (payload: never) => void);
  } catch {
    return () => undefined;
  }
}

export const onBackupChanged = (listener: (status: BackupStatus) => void) => subscribe('backup.changed', listener);
export const onBackupProgress = (listener: (p: { done: number; total: number }) => void) => subscribe('backup.progress', listener);

/** "3 Mar 2025, 14:05" in the person's locale; with `seconds`, "14:05:09" (backups minutes apart look alike otherwise). */
export function when(iso: string, seconds = false): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short' });
}
