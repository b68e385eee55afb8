// `authdesk time` end to end: the built CLI as a real process, a real chronyd serving a clock
// 90 s ahead (faketime), the real vault and Secret Service (run under scripts/with-keyring.sh),
// and Debian's oathtool as the oracle for the corrected code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp, tempDir, runProcess, type CliResult } from '../helpers/cli.js';
import { timeCliPath } from '../helpers/time-cli.js';
import { freeUdpPort, startChrony, type ChronyServer } from '../helpers/time-chrony.js';
import { startDateServer } from '../helpers/time-http-date.js';

const randomBase32 = (chars: number) => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');
const SECRET = randomBase32(32);

describe('authdesk time', () => {
  const data = tempDir('authdesk-time-cli-');
  let ahead: ChronyServer;
  let bin = '';
  const cli = (args: string[], input = ''): Promise<CliResult> =>
    runProcess(process.execPath, [bin, ...args], { env: { ...process.env, AUTHDESK_DATA_DIR: data.path }, input });

  beforeAll(async () => {
    bin = await timeCliPath();
    ahead = await startChrony({ fakeOffset: '+90s' });
  });
  afterAll(async () => {
    await ahead?.stop();
    data.cleanup();
  });

  it('measures without storing, in words', async () => {
    const r = await cli(['time', '--server', `127.0.0.1:${ahead.port}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const offset = /^Offset: +\+(\d+\.\d{3}) s \(your clock is 90 s slow\)$/m.exec(r.stdout);
    expect(offset, r.stdout).not.toBeNull();
    expect(Math.abs(Number(offset![1]) - 90)).toBeLessThan(0.05);
    expect(r.stdout).toMatch(/^Uncertainty: +±(\d\.\d{3}|[1-4]\d) ms$/m);
    expect(r.stdout).toContain(`Source:        ntp:127.0.0.1:${ahead.port} (4 replies`);
    expect(r.stdout).toMatch(/^Not saved:/m);
    const local = Date.parse(/^Local time: +(\S+)$/m.exec(r.stdout)![1]!);
    const trusted = Date.parse(/^Trusted time: +(\S+)$/m.exec(r.stdout)![1]!);
    expect(Math.abs(trusted - local - 90_000)).toBeLessThan(50);
  });

  it('acceptance: --sync against chrony +90 s stores +90 s (±0.05), then `authdesk code` prints the code for the corrected time', async () => {
    const added = await cli(['add', '--secret', '-', '--issuer', 'Drift', '--label', 'clock@test'], SECRET);
    expect(added.code, added.stderr).toBe(0);

    const synced = await cli(['time', '--server', `127.0.0.1:${ahead.port}`, '--sync', '--json']);
    expect(synced.code, synced.stderr).toBe(0);
    const json = JSON.parse(synced.stdout);
    expect(Math.abs(json.offsetMs - 90_000)).toBeLessThan(50);
    expect(json).toMatchObject({ source: `ntp:127.0.0.1:${ahead.port}`, stored: true, samples: 4 });
    expect(json.uncertaintyMs).toBeGreaterThan(0);
    expect(json.uncertaintyMs).toBeLessThan(50);
    expect(Math.abs(Date.now() - Date.parse(json.measuredAt))).toBeLessThan(10_000);

    // The code at "now + 90 s" by oathtool (90 s is exactly faketime's shift, not our measurement).
    const before = Date.now() / 1000 + 90;
    const code = await cli(['code', 'drift']);
    const after = Date.now() / 1000 + 90;
    expect(code.code, code.stderr).toBe(0);
    expect([oathtoolTotp(SECRET, before), oathtoolTotp(SECRET, after)]).toContain(code.stdout.trim());

    // and --no-correction gives the local clock's code (90 s = 3 steps away: a different code)
    const b2 = Date.now() / 1000;
    const raw = await cli(['code', 'drift', '--no-correction']);
    const a2 = Date.now() / 1000;
    expect([oathtoolTotp(SECRET, b2), oathtoolTotp(SECRET, a2)]).toContain(raw.stdout.trim());
    expect(raw.stdout.trim()).not.toBe(code.stdout.trim());

    // A later plain measurement mentions the stored offset.
    const again = await cli(['time', '--server', `127.0.0.1:${ahead.port}`]);
    expect(again.stdout).toMatch(/^Stored: +\+90\.0\d\d s from ntp:127\.0\.0\.1:\d+, measured just now\./m);
  });

  it('an unreachable server: exit 1, one sentence, and the offset still in use is named', async () => {
    const port = await freeUdpPort();
    const started = Date.now();
    const r = await cli(['time', '--server', `127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^authdesk: The time server 127\\.0\\.0\\.1:${port} refused the connection: nothing is listening on that port\\. .* Codes still use the last good offset, \\+90\\.0\\d\\d s measured just now\\.\\n$`));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an unknown host name: exit 1, one sentence', async () => {
    const r = await cli(['time', '--server', 'no-such-host.invalid', '--json']);
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stderr).error;
    expect(error.code).toMatch(/^TIME_(SERVER_NOT_FOUND|DNS_TIMEOUT)$/);
    expect(error.message).toContain('"no-such-host.invalid"');
  });

  it('falls back to an HTTP Date URL when the NTP server is down', async () => {
    const server = await startDateServer({ skewMs: -33_300 });
    try {
      const port = await freeUdpPort();
      const r = await cli(['time', '--server', `127.0.0.1:${port}`, '--https-url', server.url, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(Math.abs(json.offsetMs + 33_300)).toBeLessThan(50);
      expect(json.source).toMatch(/^http-date:127\.0\.0\.1:\d+$/);
      expect(json.authenticated).toBe(false); // plain http proves nothing about who answered
      expect(json.failures).toEqual([expect.objectContaining({ code: 'TIME_SERVER_UNREACHABLE' })]);
      expect(json.stored).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('custom servers are set through the CLI (--save-servers), the app only chooses from its list', async () => {
    const r = await cli(['time', '--server', `127.0.0.1:${ahead.port}`, '--save-servers']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Time servers:  127.0.0.1:${ahead.port} (saved;`);
    // Without --server the saved one is asked.
    const again = await cli(['time', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).source).toBe(`ntp:127.0.0.1:${ahead.port}`);
    const none = await cli(['time', '--save-servers']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--save-servers stores the servers given with --server/);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['time', 'extra'])).code).toBe(2);
    expect((await cli(['time', '--bogus'])).code).toBe(2);
    const bad = await cli(['time', '--server', 'bad host']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"bad host" is not a time server/);
  });
});
