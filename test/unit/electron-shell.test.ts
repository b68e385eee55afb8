// The shell's pure decisions: tray menu, idle and power-event locking, start at login, the startup
// error dialog, the window's close/reveal behaviour and shortcut validation.
import { describe, expect, it } from 'vitest';
import { KeychainError, VaultError } from '../../core/errors.js';
import { idleLockDue, powerActions, startIdleWatcher, type LockSettings } from '../../electron/main/idle-lock.js';
import { autostartDesktopEntry, loginItemPlan, quoteExecArg, startedHidden } from '../../electron/main/login-item.js';
import { QUIT_BUTTON, RETRY_BUTTON, startupErrorDialog } from '../../electron/main/startup-error.js';
import {
  MAX_TRAY_ACCOUNTS,
  accountMenuLabel,
  escapeMenuLabel,
  menuSignature,
  toMenuTemplate,
  trayMenuModel,
  type TrayAccount,
  type TrayAction,
  type TrayEntry,
} from '../../electron/main/tray-menu.js';
import { applicationMenuTemplate, closeBehavior, isValidShortcut, revealWindow } from '../../electron/main/window-policy.js';

const account = (id: string, issuer: string, label: string, extra: Partial<TrayAccount> = {}): TrayAccount => ({ id, issuer, label, type: 'totp', status: 'active', ...extra });
const labels = (entries: TrayEntry[]) => entries.map((e) => (e.type === 'separator' ? '---' : e.label));
const actionOf = (entries: TrayEntry[], label: string) => {
  const entry = entries.find((e) => e.type === 'item' && e.label === label);
  return entry && entry.type === 'item' ? entry.action : undefined;
};

