/**
 * core/text/terminal.ts: the one function that makes text from files, links, QR codes and
 * arguments safe for a terminal, table-tested character class by character class, plus its JSON
 * twin (valid JSON, true values, no raw C1/bidi character).
 */
import { describe, expect, it } from 'vitest';
import { escapeForTerminal, isTerminalSafe, jsonForTerminal } from '../../core/text/terminal.js';
import { visibleName } from '../../renderer/src/format.js';

/** Every character no terminal may receive raw (what the integration test also looks for). */
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2028\u2029]/u;

describe('escapeForTerminal: one row per character class', () => {
  const rows: Array<[string, string, string]> = [
    // [what, input, escaped]
    ['ESC, a CSI that clears the screen', 'a\u001b[2Jb', 'a\\u001b[2Jb'],
    ['OSC 0 sets the window title (BEL-terminated)', '\u001b]0;pwned\u0007x', '\\u001b]0;pwned\\u0007x'],
    ['OSC 52 writes the clipboard (ST-terminated)', '\u001b]52;c;aGk=\u001b\\', '\\u001b]52;c;aGk=\\u001b\\'],
    ['BEL', 'ding\u0007', 'ding\\u0007'],
    ['backspace overwrites a letter', 'Evil\b\b\b\bGood', 'Evil\\u0008\\u0008\\u0008\\u0008Good'],
    ['CR returns to the line start', 'Evil\rGood', 'Evil\\u000dGood'],
    ['NUL', 'a\u0000b', 'a\\u0000b'],
    ['newline and tab (a field)', 'a\nb\tc', 'a\\u000ab\\u0009c'],
    ['vertical tab, form feed', 'a\u000b\u000cb', 'a\\u000b\\u000cb'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['C1: the single-byte CSI U+009B', 'a\u009b2Jb', 'a\\u009b2Jb'],
    ['C1: OSC U+009D, ST U+009C, NEL U+0085', '\u009d0;t\u009c\u0085', '\\u009d0;t\\u009c\\u0085'],
    ['C1: first and last', '\u0080\u009f', '\\u0080\\u009f'],
    ['bidi override RLO (Trojan Source)', 'moc.evil\u202egithub', 'moc.evil\\u202egithub'],
    ['bidi embeddings LRE/RLE/PDF/LRO', '\u202a\u202b\u202c\u202d', '\\u202a\\u202b\\u202c\\u202d'],
    ['bidi isolates LRI/RLI/FSI/PDI', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks LRM/RLM/ALM', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['zero-width space, word joiner, BOM, soft hyphen', 'Git\u200bHu\u2060b\ufeff Pay\u00adPal', 'Git\\u200bHu\\u2060b\\ufeff Pay\\u00adPal'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['invisible Hangul fillers', '\u3164\u115f\u1160\uffa0', '\\u3164\\u115f\\u1160\\uffa0'],
    ['a tag character (invisible, beyond the BMP): its surrogate pair', 'a\u{e0041}b', 'a\\udb40\\udc41b'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
    ['plain ASCII is unchanged', 'GitHub: alice@example.com', 'GitHub: alice@example.com'],
    ['a backslash is not doubled (idempotence)', 'C:\\Users\\a \\u001b', 'C:\\Users\\a \\u001b'],
    ['other scripts, accents and emoji are unchanged', 'Ünïcødé 日本語 עברית العربية 😀', 'Ünïcødé 日本語 עברית العربية 😀'],
    ['ZWNJ (Persian) and ZWJ (emoji sequences) are kept', 'می\u200cخواهم 👩\u200d💻', 'می\u200cخواهم 👩\u200d💻'],
    ['an emoji flag (regional indicators) is kept', '🇫🇷', '🇫🇷'],
  ];
  it.each(rows)('%s', (_what, input, escaped) => {
    const out = escapeForTerminal(input);
    expect(out).toBe(escaped);
    expect(out).not.toMatch(RAW_UNSAFE);
    expect(escapeForTerminal(out)).toBe(out); // idempotent
  });

  it('keepLayout lets only newline and tab through (the sink: our templates\' layout)', () => {
    expect(escapeForTerminal('a\nb\tc\r\u001b[2J', { keepLayout: true })).toBe('a\nb\tc\\u000d\\u001b[2J');
    expect(escapeForTerminal('\u009b31m\u202e\n', { keepLayout: true })).toBe('\\u009b31m\\u202e\n');
  });

  it('every code point U+0000–U+FFFF and a sample beyond: no raw unsafe character survives', () => {
    let all = '';
    for (let c = 0; c <= 0xffff; c++) all += String.fromCharCode(c);
    for (const c of [0xe0001, 0xe0020, 0xe007f, 0x1d173, 0x110bd, 0x1f600]) all += String.fromCodePoint(c);
    const out = escapeForTerminal(all);
    expect(out).not.toMatch(RAW_UNSAFE);
    expect(out).not.toMatch(/\p{Cc}|\p{Cs}|[\u2028\u2029]/u);
    expect([...out].filter((ch) => /\p{Cf}/u.test(ch))).toEqual(['\u200c', '\u200d']);
    expect(isTerminalSafe(out)).toBe(true);
    expect(out).toContain('😀');
  });

  it('isTerminalSafe says whether escaping would change anything', () => {
    expect(isTerminalSafe('GitHub: alice')).toBe(true);
    expect(isTerminalSafe('a\nb')).toBe(false);
    expect(isTerminalSafe('a\nb', { keepLayout: true })).toBe(true);
    expect(isTerminalSafe('a\u009bb', { keepLayout: true })).toBe(false);
  });
});

describe('jsonForTerminal', () => {
  const hostile = {
    issuer: 'Evil\u202eCorp',
    label: 'a\u009b2J\u001b]52;c;aGk=\u0007\r\b\u007f\u0085\u2028\u2066x\u{e0041}',
    plain: 'GitHub ✓ 日本 😀',
    nested: [{ name: 'back\\slash "quoted"', n: 6 }],
  };

  it('parses back to exactly the same value (indented or not)', () => {
    expect(JSON.parse(jsonForTerminal(hostile))).toEqual(hostile);
    expect(JSON.parse(jsonForTerminal(hostile, 2))).toEqual(hostile);
  });

  it('holds no raw control, C1 or bidi character, which JSON.stringify alone leaves raw', () => {
    expect(JSON.stringify(hostile)).toMatch(RAW_UNSAFE); // the reason this function exists
    const text = jsonForTerminal(hostile, 2);
    expect(text).not.toMatch(RAW_UNSAFE);
    expect(text).toContain('Evil\\u202eCorp');
    expect(text).toContain('a\\u009b2J\\u001b]52;c;aGk=\\u0007\\r\\b\\u007f\\u0085\\u2028\\u2066x\\udb40\\udc41');
    expect(text).toContain('GitHub ✓ 日本 😀');
  });

  it('the sink leaves JSON unchanged (its escapes are already safe)', () => {
    const text = jsonForTerminal(hostile, 2);
    expect(escapeForTerminal(text, { keepLayout: true })).toBe(text);
  });
});

describe('the renderer\'s copy (renderer/src/format.ts visibleName) escapes exactly as core does', () => {
  it('on every code point U+0000–U+FFFF, a sample beyond, and hostile names', () => {
    let all = '';
    for (let c = 0; c <= 0xffff; c++) all += String.fromCharCode(c);
    for (const c of [0xe0001, 0xe0041, 0xe007f, 0x1d173, 0x1f600]) all += String.fromCodePoint(c);
    expect(visibleName(all)).toBe(escapeForTerminal(all));
    for (const name of ['Safe\u202eelgooG', 'Git\u200bHub', 'a\u2066b\u2069', 'می\u200cخواهم 👩\u200d💻', 'GitHub']) {
      expect(visibleName(name)).toBe(escapeForTerminal(name));
    }
    expect(visibleName('Safe\u202eelgooG')).toBe('Safe\\u202eelgooG');
  });
});
