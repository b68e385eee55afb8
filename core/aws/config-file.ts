/**
 * The AWS shared config file (~/.aws/config) as text: read its profiles and add or replace one
 * profile while every other byte stays as it was (comments, order, spacing, CRLF). Pure: the file's
 * I/O (atomic write, backup) is node/aws/config-file-store.ts.
 *
 * Section names follow the two parsers that read the file:
 * - botocore (the AWS CLI): `[default]`, and `[profile NAME]` (split like a shell word list, so
 *   `[profile   NAME]` is NAME too); a bare `[NAME]` in the *config* file is not a profile;
 *   two sections of the same name make the whole file unreadable ("Unable to parse config file").
 * - the JS SDK (@smithy/shared-ini-file-loader): the same, merging duplicates; it drops a value's
 *   text from a whitespace-preceded `#` or `;` on (an inline comment), so a value must not hold one.
 * In the credentials file every `[NAME]` is the profile NAME.
 */
import { InputError } from '../errors.js';

export type AwsIniFile = 'config' | 'credentials';

export interface AwsIniSection {
  /** The text between the brackets, trimmed. */
  readonly header: string;
  /** The profile this section defines, or undefined for sso-session/services/other sections. */
  readonly profile: string | undefined;
  /** Line index (0-based) of the `[header]` line. */
  readonly startLine: number;
  /**
   * One past the section's last key line: blank and comment lines just before the next header
   * belong to that header (they usually describe it), so replacing a section keeps them.
   */
  readonly endLine: number;
  /** Top-level `key = value` pairs (nested `s3 =` blocks are skipped); a later duplicate key wins. */
  readonly values: Readonly<Record<string, string>>;
}

export interface AwsIniDocument {
  /** Each line with its own line ending ('\n', '\r\n' or none for a last line without one). */
  readonly lines: readonly string[];
  readonly sections: readonly AwsIniSection[];
  /** The file's line ending: CRLF when its first line ending is CRLF, else LF. */
  readonly eol: '\n' | '\r\n';
}

/** Profile names both parsers accept in `[profile NAME]` (the JS SDK's pattern is the narrower). */
export const PROFILE_NAME_PATTERN = /^[\w\-@+.%:/]+$/;

const HEADER = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/;
const KEY_VALUE = /^([^=\s][^=]*?)\s*=\s*(.*?)\s*$/;

function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/);
}

function stripEol(line: string): string {
  return line.replace(/\r?\n$/, '');
}

function isBlankOrComment(line: string): boolean {
  const t = stripEol(line).trim();
  return t === '' || t.startsWith('#') || t.startsWith(';');
}

function profileOf(header: string, file: AwsIniFile): string | undefined {
  if (file === 'credentials') return header;
  if (header === 'default') return 'default';
  const match = /^profile\s+(?:"([^"]+)"|'([^']+)'|(\S+))$/.exec(header);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

export function parseAwsIni(text: string, file: AwsIniFile): AwsIniDocument {
  const lines = splitLines(text);
  const firstNewline = text.indexOf('\n');
  const eol = firstNewline > 0 && text[firstNewline - 1] === '\r' ? '\r\n' : '\n';
  const headers: Array<{ header: string; line: number }> = [];
  lines.forEach((line, index) => {
    const match = HEADER.exec(stripEol(line));
    if (match) headers.push({ header: (match[1] ?? '').trim(), line: index });
  });
  const sections: AwsIniSection[] = headers.map(({ header, line }, i) => {
    const next = headers[i + 1]?.line ?? lines.length;
    let end = next;
    while (end > line + 1 && isBlankOrComment(lines[end - 1]!)) end--;
    const values: Record<string, string> = {};
    for (let l = line + 1; l < end; l++) {
      const raw = stripEol(lines[l]!);
      if (/^\s/.test(raw) || isBlankOrComment(raw)) continue; // nested values and comments
      const kv = KEY_VALUE.exec(raw);
      if (kv) values[kv[1]!.trim().toLowerCase()] = kv[2]!;
    }
    return { header, profile: profileOf(header, file), startLine: line, endLine: end, values };
  });
  return { lines, sections, eol };
}

/** Every section that defines `profile` (more than one when the file repeats it). */
export function sectionsOf(doc: AwsIniDocument, profile: string): AwsIniSection[] {
  return doc.sections.filter((s) => s.profile === profile);
}

/** The merged values of a profile (later sections win, as the JS SDK merges them), or undefined. */
export function profileValues(doc: AwsIniDocument, profile: string): Record<string, string> | undefined {
  const found = sectionsOf(doc, profile);
  if (!found.length) return undefined;
  return Object.assign({}, ...found.map((s) => s.values)) as Record<string, string>;
}

export function checkProfileName(name: string): void {
  if (!PROFILE_NAME_PATTERN.test(name)) {
    throw new InputError('AWS_PROFILE_NAME_INVALID', `"${name}" cannot be an AWS profile name: use letters, digits and - _ . @ + % : / only (e.g. work).`);
  }
}

