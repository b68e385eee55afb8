/**
 * When the vault cannot be opened at start (no Secret Service, a locked keychain, a damaged vault
 * file), Authdesk shows a dialog that says what happened and what to do, with "Try again" and "Quit".
 * Never a stack trace: anything that is not an AuthdeskError gets the generic sentence, and the details
 * go to main's log only.
 */
import { AuthdeskError, INTERNAL_ERROR_MESSAGE, toUserFacing } from '../../core/errors.js';

export interface StartupDialog {
  readonly type: 'error';
  readonly title: string;
  readonly message: string;
  readonly detail: string;
  readonly buttons: string[];
  readonly defaultId: number;
  readonly cancelId: number;
}

export const RETRY_BUTTON = 0;
export const QUIT_BUTTON = 1;

const KEYCHAIN_HELP: Partial<Record<NodeJS.Platform, string>> = {
  linux:
    'Authdesk keeps your secrets in the Secret Service (GNOME Keyring or KWallet). Make sure one is installed and running and that your login keyring is unlocked, then choose Try again.',
  darwin: 'Authdesk keeps your secrets in the macOS Keychain. Unlock your login keychain (Keychain Access), then choose Try again.',
  win32: 'Authdesk keeps your secrets in Windows Credential Manager. Sign in to Windows normally (not a temporary profile), then choose Try again.',
};

export function startupErrorDialog(error: unknown, platform: NodeJS.Platform): StartupDialog {
  const facing = toUserFacing(error);
  const isKnown = error instanceof AuthdeskError;
  const title = facing.domain === 'keychain' ? 'Authdesk cannot reach the keychain' : facing.domain === 'vault' ? 'Authdesk cannot open its vault' : 'Authdesk could not start';
  const help = facing.domain === 'keychain' ? (KEYCHAIN_HELP[platform] ?? '') : '';
  const detail = [isKnown ? facing.message : INTERNAL_ERROR_MESSAGE, help, isKnown ? `(${facing.code})` : ''].filter((s) => s !== '').join('\n\n');
  return {
    type: 'error',
    title,
    message: title,
    detail,
    buttons: ['Try again', 'Quit'],
    defaultId: RETRY_BUTTON,
    cancelId: QUIT_BUTTON,
  };
}