describe('tray menu', () => {
  const accounts = [account('a1', 'Amazon Web Services', 'alice@123456789012'), account('a2', 'GitHub', 'alice'), account('a3', '', 'bare-label')];

  it('lists accounts as "issuer: label" and copies on click', () => {
    const model = trayMenuModel(accounts, { locked: false, lockEnabled: true }, 'linux');
    expect(labels(model)).toEqual([
      'Click to copy a code',
      'Amazon Web Services: alice@123456789012',
      'GitHub: alice',
      'bare-label',
      '---',
      'Open Authdesk',
      'Lock',
      '---',
      'Quit Authdesk',
    ]);
    expect(actionOf(model, 'GitHub: alice')).toEqual({ kind: 'copy', accountId: 'a2' });
    expect(actionOf(model, 'Open Authdesk')).toEqual({ kind: 'open' });
    expect(actionOf(model, 'Lock')).toEqual({ kind: 'lock' });
    expect(actionOf(model, 'Quit Authdesk')).toEqual({ kind: 'quit' });
  });

  it('shows no account and offers unlock while locked', () => {
    const model = trayMenuModel(accounts, { locked: true, lockEnabled: true }, 'darwin');
    expect(labels(model)).toEqual(['Authdesk is locked', 'Unlock…', '---', 'Open Authdesk', 'Lock', '---', 'Quit Authdesk']);
    expect(model.some((e) => e.type === 'item' && e.action?.kind === 'copy')).toBe(false);
    const lock = model.find((e) => e.type === 'item' && e.label === 'Lock');
    expect(lock).toMatchObject({ enabled: false });
  });

  it('has no Lock item when no passphrase is set, and says when there are no accounts', () => {
    const model = trayMenuModel([], { locked: false, lockEnabled: false }, 'win32');
    expect(labels(model)).toEqual(['No accounts yet', '---', 'Open Authdesk', '---', 'Quit Authdesk']);
    expect(model[0]).toMatchObject({ enabled: false });
  });

  it('leaves out pending AWS enrollments and marks HOTP accounts', () => {
    const model = trayMenuModel([account('p', 'AWS', 'pending', { status: 'pending' }), account('h', 'VPN', 'bob', { type: 'hotp' })], { locked: false, lockEnabled: false }, 'darwin');
    expect(labels(model)).toContain('VPN: bob (next code)');
    expect(labels(model).join('|')).not.toContain('pending');
  });

  it('caps the list and links to the window for the rest', () => {
    const many = Array.from({ length: MAX_TRAY_ACCOUNTS + 7 }, (_, i) => account(`id${i}`, 'Svc', `user${i}`));
    const model = trayMenuModel(many, { locked: false, lockEnabled: false }, 'darwin');
    expect(model.filter((e) => e.type === 'item' && e.action?.kind === 'copy')).toHaveLength(MAX_TRAY_ACCOUNTS);
    expect(labels(model)).toContain('7 more in Authdesk…');
  });

  it('escapes mnemonics on Windows and Linux, not on macOS, and strips control characters', () => {
    expect(escapeMenuLabel('AT&T: bob', 'win32')).toBe('AT&&T: bob');
    expect(escapeMenuLabel('AT&T: bob', 'linux')).toBe('AT&&T: bob');
    expect(escapeMenuLabel('AT&T: bob', 'darwin')).toBe('AT&T: bob');
    expect(escapeMenuLabel('a\nb\u0007c', 'darwin')).toBe('a b c');
  });

  it('shortens long names without splitting characters', () => {
    const label = accountMenuLabel({ issuer: 'Ünïcödé 🔐 Corp', label: 'x'.repeat(100) });
    expect(Array.from(label)).toHaveLength(60);
    expect(label.endsWith('…')).toBe(true);
    expect(label.startsWith('Ünïcödé 🔐 Corp: ')).toBe(true);
    expect(accountMenuLabel({ issuer: 'GitHub', label: 'GitHub' })).toBe('GitHub');
    expect(accountMenuLabel({ issuer: ' ', label: '' })).toBe('Unnamed account');
  });

  it('changes signature only when the menu changes', () => {
    const a = menuSignature(trayMenuModel(accounts, { locked: false, lockEnabled: true }, 'linux'));
    expect(menuSignature(trayMenuModel([...accounts], { locked: false, lockEnabled: true }, 'linux'))).toBe(a);
    expect(menuSignature(trayMenuModel(accounts.slice(1), { locked: false, lockEnabled: true }, 'linux'))).not.toBe(a);
    expect(menuSignature(trayMenuModel(accounts, { locked: true, lockEnabled: true }, 'linux'))).not.toBe(a);
  });

  it('turns the model into an Electron template whose clicks run the actions', () => {
    const ran: TrayAction[] = [];
    const template = toMenuTemplate(trayMenuModel(accounts, { locked: false, lockEnabled: true }, 'linux'), (a) => ran.push(a));
    expect(template[4]).toEqual({ type: 'separator' });
    const github = template.find((t) => t.label === 'GitHub: alice');
    (github?.click as () => void)();
    (template.find((t) => t.label === 'Quit Authdesk')?.click as () => void)();
    expect(ran).toEqual([{ kind: 'copy', accountId: 'a2' }, { kind: 'quit' }]);
    expect(template[0]).toEqual({ label: 'Click to copy a code', enabled: false });
  });
});

