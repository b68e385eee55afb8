// "Unlock with Touch ID": the lock's rules with a fake SystemAuth, through the real dispatcher and
// handlers over the real core Vault (in-memory keychain), and the darwin port over a fake
// systemPreferences.
import { describe, expect, it, vi } from 'vitest';
import { LOCKOUT_MS, MAX_FAST_ATTEMPTS, SYSTEM_AUTH_REASON, type SystemAuth, type Timers } from '../../node/app-lock.js';
import { appOriginCheck } from '../../electron/main/handlers/dispatch.js';
import { createAppServices } from '../../electron/main/handlers/index.js';
import { createSystemAuth, systemAuthUnavailableNote, type TouchIdPreferences } from '../../electron/main/system-auth.js';
import type { AppInfo } from '../../electron/ipc/channels/app.js';
import { manualTimers, memoryVault, recordingClipboard, recordingEvents } from './ipc-fixtures.js';

const top = { url: 'app://authdesk/index.html', isMainFrame: true };
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 6238's "12345678901234567890" in base32
const PASSPHRASE = 'correct horse';

/** A SystemAuth whose answers the test decides; records every prompt. */
function fakeSystemAuth(options: { available?: boolean | (() => Promise<boolean>); answer?: boolean | (() => Promise<boolean>) } = {}): SystemAuth & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    name: 'Touch ID',
    prompts,
    available: async () => (typeof options.available === 'function' ? options.available() : (options.available ?? true)),
    async prompt(reason) {
      prompts.push(reason);
      return typeof options.answer === 'function' ? options.answer() : (options.answer ?? true);
    },
  };
}

async function setup(options: { systemAuth?: SystemAuth; passphrase?: boolean; useSystemAuth?: boolean; platform?: AppInfo['platform']; timers?: Timers } = {}) {
  const timers = options.timers ?? manualTimers();
  const vault = await memoryVault(() => timers.now());
  const account = await vault.add({ type: 'totp', issuer: 'Seedy', label: 'a', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30 });
  const events = recordingEvents();
  const app = await createAppServices({
    vault,
    clipboard: recordingClipboard(),
    events,
    timers,
    appInfo: { version: '0.0.0-test', platform: options.platform ?? 'darwin' },
    ...(options.systemAuth ? { systemAuth: options.systemAuth } : {}),
  });
  const dispatch = app.dispatch(appOriginCheck('app://authdesk/'));
  const call = (channel: string, payload?: unknown) => dispatch(`authdesk:${channel}`, top, payload);
  if (options.passphrase ?? true) await call('lock.setPassphrase', { next: PASSPHRASE });
  if (options.useSystemAuth ?? true) await call('settings.update', { useSystemAuth: true });
  return { app, vault, events, call, id: account.id, timers };
}

