// Issue 10 §1 in the app: the built renderer in Chromium, real main-side handlers over a real vault
// (real keychain: run under scripts/with-keyring.sh), the real clock service measuring a real
// chronyd under faketime +3 days, with an honest HTTPS Date server (self-signed, trusted through
// `ca`) as the secure check. The page shows the warning, and the confirm dialog says what will
// change; only after confirming do codes move. Oracle: Debian's oathtool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp } from '../helpers/cli.js';
import { startChrony, type ChronyServer } from '../helpers/time-chrony.js';
import { startTimeUi, type TimeUi } from '../helpers/time-ui.js';
import { startTlsDateServer, type TlsDateServer } from '../helpers/time-tls-date.js';

const DAY = 86_400_000;
const SECRET = Array.from({ length: 32 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');

describe('an unverified +3 days in the app', () => {
  let chrony: ChronyServer;
  let honest: TlsDateServer;
  let ui: TimeUi;

  beforeAll(async () => {
    [chrony, honest] = await Promise.all([startChrony({ fakeOffset: '+3d' }), startTlsDateServer({ skewMs: 0 })]);
    ui = await startTimeUi({
      time: { httpsFallbackUrl: null, verifyUrl: honest.url, verify: { ca: honest.cert } },
      beforeLoad: async (vault) => {
        await vault.updateSettings({ timeServers: [`127.0.0.1:${chrony.port}`] });
        await vault.add({ type: 'totp', issuer: 'Forged', label: 'ui@test', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30 });
      },
    });
  });
  afterAll(async () => {
    await ui?.close();
    await Promise.all([chrony?.stop(), honest?.close()]);
  });

  const shownCode = async () => (await ui.page.locator('.row .code').first().textContent())?.replace(/\s/g, '') ?? '';
  const expectCodeAt = async (shiftMs: number) => {
    await expect.poll(async () => {
      const before = (Date.now() + shiftMs) / 1000;
      const code = await shownCode();
      const after = (Date.now() + shiftMs) / 1000;
      return [oathtoolTotp(SECRET, before), oathtoolTotp(SECRET, after)].includes(code);
    }).toBe(true);
  };
  const reloadCodes = async () => {
    await ui.page.getByRole('button', { name: 'Settings' }).click();
    await ui.page.getByRole('button', { name: 'Close settings' }).click();
  };

  it('at start: a warning, not "corrected"; codes stay on the local clock', async () => {
    const pill = ui.page.locator('.clock-health__pill');
    ui.time.start();
    await expect.poll(() => pill.getAttribute('data-state')).toBe('unverified');
    expect(await pill.getAttribute('class')).toContain('clock-health__pill--warning');
    expect(await pill.getAttribute('aria-label')).toBe('Clock: A time server says your clock is 3 days slow, but this could not be verified — codes use this computer’s clock');
    expect(await pill.textContent()).toContain('Clock unverified');
    expect((await ui.vault.settings()).timeOffset).toBeUndefined();
    await reloadCodes();
    await expectCodeAt(0);
  });

  it('the dialog says what will change; confirming applies the offset main kept, and codes move by 3 days', async () => {
    await ui.page.locator('.clock-health__pill').click();
    const popover = ui.page.getByRole('dialog', { name: 'Clock' });
    await expect.poll(() => popover.textContent()).toContain(`The secure check against ${honest.url.slice(8, -1)} says your clock is right.`);
    await popover.getByRole('button', { name: 'Use the server’s time…' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Use the time server’s clock for codes?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const text = (await dialog.textContent()) ?? '';
    expect(text).toMatch(new RegExp(`The time server 127\\.0\\.0\\.1:${chrony.port} says your clock is 3 days slow \\(\\+(259199\\.9[5-9]|259200\\.0[0-4])\\d s\\)\\.`));
    expect(text).toContain('This could not be verified: anyone on your network can send a wrong time.');
    expect(await dialog.getByTestId('confirm-offset-change').textContent()).toMatch(/^If you confirm, every code will be made for .+ GMT instead of this computer’s clock \(.+ GMT\) — 3 days later\.$/);
    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await ui.vault.settings()).timeOffset).toBeUndefined();

    await popover.getByRole('button', { name: 'Use the server’s time…' }).click();
    await ui.page.getByRole('dialog', { name: 'Use the time server’s clock for codes?' }).getByRole('button', { name: 'Use the server’s time' }).click();
    const pill = ui.page.locator('.clock-health__pill');
    await expect.poll(() => pill.getAttribute('data-state')).toBe('corrected');
    const stored = (await ui.vault.settings()).timeOffset!;
    expect(Math.abs(stored.offsetMs - 3 * DAY)).toBeLessThan(50);
    expect(stored.verification).toMatchObject({ by: 'person', source: 'confirmed by you in the app' });
    await ui.page.keyboard.press('Escape');
    await reloadCodes();
    await expectCodeAt(3 * DAY);
    expect(ui.pageErrors).toEqual([]);
    expect(ui.blockedRequests).toEqual([]);
  });
});
