/**
 * The tray / menu-bar menu as data: which entries, in which order, enabled or not, and what each does.
 * main.ts turns the model into Electron's MenuItemConstructorOptions (`toMenuTemplate`) and rebuilds it
 * only when `menuSignature` changes. Codes are never in the menu: clicking an account copies its
 * current code at that moment (through the same clipboard guard the IPC handlers use).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Account } from '../../core/vault/model.js';

export type TrayAction =
  | { readonly kind: 'copy'; readonly accountId: string }
  | { readonly kind: 'open' }
  | { readonly kind: 'lock' }
  | { readonly kind: 'quit' };

export type TrayEntry =
  | { readonly type: 'separator' }
  | { readonly type: 'item'; readonly label: string; readonly enabled: boolean; readonly action?: TrayAction; readonly toolTip?: string };

export type TrayAccount = Pick<Account, 'id' | 'issuer' | 'label' | 'type' | 'status'>;

export interface TrayState {
  /** The app lock is engaged: no account is listed and nothing can be copied. */
  readonly locked: boolean;
  /** A passphrase is set, so "Lock" means something. */
  readonly lockEnabled: boolean;
}

/** More accounts than this and the menu shows the first ones and "N more in Authdesk…". */
export const MAX_TRAY_ACCOUNTS = 20;
/** Menu labels longer than this are cut with an ellipsis (menus do not wrap). */
export const MAX_LABEL_LENGTH = 60;

/**
 * On Windows and Linux an `&` in a menu label marks the next letter as a mnemonic and is not shown;
 * `&&` shows one `&`. macOS shows labels literally. Control characters never belong in a label.
 */
export function escapeMenuLabel(text: string, platform: NodeJS.Platform): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return platform === 'darwin' ? clean : clean.replace(/&/g, '&&');
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export function accountMenuLabel(account: Pick<TrayAccount, 'issuer' | 'label'>): string {
  const issuer = account.issuer.trim();
  const label = account.label.trim();
  const text = issuer && label && issuer !== label ? `${issuer}: ${label}` : issuer || label || 'Unnamed account';
  return truncate(text, MAX_LABEL_LENGTH);
}

export function trayMenuModel(accounts: readonly TrayAccount[], state: TrayState, platform: NodeJS.Platform): TrayEntry[] {
  const entries: TrayEntry[] = [];
  const item = (label: string, enabled: boolean, action?: TrayAction, toolTip?: string): TrayEntry => {
    const base = { type: 'item' as const, label: escapeMenuLabel(label, platform), enabled };
    return { ...base, ...(action ? { action } : {}), ...(toolTip ? { toolTip } : {}) };
  };

  if (state.locked) {
    entries.push(item('Authdesk is locked', false));
    entries.push(item('Unlock…', true, { kind: 'open' }));
  } else {
    // Pending AWS enrollments have no working code yet; they are finished in the window.
    const usable = accounts.filter((a) => a.status !== 'pending');
    if (usable.length === 0) {
      entries.push(item(accounts.length === 0 ? 'No accounts yet' : 'No accounts ready', false));
    } else {
      entries.push(item('Click to copy a code', false));
      for (const account of usable.slice(0, MAX_TRAY_ACCOUNTS)) {
        const name = accountMenuLabel(account);
        const label = account.type === 'hotp' ? `${name} (next code)` : name;
        entries.push(item(label, true, { kind: 'copy', accountId: account.id }, account.type === 'hotp' ? 'Copies the next code and advances the counter' : undefined));
      }
      if (usable.length > MAX_TRAY_ACCOUNTS) {
        entries.push(item(`${usable.length - MAX_TRAY_ACCOUNTS} more in Authdesk…`, true, { kind: 'open' }));
      }
    }
  }
  entries.push({ type: 'separator' });
  entries.push(item('Open Authdesk', true, { kind: 'open' }));
  if (state.lockEnabled) entries.push(item('Lock', !state.locked, { kind: 'lock' }));
  entries.push({ type: 'separator' });
  entries.push(item('Quit Authdesk', true, { kind: 'quit' }));
  return entries;
}

/** A stable string of the model: the tray is rebuilt only when it changes. */
export function menuSignature(entries: readonly TrayEntry[]): string {
  return JSON.stringify(entries);
}

/** Electron's template for the model; `run` performs an action (errors are main's to report). */
export function toMenuTemplate(entries: readonly TrayEntry[], run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return entries.map((entry): MenuItemConstructorOptions => {
    if (entry.type === 'separator') return { type: 'separator' };
    const { action } = entry;
    return {
      label: entry.label,
      enabled: entry.enabled,
      ...(entry.toolTip ? { toolTip: entry.toolTip } : {}),
      ...(action ? { click: () => run(action) } : {}),
    };
  });
}
