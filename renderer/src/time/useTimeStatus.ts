import { useCallback, useEffect, useState } from 'react';
import { call, messageOf } from '../api.js';
import { onSettingsChanged, onTimeChanged, timeApi } from './time-api.js';
import type { TimeStatus } from './types.js';
import { usePresent } from '../hooks/usePresence.js';

/**
 * The clock status from main: fetched once, then pushed by `time.changed`; re-fetched when the
 * settings change (correction on/off) and every minute while the window can be seen (so "measured
 * 5 min ago" stays true; nothing runs while it is hidden, and showing it fetches at once).
 * Never waits on the network: main measures in the background.
 */
export function useTimeStatus(): { status: TimeStatus | undefined; available: boolean; error: string | undefined; refresh(): void } {
  const available = timeApi() !== undefined;
  const [status, setStatus] = useState<TimeStatus>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    const time = timeApi();
    if (!time) return;
    call(time.status()).then(
      (s) => {
        setStatus(s);
        setError(undefined);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  }, []);
  const present = usePresent();
  useEffect(() => {
    if (!available) return undefined;
    const offTime = onTimeChanged((s) => setStatus(s));
    const offSettings = onSettingsChanged(refresh);
    return () => {
      offTime();
      offSettings();
    };
  }, [available, refresh]);
  useEffect(() => {
    if (!available || !present) return undefined;
    refresh();
    const timer = window.setInterval(refresh, 60_000);
    return () => window.clearInterval(timer);
  }, [available, present, refresh]);
  return { status, available, error, refresh };
}