function checkValue(key: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new InputError('AWS_CONFIG_VALUE_INVALID', `The ${key} value cannot contain a line break.`);
  // The JS SDK cuts a value at a whitespace-preceded # or ; (an inline comment): the line would
  // mean something else to it than to the AWS CLI.
  if (/\s[#;]/.test(value)) {
    throw new InputError('AWS_CONFIG_VALUE_INVALID', `The ${key} value cannot contain " #" or " ;" (the AWS SDKs read the rest as a comment): move Authdesk to a folder whose path has no such part.`);
  }
}

/** The lines of one profile section, each ending with `eol`. */
export function renderProfile(name: string, entries: ReadonlyArray<readonly [string, string]>, eol: '\n' | '\r\n', comment?: string): string {
  checkProfileName(name);
  const out = [name === 'default' ? '[default]' : `[profile ${name}]`];
  if (comment) out.push(`# ${comment.replace(/[\r\n]+/g, ' ')}`);
  for (const [key, value] of entries) {
    checkValue(key, value);
    out.push(`${key} = ${value}`);
  }
  return out.map((l) => `${l}${eol}`).join('');
}

export type UpsertResult =
  | { readonly kind: 'added' | 'replaced'; readonly text: string; /** 1-based line of the new header. */ readonly line: number; readonly removedDuplicates: number }
  | { readonly kind: 'exists'; /** 1-based line of the first existing section. */ readonly line: number; readonly count: number };

/**
 * Add `[profile name]` with `entries` to the config file's text, or replace the existing one when
 * `force` is set: the first section of that name is replaced in place, any repeats of it removed.
 * Without `force` an existing profile is left alone and reported. Everything else is kept byte
 * for byte; new lines use the file's own line ending.
 */
export function upsertProfile(text: string, name: string, entries: ReadonlyArray<readonly [string, string]>, options: { force?: boolean; comment?: string } = {}): UpsertResult {
  const doc = parseAwsIni(text, 'config');
  const block = renderProfile(name, entries, doc.eol, options.comment);
  const existing = sectionsOf(doc, name);
  if (existing.length && !options.force) return { kind: 'exists', line: existing[0]!.startLine + 1, count: existing.length };
  if (!existing.length) {
    let prefix = text;
    if (prefix !== '' && !prefix.endsWith('\n')) prefix += doc.eol;
    // One blank line between the last section and ours, unless the file already ends with one.
    const last = doc.lines.length ? stripEol(doc.lines[doc.lines.length - 1]!) : '';
    if (prefix !== '' && last.trim() !== '') prefix += doc.eol;
    const line = prefix === '' ? 1 : splitLines(prefix).length + 1;
    return { kind: 'added', text: prefix + block, line, removedDuplicates: 0 };
  }
  const lines = [...doc.lines];
  const [first, ...repeats] = existing;
  // Replace from the last section backwards so earlier indexes stay valid.
  for (const section of [...repeats].reverse()) lines.splice(section.startLine, section.endLine - section.startLine);
  lines.splice(first!.startLine, first!.endLine - first!.startLine, block);
  return { kind: 'replaced', text: lines.join(''), line: first!.startLine + 1, removedDuplicates: repeats.length };
}

// --- credential_process command lines ---------------------------------------------------------

export type ShellFlavour = 'posix' | 'win32';

/**
 * One word of a credential_process command line, quoted so both readers split it back to the
 * same word: the AWS CLI splits with Python's shlex (POSIX) or the MSVC argv rules (Windows); the
 * JS SDKs hand the line to /bin/sh or cmd.exe. Double quotes (as AWS's documentation shows) when
 * that is enough, single quotes on POSIX when the word holds characters a shell would expand.
 */
export function quoteWord(word: string, flavour: ShellFlavour): string {
  if (word === '') return '""';
  if (/^[\w@%+=:,./\\-]+$/.test(word) && (flavour === 'win32' || !word.includes('\\'))) return word;
  if (flavour === 'win32') {
    if (word.includes('"')) throw new InputError('AWS_COMMAND_WORD_INVALID', `A Windows path cannot contain a double quote: ${word}`);
    // A trailing backslash would escape the closing quote under the MSVC rules: double it.
    return `"${word.replace(/(\\+)$/, '$1$1')}"`;
  }
  if (!/["\\$`!]/.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(words: readonly string[], flavour: ShellFlavour): string {
  return words.map((w) => quoteWord(w, flavour)).join(' ');
}

/**
 * Whether a credential_process value runs Authdesk's own `aws credentials` (a profile written by
 * setup-profile). Such a profile cannot be the source of another one: its credentials come from
 * Authdesk already, and the chain would call itself.
 */
export function isAuthdeskCredentialProcess(value: string | undefined): boolean {
  if (!value) return false;
  return /authdesk/i.test(value) && /(^|\s)aws\s+credentials(\s|$)/.test(value);
}
