import { useCallback, useEffect, useState } from 'react';
import { call, messageOf } from '../api.js';
import { useAuthdeskEvent } from '../hooks/useEvent.js';
import { releaseApi } from './release-api.js';
import type { ActivityEntry } from './types.js';
import { programLabel, reasonLabel, visible, whatLabel } from './wording.js';

/** How many entries the list shows before "Show more" (the log keeps up to 1,000). */
const PAGE = 50;

/** Settings › Activity: every release to another program, newest first. */
export function ActivitySettings() {
  const [entries, setEntries] = useState<readonly ActivityEntry[]>();
  const [shown, setShown] = useState(PAGE);
  const [error, setError] = useState<string>();
  const load = useCallback(async () => {
    const release = releaseApi();
    if (!release) return;
    try {
      setEntries(await call(release.activity()));
    } catch (e) {
      setError(messageOf(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useAuthdeskEvent('release.logged', () => void load());
  const clear = async () => {
    const release = releaseApi();
    if (!release) return;
    await call(release.clearActivity()).then(load, (e: unknown) => setError(messageOf(e)));
  };
  return (
    <div data-testid="activity">
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      {entries === undefined ? <p className="setting__description">Loading…</p> : entries.length === 0 ? (
        <p className="setting__description">No code has been released to another program yet.</p>
      ) : (
        <ol className="activity-list" aria-label="Activity">
          {entries.slice(0, shown).map((entry, i) => (
            <li key={`${entry.at}-${i}`} className={`activity-entry activity-entry--${entry.decision}`} data-testid="activity-entry">
              <span className="activity-entry__head">
                <span className="activity-entry__decision">{reasonLabel(entry)}</span>
                <time className="setting__description" dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
              </span>
              <span>{whatLabel(entry.what, entry.role)} for <strong>{entry.account.name}</strong></span>
              <span className="setting__description">to {programLabel(entry.program)}{entry.program.verified ? '' : ' (unverified)'}</span>
              {entry.program.parentCommandLine ? <span className="setting__description release-card__mono">started by {visible(entry.program.parentCommandLine)}</span> : null}
            </li>
          ))}
        </ol>
      )}
      <div className="setting__buttons activity-actions">
        {entries && entries.length > shown ? <button type="button" className="button button--small" onClick={() => setShown(shown + PAGE)}>Show more</button> : null}
        <button type="button" className="button button--small" disabled={!entries || entries.length === 0} onClick={() => void clear()}>Clear log</button>
      </div>
    </div>
  );
}
