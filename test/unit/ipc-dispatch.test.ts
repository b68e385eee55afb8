import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { INTERNAL_ERROR_MESSAGE } from '../../core/errors.js';
import { CHANNELS, areas, type Handlers } from '../../electron/ipc/contract.js';
import { appOriginCheck, createDispatcher, IPC_ERRORS, type SenderInfo } from '../../electron/main/handlers/dispatch.js';
import { registerIpc, senderInfo, createEventSink } from '../../electron/main/handlers/register.js';
import { buildAuthdeskApi } from '../../electron/preload/api.js';
import { services } from './ipc-fixtures.js';

const APP = 'app://authdesk/index.html';
const trusted = appOriginCheck(APP);
const top: SenderInfo = { url: 'app://authdesk/index.html', isMainFrame: true };

// A key generated for this test only; oathtool is the independent oracle for its codes.
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('appOriginCheck', () => {
  it('trusts only the app origin in the top frame', () => {
    expect(trusted(top)).toBe(true);
    expect(trusted({ url: 'app://authdesk/some/route?x#y', isMainFrame: true })).toBe(true);
    for (const url of ['app://authdesk.evil/index.html', 'app://evil/index.html', 'https://authdesk/index.html', 'file:///index.html', 'app://user@authdesk/', 'about:blank', 'data:text/html,x', 'not a url', undefined]) {
      expect(trusted({ url, isMainFrame: true }), String(url)).toBe(false);
    }
    expect(trusted({ url: 'app://authdesk/index.html', isMainFrame: false })).toBe(false);
    const http = appOriginCheck('http://authdesk.test/');
    expect(http({ url: 'http://authdesk.test/index.html', isMainFrame: true })).toBe(true);
    expect(http({ url: 'http://authdesk.test:8080/', isMainFrame: true })).toBe(false);
    expect(http({ url: 'http://authdesk.test.evil.com/', isMainFrame: true })).toBe(false);
  });
});