describe('unlock with system authentication: the lock rules', () => {
  it('unlocks when available, enabled and a passphrase is set; the prompt names the reason', async () => {
    const auth = fakeSystemAuth({ answer: true });
    const { app, call, events, id } = await setup({ systemAuth: auth });
    expect(await call('lock.systemAuthStatus')).toEqual({ ok: true, value: { available: true, name: 'Touch ID', enabled: true, usable: true } });
    await call('lock.lock');
    // Both channels work while locked (the lock screen calls them).
    expect(await call('lock.systemAuthStatus')).toMatchObject({ ok: true, value: { usable: true } });
    expect(await call('codes.current', { ids: [id] })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });

    expect(await call('lock.unlockWithSystem')).toEqual({ ok: true, value: { enabled: true, locked: false } });
    expect(auth.prompts).toEqual([SYSTEM_AUTH_REASON]);
    expect(app.lock.isLocked()).toBe(false);
    expect(events.emitted.filter((e) => e.name === 'lock.changed').at(-1)?.payload).toEqual({ enabled: true, locked: false });
    expect(await call('codes.current', { ids: [id] })).toMatchObject({ ok: true });
    // Unlocked already: no prompt at all.
    expect(await call('lock.unlockWithSystem')).toEqual({ ok: true, value: { enabled: true, locked: false } });
    expect(auth.prompts).toHaveLength(1);
    app.dispose();
  });

  it('a cancelled or failed prompt stays locked with a sentence, not a stack', async () => {
    for (const answer of [false, () => Promise.reject(new Error('LAErrorUserCancel at native code'))]) {
      const auth = fakeSystemAuth({ answer });
      const { app, call, id } = await setup({ systemAuth: auth });
      await call('lock.lock');
      const result = await call('lock.unlockWithSystem');
      expect(result).toEqual({
        ok: false,
        error: { code: 'LOCK_SYSTEM_AUTH_FAILED', domain: 'lock', message: 'Touch ID did not confirm it is you (cancelled or not recognised). Try again, or enter your passphrase.' },
      });
      expect(JSON.stringify(result)).not.toMatch(/LAError|native code|at /);
      expect(app.lock.isLocked()).toBe(true);
      expect(await call('codes.current', { ids: [id] })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
      // The passphrase is still the way in.
      expect(await call('lock.unlock', { passphrase: PASSPHRASE })).toEqual({ ok: true, value: { enabled: true, locked: false } });
      app.dispose();
    }
  });

  it('does not prompt when the user has not turned it on', async () => {
    const auth = fakeSystemAuth();
    const { app, call } = await setup({ systemAuth: auth, useSystemAuth: false });
    expect(await call('lock.systemAuthStatus')).toEqual({ ok: true, value: { available: true, name: 'Touch ID', enabled: false, usable: false } });
    await call('lock.lock');
    expect(await call('lock.unlockWithSystem')).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_OFF', message: expect.stringContaining('passphrase') } });
    expect(auth.prompts).toEqual([]);
    expect(app.lock.isLocked()).toBe(true);
    app.dispose();
  });

  it('is not usable without a passphrase (there is nothing to fall back to), even when turned on', async () => {
    const auth = fakeSystemAuth();
    const { app, call } = await setup({ systemAuth: auth, passphrase: false, useSystemAuth: true });
    expect(await call('lock.systemAuthStatus')).toEqual({ ok: true, value: { available: true, name: 'Touch ID', enabled: true, usable: false } });
    expect(app.lock.state()).toEqual({ enabled: false, locked: false });
    // No passphrase: never locked, so nothing to unlock and no prompt.
    expect(await call('lock.unlockWithSystem')).toEqual({ ok: true, value: { enabled: false, locked: false } });
    expect(auth.prompts).toEqual([]);
    app.dispose();
  });

  it('turning the app lock off turns Touch ID off too (a new passphrase does not bring it back silently)', async () => {
    const { app, call, vault } = await setup({ systemAuth: fakeSystemAuth() });
    expect((await vault.settings()).useSystemAuth).toBe(true);
    await call('lock.clearPassphrase', { current: PASSPHRASE });
    expect((await vault.settings()).useSystemAuth).toBe(false);
    expect(await call('settings.get')).toMatchObject({ ok: true, value: { lockEnabled: false, useSystemAuth: false } });
    await call('lock.setPassphrase', { next: 'another one' });
    expect(await call('lock.systemAuthStatus')).toMatchObject({ ok: true, value: { available: true, enabled: false, usable: false } });
    app.dispose();
  });

  it('not available: the channel says so with a sentence for the platform, and unlocking refuses without prompting', async () => {
    for (const platform of ['linux', 'win32'] as const) {
      const { app, call } = await setup({ platform });
      const status = await call('lock.systemAuthStatus');
      expect(status).toEqual({ ok: true, value: { available: false, enabled: true, usable: false, note: systemAuthUnavailableNote(platform) } });
      await call('lock.lock');
      expect(await call('lock.unlockWithSystem')).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_UNAVAILABLE' } });
      expect(app.lock.isLocked()).toBe(true);
      app.dispose();
    }
    expect(systemAuthUnavailableNote('win32')).toMatch(/Windows Hello.*not available on Windows/);
    expect(systemAuthUnavailableNote('linux')).toMatch(/not available on Linux/);
    expect(systemAuthUnavailableNote('darwin')).toMatch(/Touch ID/);

    // A port that says "not now" (no enrolled finger) or throws: unavailable, never prompted.
    for (const available of [false, () => Promise.reject(new Error('boom'))]) {
      const auth = fakeSystemAuth({ available });
      const { app, call } = await setup({ systemAuth: auth });
      expect(await call('lock.systemAuthStatus')).toMatchObject({ ok: true, value: { available: false, usable: false, note: systemAuthUnavailableNote('darwin') } });
      await call('lock.lock');
      expect(await call('lock.unlockWithSystem')).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_UNAVAILABLE' } });
      expect(auth.prompts).toEqual([]);
      app.dispose();
    }
  });

  it('reveal, export and QR still need the passphrase after a Touch ID unlock', async () => {
    const { app, call, id } = await setup({ systemAuth: fakeSystemAuth() });
    await call('lock.lock');
    await call('lock.unlockWithSystem');
    expect(app.lock.isLocked()).toBe(false);
    const refused = [
      await call('accounts.reveal', { id }),
      await call('accounts.reveal', { id, passphrase: 'wrong one' }),
      await call('backup.exportFile', { format: 'otpauth', lockPassphrase: 'wrong one' }),
      await call('backup.accountQr', { id, lockPassphrase: 'wrong one' }),
    ];
    expect(refused.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['IPC_INVALID_PAYLOAD', 'LOCK_WRONG_PASSPHRASE', 'LOCK_WRONG_PASSPHRASE', 'LOCK_WRONG_PASSPHRASE']);
    expect(JSON.stringify(refused)).not.toContain(SECRET);
    expect(await call('accounts.reveal', { id, passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { secret: SECRET } });
    app.dispose();
  });

  it('leaves the passphrase lockout as it is: presence neither counts as a wrong passphrase nor resets the count', async () => {
    const timers = manualTimers();
    const { app, call } = await setup({ systemAuth: fakeSystemAuth({ answer: false }), timers });
    await call('lock.lock');
    // Failed prompts are not passphrase failures.
    for (let i = 0; i < MAX_FAST_ATTEMPTS + 2; i++) expect(await call('lock.unlockWithSystem')).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_FAILED' } });
    expect(await call('lock.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true });
    await call('lock.lock');
    app.dispose();

    const second = await setup({ systemAuth: fakeSystemAuth({ answer: true }), timers });
    await second.call('lock.lock');
    for (let i = 0; i < MAX_FAST_ATTEMPTS; i++) await second.call('lock.unlock', { passphrase: 'wrong one' });
    expect(await second.call('lock.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    // Touch ID is its own check (the OS limits its attempts): it may unlock during the passphrase lockout...
    expect(await second.call('lock.unlockWithSystem')).toMatchObject({ ok: true, value: { locked: false } });
    // ...but the lockout still guards the passphrase that reveal asks for.
    expect(await second.call('accounts.reveal', { id: second.id, passphrase: PASSPHRASE })).toMatchObject({ ok: false, error: { code: 'LOCK_TOO_MANY_ATTEMPTS' } });
    timers.advance(LOCKOUT_MS);
    expect(await second.call('accounts.reveal', { id: second.id, passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { secret: SECRET } });
    second.app.dispose();
  });

  it('one prompt at a time, and an answer that arrives after the lock changed does not unlock', async () => {
    let approve: (value: boolean) => void = () => undefined;
    const auth = fakeSystemAuth({ answer: () => new Promise<boolean>((resolve) => (approve = resolve)) });
    const { app, call } = await setup({ systemAuth: auth });
    await call('lock.lock');
    const first = call('lock.unlockWithSystem');
    const second = call('lock.unlockWithSystem');
    await vi.waitFor(() => expect(auth.prompts).toHaveLength(1));
    approve(true);
    expect(await first).toMatchObject({ ok: true, value: { locked: false } });
    expect(await second).toMatchObject({ ok: true, value: { locked: false } });
    expect(auth.prompts).toHaveLength(1);

    // Prompt shown, then the person unlocks with the passphrase and the app locks again (idle):
    // the late approval belonged to the earlier lock.
    await call('lock.lock');
    const late = call('lock.unlockWithSystem');
    await vi.waitFor(() => expect(auth.prompts).toHaveLength(2));
    await call('lock.unlock', { passphrase: PASSPHRASE });
    app.lock.lock('idle');
    approve(true);
    expect(await late).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_FAILED' } });
    expect(app.lock.isLocked()).toBe(true);

    // The setting turned off while the prompt was showing.
    const off = call('lock.unlockWithSystem');
    await vi.waitFor(() => expect(auth.prompts).toHaveLength(3));
    await app.handlers.settings.update({ useSystemAuth: false });
    approve(true);
    expect(await off).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_FAILED' } });
    expect(app.lock.isLocked()).toBe(true);
    app.dispose();
  });
});

describe('the darwin port from systemPreferences', () => {
  function fakePreferences(canPrompt: boolean, outcome: 'approve' | 'cancel' = 'approve'): TouchIdPreferences & { reasons: string[] } {
    const reasons: string[] = [];
    return {
      reasons,
      canPromptTouchID: () => canPrompt,
      promptTouchID: async (reason: string) => {
        reasons.push(reason);
        if (outcome === 'cancel') throw new Error('Touch ID authentication was cancelled');
      },
    };
  }

  it('exists only on darwin', () => {
    expect(createSystemAuth('linux', fakePreferences(true))).toBeUndefined();
    expect(createSystemAuth('win32', fakePreferences(true))).toBeUndefined();
    expect(createSystemAuth('darwin', fakePreferences(true))?.name).toBe('Touch ID');
  });

  it('canPromptTouchID false: unavailable, and a prompt is never shown', async () => {
    const prefs = fakePreferences(false);
    const port = createSystemAuth('darwin', prefs)!;
    expect(await port.available()).toBe(false);
    expect(await port.prompt('unlock your codes')).toBe(false);
    expect(prefs.reasons).toEqual([]);
    // Through the handlers: the channel says it is not available, with the Mac's sentence.
    const { app, call } = await setup({ systemAuth: port });
    expect(await call('lock.systemAuthStatus')).toEqual({ ok: true, value: { available: false, enabled: true, usable: false, note: systemAuthUnavailableNote('darwin') } });
    app.dispose();
  });

  it('promptTouchID resolving approves; rejecting (cancel) is false and goes to the log', async () => {
    const approve = fakePreferences(true, 'approve');
    expect(await createSystemAuth('darwin', approve)!.prompt('unlock your codes')).toBe(true);
    expect(approve.reasons).toEqual(['unlock your codes']);

    const logged: unknown[] = [];
    const cancel = fakePreferences(true, 'cancel');
    expect(await createSystemAuth('darwin', cancel, (e) => logged.push(e))!.prompt('unlock your codes')).toBe(false);
    expect(logged).toHaveLength(1);

    const throwing: TouchIdPreferences = {
      canPromptTouchID: () => {
        throw new Error('not supported');
      },
      promptTouchID: async () => undefined,
    };
    expect(await createSystemAuth('darwin', throwing, () => undefined)!.available()).toBe(false);
  });

  it('end to end through the lock: a darwin port that approves unlocks, one that cancels does not', async () => {
    const ok = await setup({ systemAuth: createSystemAuth('darwin', fakePreferences(true, 'approve'))! });
    await ok.call('lock.lock');
    expect(await ok.call('lock.unlockWithSystem')).toMatchObject({ ok: true, value: { locked: false } });
    ok.app.dispose();
    const no = await setup({ systemAuth: createSystemAuth('darwin', fakePreferences(true, 'cancel'), () => undefined)! });
    await no.call('lock.lock');
    expect(await no.call('lock.unlockWithSystem')).toMatchObject({ ok: false, error: { code: 'LOCK_SYSTEM_AUTH_FAILED' } });
    expect(no.app.lock.isLocked()).toBe(true);
    no.app.dispose();
  });
});
