import { useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../api.js';
import { getSettingsSections, registerSettingsSection } from '../slots.js';
import { SettingsContext, useSettings } from '../settings-context.js';
import type { PublicSettings } from '../types.js';
import { CloseIcon } from './Icons.js';
import { SystemAuthSetting } from './SystemAuthSetting.js';


function Segmented<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: ReadonlyArray<[T, string]>; onChange(value: T): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map(([v, text]) => (
        <button key={v} type="button" role="radio" aria-checked={value === v} className={`segmented__option${value === v ? ' segmented__option--on' : ''}`} onClick={() => onChange(v)}>
          {text}
        </button>
      ))}
    </div>
  );
}

function Switch({ label, description, checked, onChange, name }: { label: string; description?: string; checked: boolean; onChange(value: boolean): void; name: string }) {
  return (
    <label className="setting setting--switch">
      <span className="setting__text">
        <span className="setting__label">{label}</span>
        {description ? <span className="setting__description">{description}</span> : null}
      </span>
      <input type="checkbox" role="switch" name={name} className="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </label>
  );
}

const useSettingsBridge = useSettings;

function Appearance() {
  const { settings, update } = useSettingsBridge();
  return (
    <>
      <div className="setting">
        <span className="setting__label" id="theme-label">Theme</span>
        <Segmented label="Theme" value={settings.theme} options={[['system', 'System'], ['light', 'Light'], ['dark', 'Dark']]} onChange={(theme) => void update({ theme })} />
      </div>
      <CodeVisibilitySection />
    </>
  );
}

/** Privacy on screen (Ente's and Aegis's "hide codes"): for a shared screen, a meeting, a café. */
function CodeVisibilitySection() {
  const { settings, update } = useSettingsBridge();
  return (
    <div className="setting">
      <span className="setting__text">
        <span className="setting__label" id="code-visibility-label">Show codes</span>
        <span className="setting__description">Hidden codes are not in the window at all until you point at or click an account, so a screen share or screenshot cannot show them.</span>
      </span>
      <Segmented label="Show codes" value={settings.codeVisibility} options={[['shown', 'Always'], ['hover', 'On hover'], ['click', 'On click']]} onChange={(codeVisibility) => void update({ codeVisibility })} />
    </div>
  );
}

const CLEAR_OPTIONS: ReadonlyArray<[number, string]> = [[10, '10 seconds'], [20, '20 seconds'], [30, '30 seconds'], [45, '45 seconds'], [60, '1 minute'], [120, '2 minutes'], [0, 'Never']];

function ClipboardSection() {
  const { settings, update } = useSettingsBridge();
  const options = CLEAR_OPTIONS.some(([v]) => v === settings.clipboardClearSeconds) ? CLEAR_OPTIONS : [...CLEAR_OPTIONS, [settings.clipboardClearSeconds, `${settings.clipboardClearSeconds} seconds`] as [number, string]];
  return (
    <label className="setting">
      <span className="setting__text">
        <span className="setting__label">Clear copied codes after</span>
        <span className="setting__description">Only if the clipboard still holds the code.</span>
      </span>
      <select className="input input--compact" name="clipboardClearSeconds" value={settings.clipboardClearSeconds} onChange={(e) => void update({ clipboardClearSeconds: Number(e.target.value) })}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );
}

