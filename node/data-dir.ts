import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Electron's productName: the app's userData folder is named after it on every platform. */
export const PRODUCT_NAME = 'Authdesk';

/**
 * Where the vault lives. `AUTHDESK_DATA_DIR` wins (tests, portable use); otherwise the folder
 * Electron's app.getPath('userData') gives for productName "Authdesk", so the app and the CLI open
 * the same vault without either depending on the other:
 *   Linux:   $XDG_CONFIG_HOME/Authdesk, else ~/.config/Authdesk
 *   macOS:   ~/Library/Application Support/Authdesk
 *   Windows: %APPDATA%\Authdesk
 * (Electron main should still take it from here — openVault() with no dataDir — rather than
 * from app.getPath, so there is one definition.)
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env['AUTHDESK_DATA_DIR'];
  if (override !== undefined && override.trim() !== '') return resolve(override);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  const xdg = env['XDG_CONFIG_HOME'];
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored (Electron does the same).
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.config'), PRODUCT_NAME);
}

/**
 * Create `dir` (and its parents) as a private folder, or make an existing one private: mode 0700.
 * `mkdir(..., { mode })` applies only to folders it creates, so a data or backups folder that already
 * existed as 0755 or 0777 (made by hand, by an older version, by a restore) stayed open to other
 * local users — who could list it, read a plain export left there, or (0777) replace vault.json.
 * Windows has no mode bits (its ACLs come from the user's profile folder): nothing to do there.
 * Errors are node's own (errno codes); callers turn them into their sentences.
 */
export async function ensurePrivateDir(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  await tightenExistingDir(dir, platform);
}

/** Make an existing folder 0700 if it is open to group or others; a missing folder is left missing (ENOENT). */
export async function tightenExistingDir(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') return;
  const info = await fsp.stat(dir);
  if (info.isDirectory() && (info.mode & 0o077) !== 0) await fsp.chmod(dir, 0o700);
}
