// Whether anyone can see the window (electron/main/presence.ts): the renderer stops every timer
// while not, so this table decides when Authdesk costs power.
import { describe, expect, it } from 'vitest';
import { createPresenceTracker, type PresenceFact } from '../../electron/main/presence.js';

function run(initiallyShown: boolean, facts: PresenceFact[]): { states: boolean[]; changes: boolean[] } {
  const changes: boolean[] = [];
  const tracker = createPresenceTracker({ shown: initiallyShown }, (visible) => changes.push(visible));
  const states = facts.map((fact) => tracker.note(fact));
  return { states, changes };
}

describe('presence', () => {
  it.each<[string, boolean, PresenceFact[], boolean[], boolean[]]>([
    ['hidden to the tray and shown again', true, ['window-hidden', 'window-shown'], [false, true], [false, true]],
    ['started in the tray, then opened', false, ['window-shown'], [true], [true]],
    ['minimised and restored', true, ['window-minimised', 'window-restored'], [false, true], [false, true]],
    ['screen locked while shown, then unlocked', true, ['screen-locked', 'screen-unlocked'], [false, true], [false, true]],
    ['suspended and resumed', true, ['suspended', 'resumed'], [false, true], [false, true]],
    ['screen unlocked while the window is in the tray: still unseen', true, ['window-hidden', 'screen-locked', 'screen-unlocked'], [false, false, false], [false]],
    ['restored but the screen is still locked', true, ['window-minimised', 'screen-locked', 'window-restored', 'screen-unlocked'], [false, false, false, true], [false, true]],
    ['repeated facts change nothing', true, ['window-shown', 'window-shown', 'window-hidden', 'window-hidden'], [true, true, false, false], [false]],
  ])('%s', (_name, shown, facts, states, changes) => {
    const result = run(shown, facts);
    expect(result.states).toEqual(states);
    expect(result.changes).toEqual(changes);
  });
});
