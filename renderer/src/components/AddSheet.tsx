import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../api.js';
import { getAddMethod, getAddMethods, registerAddMethod, type AddMethodProps } from '../slots.js';
import type { AccountPreview, Validation } from '../types.js';
import { BackIcon, CloseIcon, KeyIcon, LinkIcon } from './Icons.js';

/** Validate in main (core's sentences) as the user types, debounced; stale answers are dropped. */
function useValidation<T>(value: string, validate: (value: string) => Promise<Validation<T>>, delay = 180): Validation<T> | undefined {
  const [result, setResult] = useState<Validation<T>>();
  const latest = useRef(0);
  useEffect(() => {
    const id = ++latest.current;
    if (value.trim() === '') {
      setResult(undefined);
      return;
    }
    const timer = window.setTimeout(() => {
      validate(value).then((answer) => {
        if (id === latest.current) setResult(answer);
      }, () => undefined);
    }, delay);
    return () => window.clearTimeout(timer);
    // `validate` is a stable module-level function in both uses.
  }, [value, delay]);
  return result;
}

const validateUri = (uri: string) => call(api().accounts.validateUri({ uri: uri.trim().slice(0, 4096) }));
const validateSecret = (secret: string) => call(api().accounts.validateSecret({ secret: secret.slice(0, 512) }));

function UriForm({ onAdded, onCancel }: AddMethodProps) {
  const [uri, setUri] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const validation = useValidation<AccountPreview>(uri, validateUri);
  const hintId = useId();
  const inputId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const account = await call(api().accounts.addUri({ uri: uri.trim() }));
      onAdded([account]);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const invalid = validation && !validation.valid ? validation.error.message : undefined;
  const preview = validation?.valid ? validation.preview : undefined;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label className="field__label" htmlFor={inputId}>Authenticator link</label>
        <textarea
          id={inputId}
          className="input input--mono"
          name="uri"
          rows={4}
          autoFocus
          spellCheck={false}
          placeholder="otpauth://totp/Service:you@example.com?secret=…"
          value={uri}
          maxLength={4096}
          aria-invalid={invalid !== undefined}
          aria-describedby={hintId}
          onChange={(e) => setUri(e.target.value)}
        />
        <span id={hintId} className={`field__hint${invalid ? ' field__hint--error' : ''}`} role={invalid ? 'alert' : undefined}>
          {invalid ?? (preview ? '' : 'Paste the otpauth:// link behind a QR code, e.g. from a password manager or another authenticator’s export.')}
        </span>
      </div>
      {preview ? (
        <div className="preview" aria-label="What this link contains">
          <div className="preview__title">{preview.issuer || preview.label}</div>
          {preview.issuer ? <div className="preview__sub">{preview.label}</div> : null}
          <div className="preview__meta">
            {preview.type === 'totp' ? `Time-based · every ${preview.period} s` : `Counter-based · starts at ${preview.counter ?? 0}`} · {preview.digits} digits · {preview.algorithm} · {preview.secretBits}-bit key
          </div>
        </div>
      ) : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="button button--primary" disabled={busy || !preview}>Add account</button>
      </div>
    </form>
  );
}