describe('idle and power locking', () => {
  it('locks after the configured idle minutes, never when set to 0', () => {
    expect(idleLockDue(299, 5)).toBe(false);
    expect(idleLockDue(300, 5)).toBe(true);
    expect(idleLockDue(10_000, 0)).toBe(false);
    expect(idleLockDue(10_000, -1)).toBe(false);
    expect(idleLockDue(Number.NaN, 5)).toBe(false);
  });

  it('maps power events to actions', () => {
    const on: LockSettings = { lockAfterIdleMinutes: 5, lockOnScreenLock: true };
    const off: LockSettings = { lockAfterIdleMinutes: 5, lockOnScreenLock: false };
    expect(powerActions('resume', on)).toEqual(['remeasure-clock']);
    expect(powerActions('resume', off)).toEqual(['remeasure-clock']);
    expect(powerActions('lock-screen', on)).toEqual(['lock']);
    expect(powerActions('suspend', on)).toEqual(['lock']);
    expect(powerActions('lock-screen', off)).toEqual([]);
    expect(powerActions('unlock-screen', on)).toEqual([]);
  });

  it('the watcher samples the system idle time and locks once it is due', () => {
    let idle = 0;
    let locked = false;
    let minutes = 2;
    const intervals: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
    const watcher = startIdleWatcher({
      getIdleSeconds: () => idle,
      settings: () => ({ lockAfterIdleMinutes: minutes, lockOnScreenLock: true }),
      canLock: () => !locked,
      lock: () => {
        locked = true;
      },
      setInterval: (fn, ms) => {
        intervals.push({ fn, ms, cleared: false });
        return intervals.length - 1;
      },
      clearInterval: (h) => {
        const entry = intervals[h as number];
        if (entry) entry.cleared = true;
      },
      pollMs: 1000,
    });
    expect(intervals).toHaveLength(1);
    expect(intervals[0]?.ms).toBe(1000);
    idle = 119;
    intervals[0]?.fn();
    expect(locked).toBe(false);
    idle = 120;
    intervals[0]?.fn();
    expect(locked).toBe(true);
    // Already locked: no second lock.
    expect(watcher.tick()).toBe(false);
    // A settings change applies at the next sample.
    locked = false;
    minutes = 0;
    expect(watcher.tick()).toBe(false);
    watcher.stop();
    expect(intervals[0]?.cleared).toBe(true);
  });

  it('a failing idle probe does not lock or throw', () => {
    const watcher = startIdleWatcher({
      getIdleSeconds: () => {
        throw new Error('not supported');
      },
      settings: () => ({ lockAfterIdleMinutes: 1, lockOnScreenLock: true }),
      canLock: () => true,
      lock: () => {
        throw new Error('must not be called');
      },
      setInterval: () => 1,
      clearInterval: () => {},
    });
    expect(watcher.tick()).toBe(false);
  });
});

describe('start at login', () => {
  const base = { execPath: '/opt/Authdesk/authdesk', configHome: '/home/u/.config', packaged: true } as const;

  it('uses Electron on macOS and Windows, starting hidden', () => {
    expect(loginItemPlan(true, { ...base, platform: 'win32' })).toEqual({ kind: 'electron', settings: { openAtLogin: true, args: ['--hidden'] } });
    expect(loginItemPlan(false, { ...base, platform: 'darwin' })).toEqual({ kind: 'electron', settings: { openAtLogin: false } });
  });

  it('writes or removes an XDG autostart entry on Linux, pointing at the AppImage when there is one', () => {
    const plan = loginItemPlan(true, { ...base, platform: 'linux', appImage: '/home/u/Apps/Authdesk 1.0.AppImage' });
    expect(plan.kind).toBe('xdg-autostart');
    if (plan.kind !== 'xdg-autostart') return;
    expect(plan.file).toBe('/home/u/.config/autostart/dev.authdesk.app.desktop');
    expect(plan.contents).toContain('Exec="/home/u/Apps/Authdesk 1.0.AppImage" --hidden\n');
    expect(plan.contents).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(loginItemPlan(false, { ...base, platform: 'linux' })).toEqual({ kind: 'xdg-autostart', file: '/home/u/.config/autostart/dev.authdesk.app.desktop', contents: null });
    expect(autostartDesktopEntry('/opt/Authdesk/authdesk')).toContain('Exec=/opt/Authdesk/authdesk --hidden\n');
  });

  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArg('/usr/bin/authdesk')).toBe('/usr/bin/authdesk');
    expect(quoteExecArg('/a b/$x`y"z\\')).toBe('"/a b/\\$x\\`y\\"z\\\\"');
  });

  it('does nothing unpackaged, where it would start a bare Electron', () => {
    expect(loginItemPlan(true, { ...base, platform: 'linux', packaged: false }).kind).toBe('unsupported');
  });

  it('recognises a login start', () => {
    expect(startedHidden(['/opt/Authdesk/authdesk', '--hidden'])).toBe(true);
    expect(startedHidden(['/opt/Authdesk/authdesk'])).toBe(false);
    expect(startedHidden(['/Applications/Authdesk.app/Contents/MacOS/Authdesk'], true)).toBe(true);
  });
});

