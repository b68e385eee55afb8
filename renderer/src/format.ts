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

export function accountTitle(account: { issuer: string; label: string }): string {
  return account.issuer || account.label;
}

/** Case- and accent-insensitive search text. */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}
