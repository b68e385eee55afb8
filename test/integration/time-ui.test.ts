// The app shows the correction: the built renderer in Chromium, real main-side handlers over a
// real vault (real keychain: run under scripts/with-keyring.sh), the real time service measuring a
// real chronyd that serves a clock 90 s ahead. Oracle for codes: Debian's oathtool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolTotp } from '../helpers/cli.js';
import { startChrony, type ChronyServer } from '../helpers/time-chrony.js';
import { startTimeUi, type TimeUi } from '../helpers/time-ui.js';

const SECRET = Array.from({ length: 32 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');

describe('clock health in the app', () => {
  let chrony: ChronyServer;
  let ui: TimeUi;

  beforeAll(async () => {
    chrony = await startChrony({ fakeOffset: '+90s' });
    ui = await startTimeUi({
      time: { httpsFallbackUrl: null },
      beforeLoad: async (vault) => {
        await vault.updateSettings({ timeServers: [`127.0.0.1:${chrony.port}`] });
        await vault.add({ type: 'totp', issuer: 'Drift', label: 'ui@test', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30 });
      },
    });
  });
  afterAll(async () => {
    await ui?.close();
    await chrony?.stop();
  });

  const shownCode = async () => (await ui.page.locator('.row .code').first().textContent())?.replace(/\s/g, '') ?? '';
  /** The code on screen must be oathtool's at `local + shift` at some instant around the read. */
  const expectCodeAt = async (shiftSeconds: number) => {
    await expect.poll(async () => {
      const before = Date.now() / 1000 + shiftSeconds;
      const code = await shownCode();
      const after = Date.now() / 1000 + shiftSeconds;
      return [oathtoolTotp(SECRET, before), oathtoolTotp(SECRET, after)].includes(code);
    }).toBe(true);
  };

  it('starts unknown, measures in the background at start, then says the clock is corrected', async () => {
    const pill = ui.page.locator('.clock-health__pill');
    await expect.poll(() => pill.getAttribute('data-state')).toBe('unknown');
    ui.time.start(); // returns at once; the page stays live
    await expect.poll(() => pill.getAttribute('data-state')).toBe('corrected');
    expect(await pill.getAttribute('aria-label')).toBe('Clock: Your clock is 90 s slow — codes are corrected');
    const stored = (await ui.vault.settings()).timeOffset!;
    expect(Math.abs(stored.offsetMs - 90_000)).toBeLessThan(50);
    await pill.click();
    const popover = ui.page.getByRole('dialog', { name: 'Clock' });
    await expect.poll(() => popover.textContent()).toContain(`ntp:127.0.0.1:${chrony.port}`);
    // within 50 ms of faketime's 90 s (under load a measurement can read +89.999 s)
    expect(await popover.textContent()).toMatch(/Authdesk adds \+(89\.9[5-9]\d|90\.0[0-4]\d) s/);
  });

  it('shows codes for the corrected time (oathtool at local + 90 s)', async () => {
    // Going to Settings and back makes the list fetch codes again (docs/time.md "Hooks": the list
    // should also refetch on time.changed).
    await ui.page.keyboard.press('Escape');
    await ui.page.getByRole('button', { name: 'Settings' }).click();
    await ui.page.getByRole('button', { name: 'Close settings' }).click();
    await expectCodeAt(90);
  });

  it('Settings › Time sync shows the health; turning correction off warns and codes follow the local clock', async () => {
    await ui.page.getByRole('button', { name: 'Settings' }).click();
    const section = ui.page.locator('section.settings-group', { has: ui.page.getByRole('heading', { name: 'Time sync' }) });
    await expect.poll(() => section.getByTestId('time-health').textContent()).toContain('Your clock is 90 s slow — codes are corrected');
    await section.getByRole('switch', { name: /Correct codes/ }).click();
    await expect.poll(() => section.getByTestId('time-health').textContent()).toContain('Your clock is 90 s slow and correction is off — codes may be rejected');
    await ui.page.getByRole('button', { name: 'Close settings' }).click();
    const pill = ui.page.locator('.clock-health__pill');
    await expect.poll(() => pill.getAttribute('data-state')).toBe('uncorrected');
    expect(await pill.getAttribute('class')).toContain('clock-health__pill--warning');
    await expectCodeAt(0);
    await ui.page.getByRole('button', { name: 'Settings' }).click();
    await section.getByRole('switch', { name: /Correct codes/ }).click();
    await expect.poll(() => section.getByTestId('time-health').textContent()).toContain('codes are corrected');
    // "Check now" measures again (the button says so while it runs) and keeps it corrected
    await section.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => section.getByTestId('time-health').textContent()).toMatch(/Measured just now/);
    await expect.poll(() => section.getByRole('button', { name: 'Check now' }).isEnabled()).toBe(true);
    await ui.page.getByRole('button', { name: 'Close settings' }).click();
    await expect.poll(() => pill.getAttribute('data-state')).toBe('corrected');
  });

  it('per-account step adjustment explains itself and shifts that account by whole periods', async () => {
    await ui.page.getByRole('button', { name: 'Actions for Drift' }).click();
    await ui.page.getByRole('button', { name: 'Adjust code timing…' }).click();
    await expect.poll(() => ui.page.getByTestId('step-adjust-explanation').textContent()).toMatch(/^Codes follow the corrected clock/);
    await ui.page.getByRole('button', { name: 'Later' }).click();
    expect(await ui.page.getByTestId('step-adjust-value').textContent()).toBe('+1');
    expect(await ui.page.getByTestId('step-adjust-explanation').textContent()).toBe('Codes are shown 1 period (30 s) ahead, for a service whose own clock runs fast. Other accounts are not affected.');
    await ui.page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await ui.vault.list())[0]?.stepAdjust).toBe(1);
    await ui.page.getByRole('button', { name: 'Settings' }).click();
    await ui.page.getByRole('button', { name: 'Close settings' }).click();
    await expectCodeAt(120);
    expect(ui.pageErrors).toEqual([]);
    expect(ui.blockedRequests).toEqual([]);
  });

  it('Settings › Time sync offers main\'s fixed list (no host field); a choice replaces the custom server', async () => {
    await ui.page.getByRole('button', { name: 'Settings' }).click();
    const servers = ui.page.getByTestId('time-servers');
    await expect.poll(() => servers.getByTestId('time-servers-custom').textContent()).toContain(`127.0.0.1:${chrony.port}`);
    expect(await servers.locator('input[type="text"], input:not([type])').count()).toBe(0); // nowhere to type a host
    expect(await servers.getByRole('checkbox').count()).toBe(6);
    await servers.getByRole('checkbox', { name: /Cloudflare/ }).check();
    await servers.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await ui.vault.settings()).timeServers).toEqual(['time.cloudflare.com']);
    await expect.poll(() => servers.getByTestId('time-servers-custom').count()).toBe(0);
    expect(await servers.getByRole('checkbox', { name: /Cloudflare/ }).isChecked()).toBe(true);
    expect(ui.pageErrors).toEqual([]);
  });
});
