import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call } from '../api.js';
import { timedUpdate } from './perf.js';
import { useOnShown, usePresent } from './usePresence.js';
import type { CodeView } from '../types.js';

export interface CodesState {
  readonly codes: ReadonlyMap<string, CodeView>;
  readonly failures: ReadonlyMap<string, string>;
  /** Main's corrected clock minus this page's clock (ms). */
  readonly skew: number;
}

const EMPTY: CodesState = { codes: new Map(), failures: new Map(), skew: 0 };

/**
 * Codes for the given TOTP ids (the visible rows). Pulled from main; refreshed when the earliest
 * shown code expires — no per-second IPC. A changed id set fetches only the missing ids. While the
 * window cannot be seen nothing is scheduled; on show every shown code is fetched fresh.
 */
export function useCodes(ids: readonly string[], enabled: boolean): CodesState & { refresh(): void } {
  const [state, setState] = useState<CodesState>(EMPTY);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [generation, setGeneration] = useState(0);
  const key = ids.join('\n');

  const fetchCodes = useCallback(async (wanted: readonly string[], replace: boolean) => {
    if (wanted.length === 0) return;
    const started = Date.now();
    let result;
    try {
      result = await call(api().codes.current({ ids: [...wanted] }));
    } catch {
      return; // locked or failed: the lock screen / list errors explain; the next expiry retries
    }
    const received = Date.now();
    if (result.codes.length > 0 && performance.getEntriesByName('authdesk:codes-received').length === 0) performance.mark('authdesk:codes-received');
    timedUpdate('codes', () => setState((previous) => {
      const codes = new Map(replace ? [] : previous.codes);
      const failures = new Map(replace ? [] : previous.failures);
      for (const code of result.codes) {
        codes.set(code.accountId, code);
        failures.delete(code.accountId);
      }
      for (const failure of result.failed) failures.set(failure.accountId, failure.error.message);
      // Main's `now` was taken somewhere between started and received: assume the middle.
      return { codes, failures, skew: result.now - (started + received) / 2 };
    }));
  }, []);

  // Fetch missing ids when the visible set changes; refetch all when `generation` bumps.
  useEffect(() => {
    if (!enabled) return;
    const current = stateRef.current;
    const now = Date.now() + current.skew;
    const missing = ids.filter((id) => {
      const code = current.codes.get(id);
      return code === undefined || code.validUntil <= now;
    });
    if (missing.length === 0) return;
    // While scrolling, the visible set changes every frame: ask once it settles (first load: at once).
    const wait = current.codes.size === 0 ? 0 : 60;
    const timer = window.setTimeout(() => void fetchCodes(missing, false), wait);
    return () => window.clearTimeout(timer);
  }, [key, enabled, generation, fetchCodes]);

  // Schedule a refresh at the earliest expiry among the shown codes (only while visible).
  const present = usePresent();
  useEffect(() => {
    if (!enabled || !present) return;
    const idSet = new Set(ids);
    let earliest = Infinity;
    for (const code of state.codes.values()) if (idSet.has(code.accountId)) earliest = Math.min(earliest, code.validUntil);
    if (!Number.isFinite(earliest)) return;
    const delay = Math.max(50, earliest - (Date.now() + state.skew) + 30);
    const timer = window.setTimeout(() => void fetchCodes(ids, false), Math.min(delay, 2 ** 31 - 1));
    return () => window.clearTimeout(timer);
  }, [state, key, enabled, present, fetchCodes]);

  useEffect(() => {
    if (!enabled) setState(EMPTY);
  }, [enabled]);

  // Refetch every shown code in place (no blank flash): the clock offset, the correction switch or an
  // account's step adjustment changed, so codes still "valid" by their old window may be wrong now.
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const refresh = useCallback(() => {
    if (idsRef.current.length === 0) setGeneration((g) => g + 1);
    else void fetchCodes(idsRef.current, true);
  }, [fetchCodes]);

  // Back on screen: what was shown before hiding may be minutes old.
  useOnShown(refresh);

  return { ...state, refresh };
}
