/**
 * Text that came from outside (an import file, an otpauth:// link, a QR code, a file name, a
 * command-line argument, an AWS reply) made safe to write to a terminal. This is THE escaping
 * function of the CLI: cli/io.ts applies it at every output sink (stdout, stderr, the confirm
 * question, the passphrase prompt), so no command can forget it. docs/SECURITY.md says why.
 *
 * What is escaped, and why each:
 * - C0 controls U+0000–U+001F (ESC starts CSI/OSC sequences that clear the screen, move the cursor,
 *   set the window title or write the clipboard with OSC 52; CR and backspace overwrite what the
 *   person reads; BEL rings), and DEL U+007F.
 * - C1 controls U+0080–U+009F: many terminals take U+009B as a one-character CSI and U+009D as OSC.
 * - Every Unicode format character (category Cf): the bidirectional embeddings, overrides and
 *   isolates U+202A–U+202E, U+2066–U+2069, the marks U+200E/U+200F/U+061C (they reorder what is
 *   shown: "Trojan Source"), zero-width space U+200B, word joiner and invisible operators
 *   U+2060–U+2064, the BOM U+FEFF, soft hyphen U+00AD, tag characters U+E0000–U+E007F (invisible
 *   "ASCII smuggling") — all invisible, so a name could look like another.
 *   Kept: ZWNJ U+200C and ZWJ U+200D, which Persian and Indic scripts and emoji sequences need and
 *   which can neither move text nor control a terminal.
 * - Line and paragraph separators U+2028/U+2029, lone surrogates, and the invisible Hangul fillers
 *   (U+115F, U+1160, U+3164, U+FFA0) that render as blank "letters".
 *
 * How: each such character becomes `\uXXXX` (4 lower-case hex digits; a character beyond U+FFFF
 * becomes its surrogate pair, `\udb40\udc41`). Visible, so a hostile name is still recognisable
 * (`Git\u202eHub`), and exactly the escape JSON and JavaScript use, so a JSON text that passes
 * through the sink stays valid JSON with the same values.
 *
 * A backslash is NOT doubled, on purpose: the sink must be idempotent (text escaped once as a field
 * and again at the sink reads the same; JSON's own escapes pass unchanged). The price: a name that
 * literally contains the six characters `\u001b` reads like one that holds ESC — harmless, since
 * neither reaches the terminal raw.
 */

/** Characters that must never reach a terminal raw (see the file comment). Newline and tab are
 * included: only `keepLayout` lets them through. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029\u115f\u1160\u3164\uffa0]|\p{Cs}/gu;

/** The two format characters that legitimate names need (see the file comment). */
const KEPT_FORMAT = new Set(['\u200c', '\u200d']);

export interface TerminalEscapeOptions {
  /**
   * Let newline and tab through. Only for a whole output text whose line breaks and tabs are the
   * program's own (the sinks in cli/io.ts); a single field (a name, a message, a prompt) escapes
   * them too, so input can never start a line that looks like the program's.
   */
  readonly keepLayout?: boolean;
}

function hex4(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}

/** `\uXXXX` for one character (a surrogate pair for one beyond the BMP). */
export function escapeCharacter(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) out += hex4(char.charCodeAt(i));
  return out;
}

/**
 * Text made safe to write to a terminal: every control, format, separator and invisible-filler
 * character shown as `\uXXXX`; everything else (letters of any script, emoji, punctuation,
 * backslashes) unchanged. Idempotent: escaping twice gives the same text.
 */
export function escapeForTerminal(text: string, options: TerminalEscapeOptions = {}): string {
  const keepLayout = options.keepLayout === true;
  return text.replace(UNSAFE, (char) => {
    if (KEPT_FORMAT.has(char)) return char;
    if (keepLayout && (char === '\n' || char === '\t')) return char;
    return escapeCharacter(char);
  });
}

/** True when `escapeForTerminal(text, options)` would change nothing. */
export function isTerminalSafe(text: string, options: TerminalEscapeOptions = {}): boolean {
  return escapeForTerminal(text, options) === text;
}

/**
 * JSON for a terminal or a pipe: `JSON.stringify`, then every character escapeForTerminal would
 * escape written as its JSON `\uXXXX` escape. JSON.stringify already escapes C0 controls, but leaves
 * DEL, the C1 controls (U+009B is a one-character CSI), bidirectional overrides and U+2028/U+2029
 * raw. Such characters can only occur inside JSON strings, so the result is valid JSON that parses
 * to exactly the same value.
 */
export function jsonForTerminal(value: unknown, space?: number): string {
  return escapeForTerminal(JSON.stringify(value, null, space) ?? 'null', { keepLayout: true });
}
