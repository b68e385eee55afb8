import { useState, type FormEvent } from 'react';
import { call, messageOf } from '../api.js';
import { useSettings } from '../settings-context.js';
import { timeApi } from './time-api.js';
import { useTimeStatus } from './useTimeStatus.js';

const SERVER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/;

/** Settings › Time sync: the clock's health, "Check now", correction on/off, the NTP servers. */
export function TimeSettings() {
  const { settings, update, notify } = useSettings();
  const { status } = useTimeStatus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [servers, setServers] = useState(settings.timeServers.join(', '));
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

  const saveServers = async (event: FormEvent) => {
    event.preventDefault();
    const list = servers.split(/[\s,]+/).filter(Boolean);
    const bad = list.find((s) => !SERVER.test(s));
    if (list.length === 0) return setServerError('Give at least one server, e.g. time.aws.com.');
    if (list.length > 8) return setServerError('At most 8 servers.');
    if (bad) return setServerError(`"${bad}" is not a host name or address (optionally with :PORT).`);
    setServerError(undefined);
    await update({ timeServers: list });
  };

  return (
    <>
      <div className="setting" data-testid="time-health">
        <span className="setting__text">
          <span className={`setting__label clock-health__headline--${status?.health.severity ?? 'info'}`}>{status ? status.health.headline : 'Loading…'}</span>
          <span className="setting__description">{status?.health.detail}</span>
          {status?.lastError ? <span className="setting__description clock-health__error" role="alert">Last check failed: {status.lastError.message}</span> : null}
          {error ? <span className="setting__description clock-health__error" role="alert">{error}</span> : null}
        </span>
        <button type="button" className="button button--small" disabled={measuring || !timeApi()} onClick={() => void check()}>
          {measuring ? 'Checking…' : 'Check now'}
        </button>
      </div>
      <label className="setting setting--switch">
        <span className="setting__text">
          <span className="setting__label">Correct codes for this computer’s clock</span>
          <span className="setting__description">Adds the measured offset to the clock for every code. Checked at start, after sleep and every 4 hours; offline, the last offset is used.</span>
        </span>
        <input type="checkbox" role="switch" name="timeCorrection" className="switch" checked={settings.timeCorrection} onChange={(e) => void update({ timeCorrection: e.target.checked })} />
      </label>
      <form className="setting" onSubmit={(e) => void saveServers(e)}>
        <label className="setting__text" htmlFor="time-servers">
          <span className="setting__label">Time servers (NTP)</span>
          <span className="setting__description">Tried in order; if none answers, the Date of an AWS HTTPS reply is used.</span>
          {serverError ? <span className="setting__description clock-health__error" role="alert">{serverError}</span> : null}
        </label>
        <span className="setting__buttons">
          <input id="time-servers" className="input input--compact" name="timeServers" value={servers} aria-invalid={serverError ? true : undefined} onChange={(e) => setServers(e.target.value)} />
          <button type="submit" className="button button--small" disabled={servers === settings.timeServers.join(', ')}>Save</button>
        </span>
      </form>
    </>
  );
}
