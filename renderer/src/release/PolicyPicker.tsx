import { useId } from 'react';
import type { ReleasePolicy } from './types.js';
import { GRANT_CHOICES } from './wording.js';

/** Always / Ask / Ask then allow for N minutes, as radio buttons (plus "Use the default" for an account). */
export function PolicyPicker({ value, onChange, allowDefault, defaultLabel }: {
  value: ReleasePolicy | undefined;
  onChange(policy: ReleasePolicy | undefined): void;
  allowDefault?: boolean;
  defaultLabel?: string;
}) {
  const name = useId();
  const mode = value?.mode ?? (allowDefault ? 'default' : 'always');
  const minutes = value?.mode === 'ask-then-allow' ? value.minutes : 15;
  return (
    <fieldset className="release-policy" aria-label="Release to other programs">
      {allowDefault ? (
        <label className="release-policy__choice">
          <input type="radio" name={name} checked={mode === 'default'} onChange={() => onChange(undefined)} />
          <span>Use the default{defaultLabel ? ` (${defaultLabel})` : ''}</span>
        </label>
      ) : null}
      <label className="release-policy__choice">
        <input type="radio" name={name} checked={mode === 'always'} onChange={() => onChange({ mode: 'always' })} />
        <span>Always <span className="setting__description">— scripts get codes without asking</span></span>
      </label>
      <label className="release-policy__choice">
        <input type="radio" name={name} checked={mode === 'ask'} onChange={() => onChange({ mode: 'ask' })} />
        <span>Ask every time</span>
      </label>
      <label className="release-policy__choice">
        <input type="radio" name={name} checked={mode === 'ask-then-allow'} onChange={() => onChange({ mode: 'ask-then-allow', minutes })} />
        <span>Ask, then allow that program for</span>
        <select aria-label="Minutes" value={minutes} disabled={mode !== 'ask-then-allow'} onChange={(e) => onChange({ mode: 'ask-then-allow', minutes: Number(e.target.value) })}>
          {GRANT_CHOICES.map((m) => <option key={m} value={m}>{m} min</option>)}
        </select>
      </label>
    </fieldset>
  );
}
