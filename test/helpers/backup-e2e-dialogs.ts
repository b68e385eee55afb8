/**
 * Fake open/save dialogs for the backup area (electron/main/handlers/backup.ts `BackupDialogs`), as
 * main's Electron dialogs would answer: the test sets what the person "picks" next, and every
 * dialog shown is recorded (its title and suggested file name).
 */
import type { BackupDialogs, SaveDialogOptions } from '../../electron/main/handlers/backup.js';

export interface FakeBackupDialogs extends BackupDialogs {
  /** What the next open dialog returns ([] = cancelled). */
  openPaths: string[];
  /** What the next save dialog returns (undefined = cancelled). */
  savePath: string | undefined;
  readonly opened: number[];
  readonly saves: SaveDialogOptions[];
}

export function fakeBackupDialogs(): FakeBackupDialogs {
  const fake: FakeBackupDialogs = {
    openPaths: [],
    savePath: undefined,
    opened: [],
    saves: [],
    async chooseImportFiles() {
      fake.opened.push(Date.now());
      return [...fake.openPaths];
    },
    async chooseExportPath(options) {
      fake.saves.push(options);
      return fake.savePath;
    },
  };
  return fake;
}
