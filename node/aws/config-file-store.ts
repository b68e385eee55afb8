/**
 * Reading and atomically rewriting the AWS shared config file. The text edit itself is pure
 * (core/aws/config-file.ts); this module owns where the file is and how it is replaced:
 * - AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE as the AWS CLI reads them (a leading ~ expanded),
 *   else ~/.aws/config and ~/.aws/credentials;
 * - a config file that is a symlink (dotfile managers) is written through: the link stays a link;
 * - replaced by node/atomic-write.ts (temp file in the same folder, fsync, rename over, fsync of the
 *   folder, best effort: once renamed the new text is in place); the file's mode is kept (0600 for
 *   a new file, in a new 0700 ~/.aws);
 * - the previous text is copied to `<file>.authdesk-backup` first, written the same way, so a crash
 *   never leaves half a backup over a good one;
 * - if the file changed between our read and our write (aws configure ran meanwhile), nothing is
 *   written and the caller is told to try again.
 */
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
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
  const backup = exists ? `${target}${BACKUP_SUFFIX}` : undefined;
  try {
    if (backup) await writeFileAtomic(backup, current, { mode, folderSync: 'best-effort' });
    await writeFileAtomic(target, text, { mode, folderSync: 'best-effort' });
  } catch (error) {
    throw fileError(error, target, 'write');
  }
  return { file: target, backup };
}
