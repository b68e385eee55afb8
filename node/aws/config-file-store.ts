/**
 * Reading and atomically rewriting the AWS shared config file. The text edit itself is pure
 * (core/aws/config-file.ts); this module owns where the file is and how it is replaced:
 * - AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE as the AWS CLI reads them (a leading ~ expanded),
 *   else ~/.aws/config and ~/.aws/credentials;
 * - a config file that is a symlink (dotfile managers) is written through: the link stays a link;
 * - temp file in the same folder, fsync, rename over, fsync the folder; the file's mode is kept
 *   (0600 for a new file, in a new 0700 ~/.aws);
 * - the previous text is copied to `<file>.authdesk-backup` first;
 * - if the file changed between our read and our write (aws configure ran meanwhile), nothing is
 *   written and the caller is told to try again.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { AuthdeskError, InputError } from '../../core/errors.js';

export const BACKUP_SUFFIX = '.authdesk-backup';

function expandHome(file: string, home: string): string {
  return file === '~' || file.startsWith('~/') || file.startsWith('~\\') ? path.join(home, file.slice(1)) : file;
}

export function awsConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const set = env.AWS_CONFIG_FILE;
  return path.resolve(set ? expandHome(set, home) : path.join(home, '.aws', 'config'));
}

export function awsCredentialsPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const set = env.AWS_SHARED_CREDENTIALS_FILE;
  return path.resolve(set ? expandHome(set, home) : path.join(home, '.aws', 'credentials'));
}

function fileError(error: unknown, file: string, action: string): AuthdeskError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code === 'ENOSPC' ? 'the disk is full' : (code ?? 'unknown error');
  return new InputError('AWS_CONFIG_IO', `Could not ${action} ${file} (${why}). Nothing was changed.`, { cause: error, details: { file } });
}

/** The file's text, or '' when it does not exist yet. */
export async function readAwsFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw fileError(error, file, 'read');
  }
}

async function writeDurably(file: string, text: string, mode: number): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask may have narrowed the mode at create: the file keeps the mode it had.
  if (process.platform !== 'win32') await chmod(file, mode);
}

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ReplaceResult {
  /** The file actually written (the symlink's target when the config file is a link). */
  readonly file: string;
  /** The copy of the previous text, when there was one. */
  readonly backup: string | undefined;
}

/**
 * Replace `file` with `text`, atomically, if it still holds `expected` (what the caller read and
 * edited). Keeps a copy of the previous text beside it.
 */
export async function replaceAwsFile(file: string, expected: string, text: string): Promise<ReplaceResult> {
  let target = file;
  try {
    target = await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(error, file, 'read');
  }
  const dir = path.dirname(target);
  let mode = 0o600;
  let exists = false;
  try {
    const info = await stat(target);
    mode = info.mode & 0o777;
    exists = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(error, target, 'read');
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (mkdirError) {
      throw fileError(mkdirError, dir, 'create the folder');
    }
  }
  const current = await readAwsFile(target);
  if (current !== expected) {
    throw new InputError('AWS_CONFIG_CHANGED', `${target} changed while Authdesk was editing it (another program wrote it). Nothing was changed; run the command again.`, { details: { file: target } });
  }
  let backup: string | undefined;
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (exists) {
      // Written the same way (temp + rename), so a crash never leaves half a backup over a good one.
      backup = `${target}${BACKUP_SUFFIX}`;
      const backupTemp = `${temp}.backup`;
      await writeDurably(backupTemp, current, mode);
      await rename(backupTemp, backup);
    }
    await writeDurably(temp, text, mode);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    await unlink(`${temp}.backup`).catch(() => undefined);
    throw fileError(error, target, 'write');
  }
  await syncDir(dir).catch(() => undefined);
  return { file: target, backup };
}
