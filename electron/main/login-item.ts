/**
 * "Start at login", per platform. Electron's app.setLoginItemSettings works on macOS and Windows only;
 * on Linux the freedesktop way is an autostart entry, ~/.config/autostart/<id>.desktop (XDG Autostart
 * spec). A login start passes `--hidden` so Authdesk starts in the tray without a window.
 */
import path from 'node:path';

export const HIDDEN_ARG = '--hidden';
export const DESKTOP_FILE_NAME = 'dev.authdesk.app.desktop';

export type LoginItemPlan =
  | { readonly kind: 'electron'; readonly settings: { openAtLogin: boolean; args?: string[] } }
  | { readonly kind: 'xdg-autostart'; readonly file: string; readonly contents: string | null }
  | { readonly kind: 'unsupported'; readonly reason: string };

export interface LoginItemContext {
  readonly platform: NodeJS.Platform;
  /** process.execPath (the Electron binary). */
  readonly execPath: string;
  /** process.env.APPIMAGE: inside an AppImage the binary lives in a temporary mount, so the .AppImage is what starts. */
  readonly appImage?: string | undefined;
  /** $XDG_CONFIG_HOME or ~/.config */
  readonly configHome: string;
  /** False when running unpackaged (`electron .`): a login entry would start a bare Electron. */
  readonly packaged: boolean;
}

/** Quotes an Exec argument per the Desktop Entry spec (double quotes; \ " ` $ escaped). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_./+,:@=-]+$/.test(arg)) return arg;
  return `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

export function autostartDesktopEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Authdesk',
    'Comment=Start Authdesk in the tray at login',
    `Exec=${quoteExecArg(executable)} ${HIDDEN_ARG}`,
    'Icon=authdesk',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function loginItemPlan(enabled: boolean, context: LoginItemContext): LoginItemPlan {
  if (!context.packaged) return { kind: 'unsupported', reason: 'Start at login works in the installed app only.' };
  if (context.platform === 'darwin' || context.platform === 'win32') {
    return { kind: 'electron', settings: enabled ? { openAtLogin: true, args: [HIDDEN_ARG] } : { openAtLogin: false } };
  }
  if (context.platform === 'linux') {
    const file = path.posix.join(context.configHome, 'autostart', DESKTOP_FILE_NAME);
    const executable = context.appImage && context.appImage.length > 0 ? context.appImage : context.execPath;
    return { kind: 'xdg-autostart', file, contents: enabled ? autostartDesktopEntry(executable) : null };
  }
  return { kind: 'unsupported', reason: `Start at login is not supported on ${context.platform}.` };
}

/** The app was started by the login item: stay in the tray. macOS reports it through getLoginItemSettings. */
export function startedHidden(argv: readonly string[], macWasOpenedAtLogin = false): boolean {
  return argv.includes(HIDDEN_ARG) || macWasOpenedAtLogin;
}
