// The renderer may import only types from core/, so it keeps its own copy of a few sentences:
// this keeps the copy identical to core/time/health.ts.
import { describe, expect, it } from 'vitest';
import * as core from '../../core/time/health.js';
import * as renderer from '../../renderer/src/time/wording.js';

describe('renderer time wording matches core', () => {
  it('formatDuration', () => {
    for (const ms of [0, 49, 400, 9_999, 10_000, 93_000, 119_999, 120_000, 720_000, 7_200_000, 3 * 3_600_000 + 5 * 60_000, 47 * 3_600_000, 3 * 86_400_000, -93_000]) {
      expect(renderer.formatDuration(ms)).toBe(core.formatDuration(ms));
    }
  });
  it('formatOffset and describeClock (the confirm dialog)', () => {
    for (const ms of [0, 30, -49, 50, 90_000, -75_000, 3 * 86_400_000, -3 * 86_400_000, 289_440_000_000]) {
      expect(renderer.formatOffset(ms)).toBe(core.formatOffset(ms));
      expect(renderer.describeClock(ms)).toBe(core.describeClock(ms));
    }
  });
  it('describeStepAdjust', () => {
    for (const steps of [-10, -2, -1, 0, 1, 3, 10]) for (const period of [30, 60]) expect(renderer.describeStepAdjust(steps, period)).toBe(core.describeStepAdjust(steps, period));
  });
  it('has a short label for every health state', () => {
    const states: core.ClockHealthState[] = ['unknown', 'fine', 'corrected', 'uncorrected', 'stale', 'unverified'];
    expect(new Set(states.map((s) => renderer.shortLabel(s, false))).size).toBe(states.length);
    expect(renderer.shortLabel('fine', true)).toBe('Checking clock…');
  });
});
