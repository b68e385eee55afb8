/**
 * Writing exports and backups: mode 0600 from the first byte (never a window where another user
 * can read a seed), no silent overwrite, and atomic replace (node/atomic-write.ts: temp file, fsync,
 * rename) when overwriting is allowed, so a crash never leaves half a backup where a good one was.
 */
import { constants, existsSync, promises as fs, statSync } from 'node:fs';
import { join } from 'node:path';
import { syncFolder, writeFileAtomic } from '../atomic-write.js';
import { BackupError } from '../../core/errors.js';
import { FILE_LIMITS } from '../../core/backup/format.js';
import { formatBytes, readUserFile, UserFileError } from '../user-file.js';

export async function writeSecretFile(path: string, data: string | Uint8Array, options: { force?: boolean } = {}): Promise<void> {
  if (!options.force) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      throw fileError(error, path);
    }
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.rm(path, { force: true }).catch(() => undefined);
      throw fileError(error, path);
    }
    await handle.close();
    return;
  }
  try {
    // Best effort for the folder: once renamed, the export is in place and "not written" would be false.
    await writeFileAtomic(path, data, { mode: 0o600, folderSync: 'best-effort' });
  } catch (error) {
    throw fileError(error, path);
  }
}

/** FILE-1.png... (".png" dropped from FILE), or DIR/authdesk-google-N.png when FILE is a folder. */
export function googleQrFiles(out: string, count: number): string[] {
  const isDir = existsSync(out) && statSync(out).isDirectory();
  const base = isDir ? join(out, 'authdesk-google') : out.replace(/\.png$/i, '');
  return Array.from({ length: count }, (_, i) => `${base}-${i + 1}.png`);
}

/**
 * Refuses, before anything is written, an export whose files already exist, so a refused export
 * leaves no part of itself behind. `remedy` is what the person can do (it differs between the
 * CLI, which has --force, and the app, whose save dialog asked about one name only).
 */
export function refuseExistingFiles(paths: readonly string[], remedy: (existing: number) => string): void {
  const existing = paths.filter((f) => existsSync(f));
  if (existing.length === 0) return;
  throw new BackupError('EXPORT_FILE_EXISTS', `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}. ${remedy(existing.length)}`, { details: { paths: existing } });
}

/** Best effort (node/atomic-write.ts syncFolder): a backup that was written stays written. */
export async function syncDir(dir: string): Promise<void> {
  await syncFolder(dir).catch(() => undefined);
}

function fileError(error: unknown, path: string): BackupError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EEXIST') return new BackupError('EXPORT_FILE_EXISTS', `${path} already exists. Choose another name, or add --force to replace it.`, { cause: error, details: { path } });
  if (code === 'ENOENT') return new BackupError('EXPORT_NO_FOLDER', `The folder of ${path} does not exist. Create it first or choose another place.`, { cause: error, details: { path } });
  if (code === 'EACCES' || code === 'EPERM') return new BackupError('EXPORT_NOT_ALLOWED', `Authdesk may not write ${path}. Choose a folder you can write to.`, { cause: error, details: { path } });
  if (code === 'ENOSPC') return new BackupError('EXPORT_DISK_FULL', `The disk is full; ${path} was not written.`, { cause: error, details: { path } });
  return new BackupError('EXPORT_WRITE_FAILED', `${path} could not be written (${code ?? 'unknown error'}).`, { cause: error, details: { path } });
}

/**
 * A file to import or restore (CLI and the app's open dialog), or a one-line reason it cannot be:
 * only a regular file, checked on the opened handle, refused by size before a byte is read and
 * read with a cap (node/user-file.ts). `/dev/zero` or a 1.5 GB file costs nothing.
 */
export async function readImportFile(file: string): Promise<Uint8Array> {
  try {
    return await readUserFile(file, FILE_LIMITS.MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof UserFileError) throw importFileError(error, file);
    throw error;
  }
}

export function importFileError(error: UserFileError, file: string): BackupError {
  const max = formatBytes(FILE_LIMITS.MAX_FILE_BYTES);
  switch (error.problem) {
    case 'missing':
      return new BackupError('IMPORT_FILE_UNREADABLE', `${file} does not exist.`, { cause: error });
    case 'directory':
      return new BackupError('IMPORT_NOT_A_FILE', `${file} is a folder, not a file.`, { cause: error });
    case 'not-regular':
      return new BackupError('IMPORT_NOT_A_FILE', `${file} is not an ordinary file (it is a device, a pipe or a socket); Authdesk imports only files. To read standard input, give "-".`, { cause: error });
    case 'too-large':
      return new BackupError('IMPORT_TOO_LARGE', `${file} is ${error.size !== undefined ? formatBytes(error.size) : `over ${max}`}; an export or backup is at most ${max}. Is it the right file?`, { cause: error });
    default:
      return new BackupError('IMPORT_FILE_UNREADABLE', `${file} cannot be read (${error.errno ?? 'error'}).`, { cause: error });
  }
}
