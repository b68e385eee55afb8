// Issue 10 §5: the renderer has no way out to the network. Through the real dispatcher (the one
// main registers for the window), a renderer call that names a host or port is refused, for both
// channels that used to take one (time.sync's `server`, settings.update's `timeServers`), and
// nothing is measured or stored. Servers are chosen by id from main's fixed list.
import { describe, expect, it } from 'vitest';
import { TIME_SERVER_PRESETS } from '../../core/time/server.js';
import { appOriginCheck, type SenderInfo } from '../../electron/main/handlers/dispatch.js';
import { services } from './ipc-fixtures.js';

const top: SenderInfo = { url: 'app://authdesk/index.html', isMainFrame: true };
// A code exfiltrated inside a DNS name, as the review's page script did.
const EXFIL = '123456.attacker.example';

describe('renderer time servers', () => {
  it('time.sync refuses a named server (host, host:port, IPv6) and measures nothing', async () => {
    const { app } = await services();
    const dispatch = app.dispatch(appOriginCheck('app://authdesk/index.html'));
    for (const server of [EXFIL, `${EXFIL}:123`, '[::1]:11123', '127.0.0.1:53', 'time.aws.com']) {
      const result = await dispatch('authdesk:time.sync', top, { server });
      expect(result, server).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD', domain: 'input', message: 'Invalid request: request has an unexpected key "server".' } });
    }
    for (const payload of [{ host: EXFIL }, { port: 123 }, { url: `https://${EXFIL}/` }, EXFIL]) {
      expect(await dispatch('authdesk:time.sync', top, payload)).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
    }
    const status = await app.handlers.time.status();
    expect(status.lastAttemptAt).toBeUndefined(); // no measurement was started
    expect(status.measuring).toBe(false);
    app.dispose();
  });

  it('settings.update refuses host names in any key, and takes only ids from the fixed list', async () => {
    const { app, vault } = await services();
    const dispatch = app.dispatch(appOriginCheck('app://authdesk/index.html'));
    const refused: unknown[] = [
      { timeServers: [EXFIL] },
      { timeServers: ['time.aws.com'] },
      { timeServerIds: [EXFIL] },
      { timeServerIds: ['aws:123'] },
      { timeServerIds: ['time.aws.com'] },
      { timeServerIds: ['aws', EXFIL] },
      { timeServerIds: [] },
      { timeHttpsUrl: `https://${EXFIL}/` },
    ];
    for (const patch of refused) {
      const result = await dispatch('authdesk:settings.update', top, patch);
      expect(result, JSON.stringify(patch)).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD', domain: 'input' } });
    }
    expect((await vault.settings()).timeServers).toEqual(['time.aws.com']);

    const ok = await dispatch('authdesk:settings.update', top, { timeServerIds: ['cloudflare', 'aws', 'cloudflare'] });
    expect(ok).toMatchObject({ ok: true, value: { timeServers: ['time.cloudflare.com', 'time.aws.com'] } });
    expect((await vault.settings()).timeServers).toEqual(['time.cloudflare.com', 'time.aws.com']);

    const status = await app.handlers.time.status();
    expect(status.serverChoices.map((c) => c.id)).toEqual(TIME_SERVER_PRESETS.map((p) => p.id));
    expect(status.serverChoices.filter((c) => c.selected).map((c) => c.id)).toEqual(['aws', 'cloudflare']);
    app.dispose();
  });
});
