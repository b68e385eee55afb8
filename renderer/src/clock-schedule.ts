/**
 * When the list's clock ticks next. Pure (unit-tested in test/unit/clock-schedule.test.ts).
 *
 * Every repaint costs a frame, and in Chromium a frame a second already costs more than the whole
 * budget of a window left on screen all day (docs/power.md). So while the window is only glanced
 * at (on screen, another window focused, the pointer elsewhere) the clock is calm:
 *  - it ticks on each CALM_STEP_MS boundary of the corrected clock (a TOTP period is a multiple of
 *    it, so the ring steps in equal parts and lands exactly on the code change);
 *  - and every second through the last PRECISE_SECONDS of any shown code, when the seconds matter
 *    (type this code, or wait for the next?). The rows show their seconds only then.
 * Focused or under the pointer, it ticks every second.
 */
export const CALM_STEP_MS = 5000;
export const PRECISE_SECONDS = 5;
/** Ticks land just after the boundary, so `now` at the tick is already in the new second. */
const AFTER_BOUNDARY_MS = 5;

const mod = (value: number, by: number): number => ((value % by) + by) % by;

/** The first multiple of `step` strictly after `now`. */
const nextBoundary = (now: number, step: number): number => now - mod(now, step) + step;

/**
 * Milliseconds from `now` (corrected clock) to the next tick. `deadline`: the earliest moment after
 * `now` at which a shown code ends, if any.
 */
export function nextTickDelay(now: number, calm: boolean, deadline: number | undefined): number {
  const nextSecond = nextBoundary(now, 1000);
  if (!calm) return nextSecond - now + AFTER_BOUNDARY_MS;
  const preciseFrom = deadline === undefined ? Infinity : deadline - PRECISE_SECONDS * 1000;
  if (nextSecond >= preciseFrom) return nextSecond - now + AFTER_BOUNDARY_MS;
  return Math.min(nextBoundary(now, CALM_STEP_MS), preciseFrom) - now + AFTER_BOUNDARY_MS;
}

/** Whether a row shows its seconds with `left` seconds to go (always, unless calm and not near the end). */
export const showsSeconds = (left: number, calm: boolean): boolean => left > 0 && (!calm || left <= PRECISE_SECONDS);

/**
 * The seconds the ring shows with `left` to go of `period`: exact when the seconds are shown;
 * otherwise (calm) rounded up to its 5 s step, so the ring only ever stands on a step — also when a
 * tick runs late on a busy machine, or the window was glanced away from mid-step.
 */
export function ringSeconds(left: number, period: number, calm: boolean): number {
  if (!calm || left <= PRECISE_SECONDS) return left;
  return Math.min(period, Math.ceil(left / (CALM_STEP_MS / 1000)) * (CALM_STEP_MS / 1000));
}
