import { useCallback, useEffect, useState } from 'react';
import { call } from '../api.js';
import { useAuthdeskEvent } from '../hooks/useEvent.js';
import { releaseApi } from './release-api.js';
import type { ReleaseSuggestion } from './types.js';
import { visible } from './wording.js';

/**
 * The one-time suggestion: an AWS account under "Always" just gave a code to another program.
 * "Ask first" sets that account to Ask; either answer hides it for good (settings.releaseSuggestionDone).
 */
export function SuggestionBanner() {
  const [suggestion, setSuggestion] = useState<ReleaseSuggestion | null>(null);
  const load = useCallback(async () => {
    const release = releaseApi();
    if (!release) return;
    setSuggestion(await call(release.suggestion()).catch(() => null));
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useAuthdeskEvent('release.logged', () => void load());
  useAuthdeskEvent('accounts.changed', () => void load());
  if (!suggestion) return null;
  const answer = async (accept: boolean) => {
    setSuggestion(null);
    await call(releaseApi()!.answerSuggestion({ accept })).catch(() => undefined);
  };
  return (
    <div className="release-suggestion" role="status" data-testid="release-suggestion">
      <span>
        <strong>{suggestion.account.name}</strong> gave a code to {visible(suggestion.program)} without asking.
        Ask you first from now on?
      </span>
      <span className="setting__buttons">
        <button type="button" className="button button--small button--primary" onClick={() => void answer(true)}>Ask first</button>
        <button type="button" className="button button--small" onClick={() => void answer(false)}>Keep Always</button>
      </span>
    </div>
  );
}