describe('startup error dialog', () => {
  it('explains a keychain failure with what to do, and offers retry and quit', () => {
    const error = new KeychainError('KEYCHAIN_UNAVAILABLE', 'No Secret Service is running on this desktop.');
    const dialog = startupErrorDialog(error, 'linux');
    expect(dialog.title).toBe('Authdesk cannot reach the keychain');
    expect(dialog.detail).toContain('No Secret Service is running on this desktop.');
    expect(dialog.detail).toContain('GNOME Keyring');
    expect(dialog.detail).toContain('(KEYCHAIN_UNAVAILABLE)');
    expect(dialog.buttons[RETRY_BUTTON]).toBe('Try again');
    expect(dialog.buttons[QUIT_BUTTON]).toBe('Quit');
    expect(dialog.cancelId).toBe(QUIT_BUTTON);
  });

  it('names a vault problem', () => {
    expect(startupErrorDialog(new VaultError('VAULT_CORRUPT', 'vault.json is damaged.'), 'darwin').title).toBe('Authdesk cannot open its vault');
  });

  it('never shows an internal message or stack', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'x')");
    const dialog = startupErrorDialog(error, 'win32');
    expect(dialog.detail).not.toContain('Cannot read properties');
    expect(dialog.detail).not.toContain('at ');
    expect(dialog.detail).toContain('Something went wrong inside Authdesk');
  });
});

describe('window behaviour', () => {
  function fakeWindow(state: { minimized?: boolean; visible?: boolean; destroyed?: boolean }) {
    const calls: string[] = [];
    return {
      calls,
      win: {
        isDestroyed: () => state.destroyed ?? false,
        isMinimized: () => state.minimized ?? false,
        isVisible: () => state.visible ?? true,
        restore: () => calls.push('restore'),
        show: () => calls.push('show'),
        focus: () => calls.push('focus'),
      },
    };
  }

  it('a second launch restores, shows and focuses the window', () => {
    const hidden = fakeWindow({ minimized: true, visible: false });
    expect(revealWindow(hidden.win)).toBe(true);
    expect(hidden.calls).toEqual(['restore', 'show', 'focus']);
    const shown = fakeWindow({});
    revealWindow(shown.win);
    expect(shown.calls).toEqual(['focus']);
    expect(revealWindow(fakeWindow({ destroyed: true }).win)).toBe(false);
    expect(revealWindow(null)).toBe(false);
  });

  it('closing hides to the tray on macOS/Windows and quits on Linux or when quitting', () => {
    expect(closeBehavior('darwin', true, false)).toBe('hide');
    expect(closeBehavior('win32', true, false)).toBe('hide');
    expect(closeBehavior('win32', false, false)).toBe('quit');
    expect(closeBehavior('linux', true, false)).toBe('quit');
    expect(closeBehavior('darwin', true, true)).toBe('quit');
  });

  it('has an Edit menu on macOS and no menu bar elsewhere in production', () => {
    expect(applicationMenuTemplate('darwin', false)?.map((m) => m.role)).toEqual(['appMenu', 'editMenu', 'windowMenu']);
    expect(applicationMenuTemplate('linux', false)).toBeNull();
    expect(applicationMenuTemplate('win32', false)).toBeNull();
    expect(JSON.stringify(applicationMenuTemplate('linux', true))).toContain('toggleDevTools');
    expect(JSON.stringify(applicationMenuTemplate('darwin', false))).not.toContain('toggleDevTools');
  });

  it.each([
    ['CommandOrControl+Shift+A', true],
    ['Alt+F4', true],
    ['Ctrl+Alt+Plus', true],
    ['Super+F12', true],
    ['A', false],
    ['Shift+A', false],
    ['Ctrl+', false],
    ['Ctrl+Ctrl+A', false],
    ['Hyper+A', false],
    ['Ctrl+Shift', false],
    ['', false],
  ])('shortcut %j valid: %s', (accelerator, expected) => {
    expect(isValidShortcut(accelerator)).toBe(expected);
  });
});
