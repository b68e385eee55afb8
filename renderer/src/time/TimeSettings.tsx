import { useState, type FormEvent } from 'react';
import { call, messageOf } from '../api.js';
import { useSettings } from '../settings-context.js';
import { timeApi } from './time-api.js';
import { useTimeStatus } from './useTimeStatus.js';
import { ConfirmOffset } from './ConfirmOffset.js';
import type { TimeServerChoice } from './types.js';

/** Settings › Time sync: the clock's health, "Check now", correction on/off, the NTP servers. */
function sameHost(a: string, b: string): boolean {
  const bare = (h: string) => h.trim().toLowerCase().replace(/\.$/, '').replace(/:123$/, '');
  return bare(a) === bare(b);
}

export function TimeSettings() {
  const { settings, update, notify } = useSettings();
  const { status } = useTimeStatus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [chosen, setChosen] = useState<readonly TimeServerChoice['id'][]>();
  const [serverError, setServerError] = useState<string>();
  const measuring = busy || status?.measuring === true;

  const check = async () => {
    const time = timeApi();
    if (!time) return;
    setBusy(true);
    setError(undefined);
    try {
      const s = await call(time.sync({}));
      notify(s.health.headline);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  // Servers are chosen by id from main's fixed list: the renderer never names a host or port
  // (docs/SECURITY.md). Custom servers can be set only with the CLI; choosing here replaces them.
  const choices = status?.serverChoices ?? [];
  const selectedNow = choices.filter((c) => c.selected).map((c) => c.id);
  const custom = (status?.servers ?? []).filter((host) => !choices.some((c) => c.selected && sameHost(c.host, host)));
  const picked = chosen ?? selectedNow;
  const toggle = (id: TimeServerChoice['id'], on: boolean) => {
    const next = choices.map((c) => c.id).filter((cid) => (cid === id ? on : picked.includes(cid)));
    setChosen(next);
  };
  const saveServers = async (event: FormEvent) => {
    event.preventDefault();
    if (picked.length === 0) return setServerError('Choose at least one server.');
    setServerError(undefined);
    await update({ timeServerIds: [...picked] });
    setChosen(undefined);
  };
  const unchanged = chosen === undefined || (custom.length === 0 && chosen.join() === selectedNow.join());

  return (
    <>
      <div className="setting" data-testid="time-health">
        <span className="setting__text">
          <span className={`setting__label clock-health__headline--${status?.health.severity ?? 'info'}`}>{status ? status.health.headline : 'Loading…'}</span>
          <span className="setting__description">{status?.health.detail}</span>
          {status?.lastError ? <span className="setting__description clock-health__error" role="alert">Last check failed: {status.lastError.message}</span> : null}
          {error ? <span className="setting__description clock-health__error" role="alert">{error}</span> : null}
        </span>
        <span className="setting__buttons">
          {status?.pending ? <ConfirmOffset status={status} onDone={(s) => notify(s.health.headline)} /> : null}
          <button type="button" className="button button--small" disabled={measuring || !timeApi()} onClick={() => void check()}>
            {measuring ? 'Checking…' : 'Check now'}
          </button>
        </span>
      </div>
      <label className="setting setting--switch">
        <span className="setting__text">
          <span className="setting__label">Correct codes for this computer’s clock</span>
          <span className="setting__description">Adds the measured offset to the clock for every code. Checked at start, after sleep and every 4 hours; offline, the last offset is used.</span>
        </span>
        <input type="checkbox" role="switch" name="timeCorrection" className="switch" checked={settings.timeCorrection} onChange={(e) => void update({ timeCorrection: e.target.checked })} />
      </label>
      <form className="setting" onSubmit={(e) => void saveServers(e)} data-testid="time-servers">
        <fieldset className="setting__text">
          <legend className="setting__label">Time servers (NTP)</legend>
          <span className="setting__description">Tried in order; if none answers, the Date of an AWS HTTPS reply is used.</span>
          {custom.length > 0 ? (
            <span className="setting__description" data-testid="time-servers-custom">
              Custom servers set with the authdesk command: {custom.join(', ')}. Saving a choice here replaces them.
            </span>
          ) : null}
          {choices.map((c) => (
            <label key={c.id} className="time-server-choice">
              <input type="checkbox" name="timeServerIds" value={c.id} checked={picked.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
              <span>{c.label}</span> <span className="setting__description">{c.host}</span>
            </label>
          ))}
          {serverError ? <span className="setting__description clock-health__error" role="alert">{serverError}</span> : null}
        </fieldset>
        <span className="setting__buttons">
          <button type="submit" className="button button--small" disabled={unchanged}>Save</button>
        </span>
      </form>
    </>
  );
}
