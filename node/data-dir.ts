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
