/**
 * Replacing a file so that a reader, or the next start after a crash or a power loss, finds the old
 * content or the new, never a mix, a truncated file or an empty one. One way for every file
 * Authdesk rewrites: vault.json, a code ledger record, the activity log when it is compacted, the AWS
 * config file and its backup copy, an export written over an existing file. Each step is there
 * because something breaks without it:
 *
 * - **A temp file in the same folder, renamed over the file.** rename(2) replaces atomically only
 *   within one filesystem; writing the file in place would leave half of it after a crash.
 * - **Created with O_EXCL and the final mode.** The content is never readable by another user, not
 *   even for a moment (a vault names accounts; an export holds seeds), and it is never written
 *   through a file or link someone else put at that name.
 * - **Named `.<name>.<pid>.<random>.tmp`.** Two writers never share a temp file, and a leftover of a
 *   crash is recognisable (`isTempOf`: the vault removes its own under its lock).
 * - **chmod after create.** The create mode is narrowed by the umask, which a kept mode (the AWS
 *   config file's 0644) must survive, and some filesystems ignore it.
 * - **fsync before the rename.** Without it a power loss can keep the rename but lose the data: an
 *   empty vault.json.
 * - **fsync of the folder after the rename.** The rename lives in the folder's entry; without it a
 *   power loss can bring the old file back after the caller acted on the new one (a code ledger
 *   forgetting a code that was sent). Windows cannot open a folder for it; NTFS journals renames.
 * - **A failed write removes its temp file** and leaves the file as it was.
 *
 * Errors are the filesystem's own (with their `code`): each caller words them for its file.
 */
import { uniqueSuffix } from './unique-name.js';
import { promises as fsp, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's mode (default 0600). */
  readonly mode?: number;
  /**
   * 'required' (default): a failed fsync of the folder fails the write, for files whose caller acts
   * on their durability (the vault, the code ledger). 'best-effort': ignored, for files where the
   * new content is in place and "not written" would be the false thing to say (the AWS config
   * file, exports, the activity log).
   */
  readonly folderSync?: 'required' | 'best-effort';
}

/** A new temp file name for `file`, in its folder. */
function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${uniqueSuffix()}.tmp`);
}

/** Whether a folder entry is a temp file of an atomic write of `fileName` (a crash's leftover when no write runs). */
export function isTempOf(entry: string, fileName: string): boolean {
  return entry.startsWith(`.${fileName}.`) && entry.endsWith('.tmp');
}

/** fsync a folder, making the renames in it durable (POSIX). A no-op on Windows. */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fsp.open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replace `file` with `data`, atomically and durably (see the module comment). */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const temp = tempPathFor(file);
  try {
    const handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (process.platform !== 'win32') await fsp.chmod(temp, mode);
    await fsp.rename(temp, file);
  } catch (error) {
    await fsp.unlink(temp).catch(() => undefined);
    throw error;
  }
  const synced = syncFolder(dirname(file));
  await (options.folderSync === 'best-effort' ? synced.catch(() => undefined) : synced);
}
