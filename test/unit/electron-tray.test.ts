// The tray controller, the tray's copy action, the async clipboard bridge under the handlers' real
// clipboard guard, and the shell's hook registry.
import { describe, expect, it } from 'vitest';
import { createClipboardGuard } from '../../electron/main/handlers/clipboard-guard.js';
import { bridgeAsyncClipboard, type AsyncClipboard } from '../../electron/main/clipboard-bridge.js';
import { createHookRegistry } from '../../electron/main/shell-hooks.js';
import { copyCodeFromTray, createTrayController } from '../../electron/main/tray-controller.js';
import type { TrayAccount, TrayEntry } from '../../electron/main/tray-menu.js';

const acct = (id: string, label: string, type: 'totp' | 'hotp' = 'totp'): TrayAccount => ({ id, issuer: 'Svc', label, type, status: 'active' });
const labels = (entries: TrayEntry[]) => entries.map((e) => (e.type === 'separator' ? '---' : e.label));

describe('tray controller', () => {
  it('installs the menu, and again only when it changes', async () => {
    let accounts = [acct('a', 'alice')];
    const lock = { locked: false, enabled: true };
    const menus: TrayEntry[][] = [];
    const tray = createTrayController({ platform: 'linux', listAccounts: async () => accounts, lockState: () => lock, setMenu: (m) => menus.push(m) });
    await tray.refresh();
    await tray.refresh();
    expect(menus).toHaveLength(1);
    expect(labels(menus[0] ?? [])).toContain('Svc: alice');
    accounts = [acct('a', 'alice'), acct('b', 'bob')];
    await tray.refresh();
    expect(menus).toHaveLength(2);
    expect(labels(menus[1] ?? [])).toContain('Svc: bob');
    lock.locked = true;
    await tray.refresh();
    expect(labels(menus[2] ?? [])).not.toContain('Svc: bob');
  });

  it('does not read accounts while locked, and drops them if the lock engages during the read', async () => {
    const lock = { locked: false, enabled: true };
    let reads = 0;
    const menus: TrayEntry[][] = [];
    const tray = createTrayController({
      platform: 'linux',
      listAccounts: async () => {
        reads++;
        lock.locked = true; // the lock engages while the list is being read
        return [acct('a', 'alice')];
      },
      lockState: () => ({ ...lock }),
      setMenu: (m) => menus.push(m),
    });
    await tray.refresh();
    expect(labels(menus[0] ?? [])).toEqual(['Authdesk is locked', 'Unlock…', '---', 'Open Authdesk', 'Lock', '---', 'Quit Authdesk']);
    await tray.refresh();
    expect(reads).toBe(1);
  });

  it('coalesces refreshes requested while one runs, ending with the latest state', async () => {
    let accounts = [acct('a', 'one')];
    let release: () => void = () => {};
    let calls = 0;
    const menus: TrayEntry[][] = [];
    const tray = createTrayController({
      platform: 'linux',
      listAccounts: () => {
        calls++;
        const snapshot = accounts;
        return calls === 1 ? new Promise((resolve) => (release = () => resolve(snapshot))) : Promise.resolve(snapshot);
      },
      lockState: () => ({ locked: false, enabled: false }),
      setMenu: (m) => menus.push(m),
    });
    const first = tray.refresh();
    accounts = [acct('a', 'two')];
    const second = tray.refresh();
    const third = tray.refresh();
    release();
    await Promise.all([first, second, third]);
    expect(calls).toBe(2);
    expect(labels(menus.at(-1) ?? [])).toContain('Svc: two');
  });

  it('keeps the previous menu when the vault cannot be read', async () => {
    const errors: unknown[] = [];
    let fail = false;
    const menus: TrayEntry[][] = [];
    const tray = createTrayController({
      platform: 'linux',
      listAccounts: async () => {
        if (fail) throw new Error('vault.json unreadable');
        return [acct('a', 'alice')];
      },
      lockState: () => ({ locked: false, enabled: false }),
      setMenu: (m) => menus.push(m),
      onError: (e) => errors.push(e),
    });
    await tray.refresh();
    fail = true;
    await tray.refresh();
    expect(menus).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});

describe('copy from the tray', () => {
  function deps(overrides: { locked?: boolean; type?: 'totp' | 'hotp'; clearsAt?: number | null } = {}) {
    const calls: string[] = [];
    return {
      calls,
      deps: {
        isLocked: () => overrides.locked ?? false,
        getAccount: async (id: string) => acct(id, 'alice', overrides.type ?? 'totp'),
        nextHotp: async ({ id }: { id: string }) => calls.push(`nextHotp:${id}`),
        copyCode: async ({ id }: { id: string }) => {
          calls.push(`copy:${id}`);
          return { clearsAt: overrides.clearsAt === undefined ? 1_030_000 : overrides.clearsAt };
        },
        now: () => 1_000_000,
      },
    };
  }

  it('copies a TOTP code and says when the clipboard clears, without the code', async () => {
    const { calls, deps: d } = deps();
    const result = await copyCodeFromTray('a1', d);
    expect(calls).toEqual(['copy:a1']);
    expect(result).toEqual({ ok: true, title: 'Code copied', body: 'Svc: alice — the clipboard clears in 30 s.' });
    expect(result.body).not.toMatch(/\d{6}/);
  });

  it('advances an HOTP counter before copying', async () => {
    const { calls, deps: d } = deps({ type: 'hotp', clearsAt: null });
    const result = await copyCodeFromTray('h1', d);
    expect(calls).toEqual(['nextHotp:h1', 'copy:h1']);
    expect(result.body).toBe('Svc: alice');
  });

  it('refuses while locked and copies nothing', async () => {
    const { calls, deps: d } = deps({ locked: true });
    const result = await copyCodeFromTray('a1', d);
    expect(result.ok).toBe(false);
    expect(calls).toEqual([]);
  });
});

describe('async clipboard bridge under the real clipboard guard', () => {
  function fakeClipboard() {
    const state = { text: 'user data', writes: [] as string[] };
    const clipboard: AsyncClipboard = {
      readText: async () => state.text,
      writeText: async (text) => {
        await new Promise((r) => setTimeout(r, 1));
        state.text = text;
        state.writes.push(text);
      },
    };
    return { state, clipboard };
  }
  function fakeTimers() {
    const pending: Array<{ fn: () => void; at: number }> = [];
    let now = 0;
    return {
      timers: {
        setTimeout: (fn: () => void, ms: number) => {
          const entry = { fn, at: now + ms };
          pending.push(entry);
          return entry;
        },
        clearTimeout: (h: unknown) => {
          const i = pending.indexOf(h as (typeof pending)[number]);
          if (i >= 0) pending.splice(i, 1);
        },
        now: () => now,
      },
      advance(ms: number) {
        now += ms;
        for (const entry of pending.filter((p) => p.at <= now)) {
          pending.splice(pending.indexOf(entry), 1);
          entry.fn();
        }
      },
    };
  }

  it('copies, then clears after the delay when the clipboard still holds the code', async () => {
    const { state, clipboard } = fakeClipboard();
    const t = fakeTimers();
    const bridge = bridgeAsyncClipboard(clipboard);
    const guard = createClipboardGuard(bridge, t.timers);
    guard.copy('123456', 30);
    await bridge.settled();
    expect(state.text).toBe('123456');
    t.advance(29_999);
    await bridge.settled();
    expect(state.text).toBe('123456');
    t.advance(1);
    await bridge.settled();
    expect(state.text).toBe('');
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const { state, clipboard } = fakeClipboard();
    const t = fakeTimers();
    const bridge = bridgeAsyncClipboard(clipboard);
    const guard = createClipboardGuard(bridge, t.timers);
    guard.copy('123456', 30);
    await bridge.settled();
    state.text = 'the user copied this';
    t.advance(30_000);
    await bridge.settled();
    expect(state.text).toBe('the user copied this');
  });

  it('clears at quit (clearIfOurs) only after the pending write landed', async () => {
    const { state, clipboard } = fakeClipboard();
    const t = fakeTimers();
    const bridge = bridgeAsyncClipboard(clipboard);
    const guard = createClipboardGuard(bridge, t.timers);
    guard.copy('654321', 0);
    // No await: the clear is queued behind the write and must not overtake it.
    guard.clearIfOurs();
    await bridge.settled();
    expect(state.writes).toEqual(['654321', '']);
    expect(state.text).toBe('');
  });

  it('reports clipboard failures without breaking later operations', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const bridge = bridgeAsyncClipboard(
      {
        readText: async () => '',
        writeText: async () => {
          if (fail) throw new Error('clipboard busy');
        },
      },
      (e) => errors.push(e),
    );
    bridge.writeText('111111');
    await bridge.settled();
    fail = false;
    bridge.writeText('222222');
    await bridge.settled();
    expect(errors).toHaveLength(1);
  });
});

describe('hook registry', () => {
  it('runs every hook, reports failures, and unregisters', async () => {
    const hooks = createHookRegistry();
    const ran: string[] = [];
    const errors: unknown[] = [];
    hooks.add(() => ran.push('a'));
    const off = hooks.add(async () => {
      ran.push('b');
    });
    hooks.add(() => {
      throw new Error('time server unreachable');
    });
    await hooks.run((e) => errors.push(e));
    expect(ran.sort()).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
    off();
    ran.length = 0;
    await hooks.run();
    expect(ran).toEqual(['a']);
  });
});
