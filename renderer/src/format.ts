/** "123456" -> "123 456"; 7 digits "123 4567"; 8 digits "1234 5678". */
export function groupCode(code: string): string {
  if (code.length === 6) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (code.length === 7) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (code.length === 8) return `${code.slice(0, 4)} ${code.slice(4)}`;
  return code;
}

/** Digits read one by one by screen readers ("1 2 3, 4 5 6"), not "one hundred twenty-three thousand". */
export function spokenCode(code: string): string {
  return groupCode(code).split(' ').map((group) => group.split('').join(' ')).join(', ');
}

/** An account's title in toasts, announcements and dialogs, shown as the list shows it (visibleName). */
export function accountTitle(account: { issuer: string; label: string }): string {
  return visibleName(account.issuer || account.label);
}

/** Case- and accent-insensitive search text. */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/**
 * A name as the account list shows it: control, bidirectional and invisible format characters
 * written as `\uXXXX`, exactly as the CLI shows them (core/text/terminal.ts escapeForTerminal; the
 * renderer may import only types from core/, so this is a copy that test/unit/terminal-text.test.ts
 * keeps equal). React already escapes HTML; this is for what HTML cannot stop: an override inside a
 * name reorders its own letters ("Safe\u202eelgooG" reads "SafeGoogle"), and invisible characters
 * make two names look the same. Search still matches the true name.
 */
export function visibleName(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029\u115f\u1160\u3164\uffa0]|\p{Cs}/gu, (char) => {
    if (char === '\u200c' || char === '\u200d') return char;
    let out = '';
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
