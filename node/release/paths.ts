/**
 * Where the local release channel lives (docs/approvals.md "The channel"):
 *   Linux:   $XDG_RUNTIME_DIR/authdesk/release.sock (a per-user tmpfs, 0700, removed at logout)
 *   macOS and Linux without XDG_RUNTIME_DIR: <dataDir>/run/release.sock
 *   with AUTHDESK_DATA_DIR (tests, portable use): <dataDir>/run/release.sock, so two vaults never share a channel
 *   AUTHDESK_RUNTIME_DIR overrides the folder.
 *   Windows: the named pipe \\.\pipe\authdesk-release-<hash of user and data dir>.
 * The folder is created 0700 and must be owned by this user (ensurePrivateDir); the socket is 0600.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { ReleaseError } from '../../core/release/policy.js';
import { defaultDataDir } from '../data-dir.js';

export const SOCKET_NAME = 'release.sock';
/** sun_path is 108 bytes on Linux, 104 on macOS (with the terminating NUL). */
const MAX_SOCKET_PATH = 100;

export function releaseChannelPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const dataDir = defaultDataDir(env, platform);
  if (platform === 'win32') {
    const who = `${userInfo().username}\0${dataDir}`;
    return `\\\\.\\pipe\\authdesk-release-${createHash('sha256').update(who).digest('hex').slice(0, 16)}`;
  }
  const override = env['AUTHDESK_RUNTIME_DIR'];
  const xdg = env['XDG_RUNTIME_DIR'];
  let dir: string;
  if (override && override.startsWith('/')) dir = override;
  else if (env['AUTHDESK_DATA_DIR']?.trim()) dir = join(dataDir, 'run');
  else if (platform === 'linux' && xdg && xdg.startsWith('/')) dir = join(xdg, 'authdesk');
  else dir = join(dataDir, 'run');
  const path = join(dir, SOCKET_NAME);
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return path;
  // A deep data dir: a per-user folder in /tmp named after it (ensurePrivateDir refuses one another user made).
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join('/tmp', `authdesk-${uid}`, `${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`);
}

/**
 * Create the socket's folder 0700, or check an existing one: a real directory (not a symlink),
 * owned by this user; a looser mode is tightened. Anything else is refused: another user could
 * otherwise have made the folder and listen in our place.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
    throw new ReleaseError('RELEASE_CHANNEL_DIR_UNSAFE', `The folder for Authdesk's approval channel (${dir}) is not a folder of yours: remove it and start Authdesk again.`);
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

export function channelDir(socketPath: string): string {
  return dirname(socketPath);
}
