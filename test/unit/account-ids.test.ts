import { describe, expect, it } from 'vitest';
import { newId } from '../../node/crypto.js';

describe('account ids', () => {
  // One base64url draw in 64 starts with '-'; 20,000 draws would show it ~312 times.
  it('never start with "-", so `authdesk remove <id>` never reads one as an option', () => {
    const ids = Array.from({ length: 20_000 }, newId);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{15}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('still use the whole base64url alphabet after the first character', () => {
    const seen = new Set(Array.from({ length: 2_000 }, newId).flatMap((id) => [...id.slice(1)]));
    expect(seen.has('-')).toBe(true);
    expect(seen.has('_')).toBe(true);
    expect(seen.size).toBe(64);
  });
});
