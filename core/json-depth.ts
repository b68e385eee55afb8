/**
 * A nesting-depth limit for JSON, checked BEFORE JSON.parse. V8 parses deep nesting without failing,
 * but builds every level: 32 MiB of "[" took 1.7 GB. No format Authdesk reads nests deeper than about
 * 8 levels (an Aegis vault: vault > db > entries > entry > info), so 64 is generous, and a scan that
 * refuses more costs one pass over the characters and no allocation.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `text`, read as JSON, nests arrays/objects deeper than `limit`. Brackets inside strings
 * (with their escapes) do not count. It stops at the first level past the limit. Malformed JSON is not
 * judged here (JSON.parse does that after).
 */
export function jsonNestsDeeperThan(text: string | Uint8Array, limit: number = MAX_JSON_DEPTH): boolean {
  // Bytes work as well as text: in UTF-8 the ASCII bytes of brackets, quotes and backslashes never
  // occur inside a multi-byte character, so a file can be judged before it is decoded. Two loops, so
  // each stays monomorphic (fast) for V8.
  return typeof text === 'string' ? deeperInText(text, limit) : deeperInBytes(text, limit);
}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_OBJECT = 0x7b, OPEN_ARRAY = 0x5b, CLOSE_OBJECT = 0x7d, CLOSE_ARRAY = 0x5d;

function deeperInText(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return false;
}

function deeperInBytes(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return false;
}

/** The sentence for a refusal: `what` is the subject ("This file", "vault.json"). */
export function tooDeepSentence(what: string, limit: number = MAX_JSON_DEPTH): string {
  return `${what} nests its JSON more than ${limit} levels deep; no export, backup or vault does that, so it was refused without being read further.`;
}