function ManualForm({ onAdded, onCancel }: AddMethodProps) {
  const [issuer, setIssuer] = useState('');
  const [label, setLabel] = useState('');
  const [secret, setSecret] = useState('');
  const [type, setType] = useState<'totp' | 'hotp'>('totp');
  const [algorithm, setAlgorithm] = useState<'SHA1' | 'SHA256' | 'SHA512'>('SHA1');
  const [digits, setDigits] = useState(6);
  const [period, setPeriod] = useState(30);
  const [counter, setCounter] = useState(0);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const validation = useValidation(secret, validateSecret);
  const secretHint = useId();
  const secretId = useId();
  const labelId = useId();
  const secretError = validation && !validation.valid ? validation.error.message : undefined;
  const labelMissing = touched && label.trim() === '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (label.trim() === '' || !validation?.valid) return;
    setBusy(true);
    setError(undefined);
    try {
      const account = await call(api().accounts.add({
        type, issuer: issuer.trim(), label: label.trim(), secret, algorithm, digits,
        ...(type === 'totp' ? { period } : { counter }),
      }));
      onAdded([account]);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <label className="field">
        <span className="field__label">Service</span>
        <input className="input" name="issuer" autoFocus maxLength={256} placeholder="e.g. GitHub" value={issuer} onChange={(e) => setIssuer(e.target.value)} />
      </label>
      <div className="field">
        <label className="field__label" htmlFor={labelId}>Account name</label>
        <input id={labelId} className="input" name="label" maxLength={256} placeholder="e.g. you@example.com" value={label} aria-invalid={labelMissing} onChange={(e) => setLabel(e.target.value)} onBlur={() => setTouched(true)} />
        {labelMissing ? <span className="field__hint field__hint--error" role="alert">Give the account a name, for example your e-mail address or user name.</span> : null}
      </div>
      <div className="field">
        <label className="field__label" htmlFor={secretId}>Secret key</label>
        <input
          id={secretId}
          className="input input--mono"
          name="secret"
          autoComplete="off"
          spellCheck={false}
          maxLength={512}
          placeholder="JBSW Y3DP EHPK 3PXP …"
          value={secret}
          aria-invalid={secretError !== undefined}
          aria-describedby={secretHint}
          onChange={(e) => setSecret(e.target.value)}
        />
        <span id={secretHint} className={`field__hint${secretError ? ' field__hint--error' : validation?.valid ? ' field__hint--ok' : ''}`} role={secretError ? 'alert' : undefined}>
          {secretError ?? (validation?.valid ? `Looks right: a ${validation.preview.secretBits}-bit key.` : 'The letters and digits the service shows under “Can’t scan the code?”. Spaces and dashes are fine.')}
        </span>
      </div>
      <details className="advanced">
        <summary>Advanced</summary>
        <div className="advanced__grid">
          <label className="field">
            <span className="field__label">Type</span>
            <select className="input" name="type" value={type} onChange={(e) => setType(e.target.value as 'totp' | 'hotp')}>
              <option value="totp">Time-based (TOTP)</option>
              <option value="hotp">Counter-based (HOTP)</option>
            </select>
          </label>
          <label className="field">
            <span className="field__label">Algorithm</span>
            <select className="input" name="algorithm" value={algorithm} onChange={(e) => setAlgorithm(e.target.value as 'SHA1')}>
              <option value="SHA1">SHA-1 (most services)</option>
              <option value="SHA256">SHA-256</option>
              <option value="SHA512">SHA-512</option>
            </select>
          </label>
          <label className="field">
            <span className="field__label">Digits</span>
            <select className="input" name="digits" value={digits} onChange={(e) => setDigits(Number(e.target.value))}>
              <option value={6}>6</option><option value={7}>7</option><option value={8}>8</option>
            </select>
          </label>
          {type === 'totp' ? (
            <label className="field">
              <span className="field__label">Period (seconds)</span>
              <input className="input" name="period" type="number" min={1} max={86400} value={period} onChange={(e) => setPeriod(Math.max(1, Math.min(86400, Math.trunc(Number(e.target.value)) || 30)))} />
            </label>
          ) : (
            <label className="field">
              <span className="field__label">Counter</span>
              <input className="input" name="counter" type="number" min={0} value={counter} onChange={(e) => setCounter(Math.max(0, Math.trunc(Number(e.target.value)) || 0))} />
            </label>
          )}
        </div>
      </details>
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="button button--primary" disabled={busy}>Add account</button>
      </div>
    </form>
  );
}

registerAddMethod({ id: 'uri', title: 'Paste link', description: 'An otpauth:// link', order: 50, icon: <LinkIcon />, View: UriForm });
registerAddMethod({ id: 'manual', title: 'Enter key manually', description: 'Type the secret key', order: 60, icon: <KeyIcon />, View: ManualForm });

export function AddSheet({ initialMethod, onAdded, onClose }: { initialMethod?: string; onAdded: AddMethodProps['onAdded']; onClose(): void }) {
  const [methodId, setMethodId] = useState<string | undefined>(initialMethod);
  const method = methodId ? getAddMethod(methodId) : undefined;
  const methods = getAddMethods();
  return (
    <section className="sheet" aria-labelledby="add-title">
      <header className="sheet__header">
        {method ? (
          <button type="button" className="icon-button" aria-label="Back to ways of adding" onClick={() => setMethodId(undefined)}><BackIcon /></button>
        ) : <span className="sheet__spacer" />}
        <h2 id="add-title" className="sheet__title">{method ? method.title : 'Add account'}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}><CloseIcon /></button>
      </header>
      <div className="sheet__body">
        {method ? (
          <method.View onAdded={onAdded} onCancel={() => (initialMethod ? onClose() : setMethodId(undefined))} switchTo={setMethodId} />
        ) : (
          <>
            <p className="sheet__intro">How did the service give you the code?</p>
            <ul className="methods">
              {methods.map((m) => (
                <li key={m.id}>
                  <button type="button" className="method" data-method={m.id} onClick={() => setMethodId(m.id)}>
                    <span className="method__icon">{m.icon}</span>
                    <span className="method__text">
                      <span className="method__title">{m.title}</span>
                      <span className="method__description">{m.description}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