describe('dispatcher', () => {
  function fakeHandlers(list = vi.fn(async () => [])): Handlers {
    return { accounts: { list } } as unknown as Handlers;
  }

  it('refuses unknown channels without calling anything', async () => {
    const list = vi.fn(async () => []);
    const dispatch = createDispatcher({ handlers: fakeHandlers(list), isTrustedSender: trusted, isLocked: () => false });
    for (const channel of ['authdesk:accounts.nope', 'accounts.list', 'authdesk:accounts.constructor', 'authdesk:__proto__.x', 'authdesk:event:accounts.changed', '']) {
      const result = await dispatch(channel, top, undefined);
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: IPC_ERRORS.UNKNOWN_CHANNEL }) });
    }
    expect(await dispatch(42 as unknown as string, top, undefined)).toMatchObject({ ok: false, error: { code: IPC_ERRORS.UNKNOWN_CHANNEL } });
    expect(list).not.toHaveBeenCalled();
  });

  it('refuses foreign senders and iframes', async () => {
    const list = vi.fn(async () => []);
    const dispatch = createDispatcher({ handlers: fakeHandlers(list), isTrustedSender: trusted, isLocked: () => false });
    for (const sender of [{ url: 'https://evil.example/', isMainFrame: true }, { url: APP, isMainFrame: false }, { url: undefined, isMainFrame: true }]) {
      expect(await dispatch('authdesk:accounts.list', sender, undefined)).toMatchObject({ ok: false, error: { code: IPC_ERRORS.FORBIDDEN_SENDER } });
    }
    const throwing = createDispatcher({ handlers: fakeHandlers(list), isTrustedSender: () => { throw new Error('x'); }, isLocked: () => false });
    expect(await throwing('authdesk:accounts.list', top, undefined)).toMatchObject({ ok: false, error: { code: IPC_ERRORS.FORBIDDEN_SENDER } });
    expect(list).not.toHaveBeenCalled();
    expect(await dispatch('authdesk:accounts.list', top, undefined)).toEqual({ ok: true, value: [] });
  });

  it('validates payloads before the handler runs', async () => {
    const { app } = await services();
    const dispatch = app.dispatch(trusted);
    const bad: Array<[string, unknown]> = [
      ['authdesk:accounts.list', { sneaky: 1 }],
      ['authdesk:accounts.add', { type: 'totp', issuer: 'X', label: 'y', secret: SECRET, status: 'recovered' }],
      ['authdesk:accounts.add', { type: 'motp', issuer: 'X', label: 'y', secret: SECRET }],
      ['authdesk:accounts.add', { type: 'totp', issuer: 'X', label: 'y', secret: SECRET, digits: 9 }],
      ['authdesk:accounts.add', { type: 'totp', issuer: 'X'.repeat(257), label: 'y', secret: SECRET }],
      ['authdesk:accounts.addUri', { uri: 'x'.repeat(5000) }],
      ['authdesk:accounts.addUri', 'otpauth://totp/x?secret=' + SECRET],
      ['authdesk:accounts.remove', { id: '../../etc' }],
      ['authdesk:accounts.reorder', { ids: 'a,b' }],
      ['authdesk:codes.current', { ids: Array.from({ length: 2001 }, (_, i) => `id${i}`) }],
      ['authdesk:settings.update', { lockPassphraseHash: 'scrypt$1$1$1$AA==$AA==' }],
      ['authdesk:settings.update', { clipboardClearSeconds: -1 }],
      ['authdesk:settings.update', { timeOffset: { offsetMs: 1 } }],
      ['authdesk:clipboard.copyCode', { id: 'abc', text: 'evil' }],
      ['authdesk:lock.unlock', { passphrase: '' }],
      ['authdesk:lock.unlock', null],
    ];
    for (const [channel, payload] of bad) {
      const result = await dispatch(channel, top, payload);
      expect(result, `${channel} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD', domain: 'input' } });
      if (!result.ok) expect(result.error.message).toMatch(/^Invalid request: request/);
    }
    expect(await app.handlers.accounts.list()).toEqual([]);
    expect((await app.handlers.settings.get()).lockEnabled).toBe(false);
    app.dispose();
  });

  it('turns internal errors into the generic sentence, never a stack', async () => {
    const onInternalError = vi.fn();
    const boom = new TypeError('Cannot read properties of undefined (reading "secret") at /home/x/vault.ts:12');
    const dispatch = createDispatcher({ handlers: fakeHandlers(vi.fn(async () => { throw boom; })), isTrustedSender: trusted, isLocked: () => false, onInternalError });
    const result = await dispatch('authdesk:accounts.list', top, undefined);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', domain: 'internal', message: INTERNAL_ERROR_MESSAGE } });
    expect(JSON.stringify(result)).not.toContain('vault.ts');
    expect(onInternalError).toHaveBeenCalledWith('authdesk:accounts.list', boom);
  });

  it('answers NOT_IMPLEMENTED for a contract channel without a handler', async () => {
    const dispatch = createDispatcher({ handlers: fakeHandlers(), isTrustedSender: trusted, isLocked: () => false });
    expect(await dispatch('authdesk:codes.current', top, { ids: [] })).toMatchObject({ ok: false, error: { code: IPC_ERRORS.NOT_IMPLEMENTED } });
  });

  it('while locked runs only whileLocked channels', async () => {
    const list = vi.fn(async () => []);
    const dispatch = createDispatcher({ handlers: fakeHandlers(list), isTrustedSender: trusted, isLocked: () => true });
    expect(await dispatch('authdesk:accounts.list', top, undefined)).toMatchObject({ ok: false, error: { code: 'LOCKED', domain: 'lock' } });
    expect(list).not.toHaveBeenCalled();
    const allowed = [...CHANNELS.values()].filter((c) => c.spec.whileLocked).map((c) => c.channel).sort();
    expect(allowed).toEqual(['authdesk:app.info', 'authdesk:lock.activity', 'authdesk:lock.lock', 'authdesk:lock.status', 'authdesk:lock.systemAuthStatus', 'authdesk:lock.unlock', 'authdesk:lock.unlockWithSystem', 'authdesk:settings.get']);
  });
});

describe('contract', () => {
  it('every channel has the one prefix and an area.action name', () => {
    expect(CHANNELS.size).toBeGreaterThan(10);
    for (const name of CHANNELS.keys()) expect(name).toMatch(/^authdesk:[a-z]+\.[a-zA-Z]+$/);
  });

  it('the preload API has exactly one function per channel and no generic invoke', () => {
    const api = buildAuthdeskApi({ invoke: async () => undefined, subscribe: () => () => undefined }) as unknown as Record<string, Record<string, unknown>>;
    const fromApi = Object.entries(api).flatMap(([area, fns]) => (area === 'on' ? [] : Object.keys(fns).map((k) => `authdesk:${area}.${k}`))).sort();
    expect(fromApi).toEqual([...CHANNELS.keys()].sort());
    expect(Object.keys(api).sort()).toEqual([...Object.keys(areas), 'on'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(() => (api.on as unknown as (n: string, l: () => void) => void)('no.such', () => undefined)).toThrow(/Unknown Authdesk event/);
  });

  it('the preload sends exactly one argument to the named channel and strips the IPC event', async () => {
    const calls: unknown[][] = [];
    let listener: ((payload: unknown) => void) | undefined;
    const api = buildAuthdeskApi({
      invoke: async (...args) => { calls.push(args); return { ok: true, value: 1 }; },
      subscribe: (channel, l) => { calls.push(['subscribe', channel]); listener = l; return () => undefined; },
    });
    await api.codes.current({ ids: ['a'] });
    await api.accounts.list();
    const got: unknown[] = [];
    api.on('lock.changed', (payload) => got.push(payload));
    listener?.({ enabled: true, locked: true });
    expect(calls).toEqual([['authdesk:codes.current', { ids: ['a'] }], ['authdesk:accounts.list', undefined], ['subscribe', 'authdesk:event:lock.changed']]);
    expect(got).toEqual([{ enabled: true, locked: true }]);
  });
});

describe('registerIpc (Electron glue against fakes)', () => {
  it('registers every channel, checks the frame and refuses extra arguments', async () => {
    const registered = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const ipcMain = { handle: (name: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void registered.set(name, fn), removeHandler: (name: string) => void registered.delete(name) };
    const seen: SenderInfo[] = [];
    const unregister = registerIpc(ipcMain as never, async (_channel, sender) => { seen.push(sender); return { ok: true, value: null }; });
    expect([...registered.keys()].sort()).toEqual([...CHANNELS.keys()].sort());
    const mainFrame = { url: APP, parent: null };
    const iframe = { url: APP, parent: mainFrame };
    const handler = registered.get('authdesk:accounts.list')!;
    await handler({ senderFrame: mainFrame, sender: { mainFrame } }, undefined);
    await handler({ senderFrame: iframe, sender: { mainFrame } }, undefined);
    await handler({ senderFrame: null, sender: { mainFrame } }, undefined);
    expect(seen).toEqual([{ url: APP, isMainFrame: true }, { url: APP, isMainFrame: false }, { url: undefined, isMainFrame: false }]);
    expect(await handler({ senderFrame: mainFrame, sender: { mainFrame } }, 1, 2)).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
    expect(senderInfo({ senderFrame: mainFrame, sender: { mainFrame: { url: APP, parent: null } } } as never).isMainFrame).toBe(false);
    unregister();
    expect(registered.size).toBe(0);
  });

  it('the event sink sends the prefixed channel to live windows only', () => {
    const sent: unknown[] = [];
    const sink = createEventSink(() => [
      { isDestroyed: () => false, send: (...args: unknown[]) => void sent.push(args) },
      { isDestroyed: () => true, send: () => { throw new Error('destroyed'); } },
    ] as never);
    sink.emit('accounts.changed', { source: 'external' });
    expect(sent).toEqual([['authdesk:event:accounts.changed', { source: 'external' }]]);
  });
});

describe('handlers through the dispatcher (real core vault, memory ports)', () => {
  it('adds by key and by URI; codes match oathtool', async () => {
    const { app, events } = await services();
    const dispatch = app.dispatch(trusted);
    const byKey = await dispatch('authdesk:accounts.add', top, { type: 'totp', issuer: 'GitHub', label: 'octo', secret: 'jbsw y3dp-ehpk 3pxp' });
    expect(byKey).toMatchObject({ ok: true, value: { issuer: 'GitHub', label: 'octo', type: 'totp', digits: 6, period: 30 } });
    const byUri = await dispatch('authdesk:accounts.addUri', top, { uri: `otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=${SECRET}&issuer=Amazon%20Web%20Services` });
    expect(byUri).toMatchObject({ ok: true, value: { issuer: 'Amazon Web Services', label: 'alice@123456789012' } });
    expect(events.emitted.filter((e) => e.name === 'accounts.changed')).toHaveLength(2);
    const ids = [byKey, byUri].map((r) => (r.ok ? (r.value as { id: string }).id : ''));
    const result = await dispatch('authdesk:codes.current', top, { ids });
    if (!result.ok) throw new Error(result.error.message);
    const { now, codes, failed } = result.value as { now: number; codes: Array<{ accountId: string; code: string; next: string; validUntil: number }>; failed: unknown[] };
    expect(failed).toEqual([]);
    const step = Math.floor(now / 30_000);
    const oath = (secret: string, s: number) => spawnSync('oathtool', ['--totp', '-b', `--now=@${s * 30}`, secret], { encoding: 'utf8' }).stdout.trim();
    expect(codes.find((c) => c.accountId === ids[0])?.code).toBe(oath('JBSWY3DPEHPK3PXP', step));
    expect(codes.find((c) => c.accountId === ids[1])?.code).toBe(oath(SECRET, step));
    expect(codes.find((c) => c.accountId === ids[1])?.next).toBe(oath(SECRET, step + 1));
    app.dispose();
  });

  it('explains bad keys and links with core sentences, as answers not failures', async () => {
    const { app } = await services();
    const dispatch = app.dispatch(trusted);
    expect(await dispatch('authdesk:accounts.validateSecret', top, { secret: 'JBSWY3DPEHPK3PX1' })).toMatchObject({ ok: true, value: { valid: false, error: { code: 'SECRET_INVALID_CHARACTER' } } });
    const short = await dispatch('authdesk:accounts.validateSecret', top, { secret: 'JBSWY3DP' });
    expect(short).toMatchObject({ ok: true, value: { valid: false, error: { code: 'SECRET_TOO_SHORT' } } });
    expect(await dispatch('authdesk:accounts.validateSecret', top, { secret: SECRET })).toEqual({ ok: true, value: { valid: true, preview: { secretBits: 160 } } });
    expect(await dispatch('authdesk:accounts.validateUri', top, { uri: 'https://example.com' })).toMatchObject({ ok: true, value: { valid: false, error: { code: 'URI_WRONG_SCHEME' } } });
    const good = await dispatch('authdesk:accounts.validateUri', top, { uri: `otpauth://hotp/Corp:bob?secret=${SECRET}&counter=7&digits=8` });
    expect(good).toEqual({ ok: true, value: { valid: true, preview: { type: 'hotp', issuer: 'Corp', label: 'bob', algorithm: 'SHA1', digits: 8, period: 30, counter: 7, secretBits: 160 } } });
    expect(await dispatch('authdesk:accounts.add', top, { type: 'totp', issuer: 'X', label: '  ', secret: SECRET })).toMatchObject({ ok: false, error: { code: 'NAME_EMPTY' } });
    app.dispose();
  });
});