function LockSection() {
  const { settings, update } = useSettingsBridge();
  const [mode, setMode] = useState<'idle' | 'set' | 'change' | 'remove'>('idle');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reset = () => { setMode('idle'); setCurrent(''); setNext(''); setConfirm(''); setError(undefined); };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (mode !== 'remove' && next !== confirm) { setError('The two passphrases are different. Type the same passphrase twice.'); return; }
    setBusy(true);
    try {
      if (mode === 'remove') await call(api().lock.clearPassphrase({ current }));
      else await call(api().lock.setPassphrase(mode === 'change' ? { current, next } : { next }));
      reset();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div className="setting">
        <span className="setting__text">
          <span className="setting__label">Passphrase</span>
          <span className="setting__description">{settings.lockEnabled ? 'On. Codes are hidden until you unlock.' : 'Off. Anyone at this computer can see your codes.'}</span>
        </span>
        {mode === 'idle' ? (
          settings.lockEnabled ? (
            <span className="setting__buttons">
              <button type="button" className="button button--small" onClick={() => setMode('change')}>Change…</button>
              <button type="button" className="button button--small" onClick={() => setMode('remove')}>Turn off…</button>
            </span>
          ) : (
            <button type="button" className="button button--small button--primary" onClick={() => setMode('set')}>Set passphrase…</button>
          )
        ) : null}
      </div>
      {mode !== 'idle' ? (
        <form className="form form--inset" onSubmit={submit}>
          {mode !== 'set' ? (
            <label className="field"><span className="field__label">Current passphrase</span>
              <input className="input" type="password" name="current" autoFocus autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
          ) : null}
          {mode !== 'remove' ? (
            <>
              <label className="field"><span className="field__label">New passphrase</span>
                <input className="input" type="password" name="next" autoFocus={mode === 'set'} autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} /></label>
              <label className="field"><span className="field__label">Repeat it</span>
                <input className="input" type="password" name="confirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} /></label>
            </>
          ) : null}
          {error ? <p className="form__error" role="alert">{error}</p> : null}
          <div className="form__actions">
            <button type="button" className="button" onClick={reset}>Cancel</button>
            <button type="submit" className={`button ${mode === 'remove' ? 'button--danger' : 'button--primary'}`} disabled={busy}>
              {mode === 'remove' ? 'Turn off app lock' : 'Save passphrase'}
            </button>
          </div>
        </form>
      ) : null}
      <label className="setting">
        <span className="setting__text"><span className="setting__label">Lock after inactivity</span></span>
        <select className="input input--compact" name="lockAfterIdleMinutes" disabled={!settings.lockEnabled} value={settings.lockAfterIdleMinutes} onChange={(e) => void update({ lockAfterIdleMinutes: Number(e.target.value) })}>
          {[[1, '1 minute'], [2, '2 minutes'], [5, '5 minutes'], [10, '10 minutes'], [15, '15 minutes'], [30, '30 minutes'], [60, '1 hour'], [0, 'Never']].map(([v, t]) => <option key={v} value={v}>{t}</option>)}
        </select>
      </label>
      <Switch name="lockOnScreenLock" label="Lock when the screen locks" checked={settings.lockOnScreenLock} onChange={(lockOnScreenLock) => void update({ lockOnScreenLock })} />
      <SystemAuthSetting />
    </>
  );
}

function StartupSection() {
  const { settings, update } = useSettingsBridge();
  return <Switch name="startAtLogin" label="Start Authdesk when you log in" description="Opens in the tray, ready for the next code." checked={settings.startAtLogin} onChange={(startAtLogin) => void update({ startAtLogin })} />;
}

registerSettingsSection({ id: 'appearance', title: 'Appearance', order: 0, View: Appearance });
registerSettingsSection({ id: 'clipboard', title: 'Clipboard', order: 20, View: ClipboardSection });
registerSettingsSection({ id: 'lock', title: 'App lock', order: 30, View: LockSection });
registerSettingsSection({ id: 'startup', title: 'Startup', order: 40, View: StartupSection });

export function SettingsSheet({ settings, onClose, notify }: { settings: PublicSettings; onClose(): void; notify(text: string, tone?: 'info' | 'error'): void }) {
  const bridge = {
    settings,
    notify,
    async update(patch: Parameters<ReturnType<typeof api>['settings']['update']>[0]) {
      try {
        await call(api().settings.update(patch));
      } catch (e) {
        notify(messageOf(e), 'error');
      }
    },
  };
  return (
    <SettingsContext.Provider value={bridge}>
    <section className="sheet" aria-labelledby="settings-title">
      <header className="sheet__header">
        <span className="sheet__spacer" />
        <h2 id="settings-title" className="sheet__title">Settings</h2>
        <button type="button" className="icon-button" aria-label="Close settings" onClick={onClose}><CloseIcon /></button>
      </header>
      <div className="sheet__body">
        {getSettingsSections().map(({ id, title, View }) => (
          <section key={id} className="settings-group" aria-labelledby={`settings-${id}`}>
            <h3 id={`settings-${id}`} className="settings-group__title">{title}</h3>
            <div className="settings-group__body"><View /></div>
          </section>
        ))}
      </div>
    </section>
    </SettingsContext.Provider>
  );
}
