// Whether anyone can see the window (electron/main/presence.ts): the renderer stops every timer
// while not, so this table decides when Authdesk costs power.
import { describe, expect, it } from 'vitest';
import { createPresenceTracker, type PresenceFact } from '../../electron/main/presence.js';

function run(initiallyShown: boolean, facts: PresenceFact[]): { states: boolean[]; changes: boolean[] } {
  const changes: boolean[] = [];
  const tracker = createPresenceTracker({ shown: initiallyShown }, ({ visible }) => changes.push(visible));
  const states = facts.map((fact) => tracker.note(fact).visible);
  return { states, changes };
}

/** Presence as two letters: visible (V/-) and focused (F/-). */
function runFocus(initiallyShown: boolean, facts: PresenceFact[]): { states: string[]; changes: string[] } {
  const short = ({ visible, focused }: { visible: boolean; focused: boolean }) => `${visible ? 'V' : '-'}${focused ? 'F' : '-'}`;
  const changes: string[] = [];
  const tracker = createPresenceTracker({ shown: initiallyShown }, (presence) => changes.push(short(presence)));
  const states = facts.map((fact) => short(tracker.note(fact)));
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

// Focus decides whether the visible list ticks every second (the person is using Authdesk) or
// steps every few seconds (it sits on screen while they work elsewhere): docs/power.md.
describe('presence: focus', () => {
  it.each<[string, boolean, PresenceFact[], string[], string[]]>([
    ['shown at start: focused until told otherwise', true, ['window-blurred', 'window-focused'], ['V-', 'VF'], ['V-', 'VF']],
    ['started in the tray: neither, then shown and focused', false, ['window-shown', 'window-focused'], ['V-', 'VF'], ['V-', 'VF']],
    ['a hidden window is never focused, whatever the focus events say', true, ['window-hidden', 'window-focused'], ['--', '--'], ['--']],
    ['minimised: not focused; restored: focused again without a new focus event', true, ['window-minimised', 'window-restored'], ['--', 'VF'], ['--', 'VF']],
    ['screen locked while focused, unlocked', true, ['screen-locked', 'screen-unlocked'], ['--', 'VF'], ['--', 'VF']],
    ['blurred, then hidden and shown: still not focused until the focus event', true, ['window-blurred', 'window-hidden', 'window-shown', 'window-focused'], ['V-', '--', 'V-', 'VF'], ['V-', '--', 'V-', 'VF']],
    ['repeated focus events change nothing', true, ['window-focused', 'window-blurred', 'window-blurred'], ['VF', 'V-', 'V-'], ['V-']],
  ])('%s', (_name, shown, facts, states, changes) => {
    const result = runFocus(shown, facts);
    expect(result.states).toEqual(states);
    expect(result.changes).toEqual(changes);
  });
});
