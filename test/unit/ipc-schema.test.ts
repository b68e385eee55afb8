import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { s, PAYLOAD_INVALID } from '../../electron/ipc/schema.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isAuthdeskError(error, PAYLOAD_INVALID)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('IPC schema', () => {
  const request = s.object({
    id: s.string({ min: 1, max: 8, pattern: /^[a-z]+$/, patternHint: 'lower-case letters' }),
    n: s.optional(s.int({ min: 0, max: 10 })),
    kind: s.enum(['a', 'b'] as const),
    tags: s.optional(s.array(s.string({ max: 3 }), { max: 2 })),
  });

  it('accepts a valid object and drops nothing it declared', () => {
    expect(request.parse({ id: 'abc', kind: 'b', n: 3, tags: ['x'] })).toEqual({ id: 'abc', kind: 'b', n: 3, tags: ['x'] });
    expect(request.parse({ id: 'abc', kind: 'a' })).toEqual({ id: 'abc', kind: 'a' });
  });

  it('names the path and the expectation', () => {
    expect(message(() => request.parse({ id: 'abc', kind: 'c' }, 'request'))).toBe('Invalid request: request.kind must be one of "a", "b" (got string).');
    expect(message(() => request.parse({ kind: 'a' }, 'request'))).toContain('request.id must be a string of 1 to 8 characters');
    expect(message(() => request.parse({ id: 'ABC', kind: 'a' }, 'request'))).toContain('(lower-case letters)');
    expect(message(() => request.parse({ id: 'abcdefghi', kind: 'a' }, 'request'))).toContain('got 9 characters');
    expect(message(() => request.parse({ id: 'abc', kind: 'a', n: 1.5 }, 'request'))).toContain('request.n must be a whole number from 0 to 10');
    expect(message(() => request.parse({ id: 'abc', kind: 'a', n: 11 }))).toContain('payload.n');
    expect(message(() => request.parse({ id: 'abc', kind: 'a', tags: ['x', 'y', 'z'] }))).toContain('must have 0 to 2 items (got 3)');
    expect(message(() => request.parse({ id: 'abc', kind: 'a', tags: ['long'] }))).toContain('payload.tags[0]');
  });

  it('refuses unknown keys, arrays, null, class instances and non-objects', () => {
    expect(message(() => request.parse({ id: 'abc', kind: 'a', extra: 1 }))).toContain('unexpected key "extra"');
    expect(message(() => request.parse({ id: 'abc', kind: 'a', __proto__: { polluted: true } }))).toBeTruthy();
    expect(message(() => request.parse(null))).toContain('got null');
    expect(message(() => request.parse([]))).toContain('got an array');
    expect(message(() => request.parse('x'))).toContain('got string');
    expect(message(() => request.parse(new Date()))).toContain('must be an object');
  });

  it('none() takes undefined or null only', () => {
    expect(s.none().parse(undefined)).toBeUndefined();
    expect(s.none().parse(null)).toBeUndefined();
    expect(message(() => s.none().parse({}))).toContain('takes no argument');
  });

  it('booleans and ints are strict', () => {
    expect(message(() => s.boolean().parse('true'))).toContain('true or false');
    expect(message(() => s.int({ min: 0, max: 5 }).parse('3'))).toContain('whole number');
    expect(message(() => s.int({ min: 0, max: 5 }).parse(Number.NaN))).toContain('whole number');
  });
});
