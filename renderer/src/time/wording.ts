// Sentences the renderer builds itself (it may import only types from core/). They mirror
// core/time/health.ts; test/unit/time-renderer-wording.test.ts keeps the two identical.

/** "0.4 s", "93 s", "12 min", "3 h 5 min", "2 days" — as core formatDuration. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < 120_000) return `${Math.round(abs / 1000)} s`;
  if (abs < 7_200_000) return `${Math.round(abs / 60_000)} min`;
  if (abs < 48 * 3_600_000) {
    const hours = Math.floor(abs / 3_600_000);
    const minutes = Math.round((abs - hours * 3_600_000) / 60_000);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return `${Math.round(abs / 86_400_000)} days`;
}

/** As core formatOffset: "+90.012 s". */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)} s`;
}

/** As core describeClock: "your clock is 3 days slow". */
export function describeClock(offsetMs: number): string {
  if (Math.abs(offsetMs) < 50) return 'your clock is right';
  return `your clock is ${formatDuration(offsetMs)} ${offsetMs > 0 ? 'slow' : 'fast'}`;
}

/** As core describeStepAdjust. */
export function describeStepAdjust(steps: number, periodSeconds: number): string {
  if (steps === 0) return 'Codes follow the corrected clock. Adjust only if this service keeps rejecting correct codes because its own clock is off.';
  const n = Math.abs(steps);
  const shift = `${n} period${n === 1 ? '' : 's'} (${n * periodSeconds} s)`;
  return steps > 0
    ? `Codes are shown ${shift} ahead, for a service whose own clock runs fast. Other accounts are not affected.`
    : `Codes are shown ${shift} behind, for a service whose own clock runs slow. Other accounts are not affected.`;
}

/** The indicator's short label: "Clock OK", "Clock corrected", "Clock unchecked"... */
export function shortLabel(state: string, measuring: boolean): string {
  if (measuring) return 'Checking clock…';
  switch (state) {
    case 'fine':
      return 'Clock OK';
    case 'corrected':
      return 'Clock corrected';
    case 'uncorrected':
      return 'Clock off';
    case 'stale':
      return 'Clock check old';
    case 'unverified':
      return 'Clock unverified';
    default:
      return 'Clock unchecked';
  }
}
