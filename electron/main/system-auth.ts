/**
 * System authentication for the app lock: the `SystemAuth` port (node/app-lock.ts) built from what the
 * OS offers through Electron, and the sentence Settings shows where it offers nothing.
 *
 * - macOS: Touch ID through `systemPreferences.canPromptTouchID()` / `promptTouchID(reason)`.
 * - Windows, Linux: Electron has no API for Windows Hello or for polkit/fprintd, so there is no port
 *   and Settings says so (docs/SECURITY.md "System authentication"). Nothing is faked.
 *
 * Electron's `promptTouchID` resolves when the user is confirmed and rejects on cancel, a wrong finger,
 * too many attempts or no enrolled finger; the port turns every rejection into `false` (the lock then
 * shows one sentence), and hands the rejection to `onError` for main's log.
 */
import type { SystemPreferences } from 'electron';
import type { SystemAuth } from '../../node/app-lock.js';
import type { AppInfo } from '../ipc/channels/app.js';

/** The two members of Electron's `systemPreferences` the port uses (tests pass a fake). */
export type TouchIdPreferences = Pick<SystemPreferences, 'canPromptTouchID' | 'promptTouchID'>;

/** Touch ID on darwin; undefined elsewhere (= not available). */
export function createSystemAuth(platform: NodeJS.Platform, preferences: TouchIdPreferences, onError?: (error: unknown) => void): SystemAuth | undefined {
  if (platform !== 'darwin') return undefined;
  return {
    name: 'Touch ID',
    async available() {
      try {
        return preferences.canPromptTouchID() === true;
      } catch (error) {
        onError?.(error);
        return false;
      }
    },
    async prompt(reason) {
      try {
        // canPromptTouchID() can turn false between the status and the click (finger removed, lid closed).
        if (preferences.canPromptTouchID() !== true) return false;
        await preferences.promptTouchID(reason);
        return true;
      } catch (error) {
        onError?.(error);
        return false;
      }
    },
  };
}

/** Why "Unlock with system authentication" is not offered, in one line for Settings › App lock. */
export function systemAuthUnavailableNote(platform: AppInfo['platform']): string {
  switch (platform) {
    case 'darwin':
      return 'Touch ID is not available: this Mac has no Touch ID, or no fingerprint is set up in System Settings › Touch ID & Password.';
    case 'win32':
      return 'System authentication (Windows Hello) is not available on Windows: Electron offers no way to ask for it. Your passphrase unlocks Authdesk.';
    case 'linux':
      return 'System authentication is not available on Linux: Electron offers no way to ask the system for it. Your passphrase unlocks Authdesk.';
    default:
      return 'System authentication is not available on this system. Your passphrase unlocks Authdesk.';
  }
}
