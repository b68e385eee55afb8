import { BackupError, isAuthdeskError } from '../../errors.js';
import { parseOtpauthUri } from '../../otpauth/uri.js';
import type { PortableAccount } from '../account.js';
import type { ImportFormat, ParsedImport, UnsupportedEntry } from './types.js';

/** otpauth:// types we know of but cannot compute (Aegis, 2FAS and Ente write some of them). */
const KNOWN_UNSUPPORTED_TYPES = new Set(['steam', 'yandex', 'motp']);

/**
 * One otpauth:// link (trimmed). Returns the account, or an UnsupportedEntry for a known
 * non-TOTP/HOTP scheme such as otpauth://steam/; throws a BackupError naming the line otherwise.
 */
export function parseOtpauthLine(line: string, where: string): PortableAccount | UnsupportedEntry {
  const typeMatch = /^otpauth:\/\/([^/?#]*)/i.exec(line);
  const type = (typeMatch?.[1] ?? '').toLowerCase();
  if (KNOWN_UNSUPPORTED_TYPES.has(type)) {
    return { name: unsupportedName(line), reason: `${type} codes are not TOTP/HOTP and Authdesk cannot compute them` };
  }
  try {
    return parseOtpauthUri(line);
  } catch (error) {
    throw new BackupError('IMPORT_BAD_ENTRY', `${where}: ${isAuthdeskError(error) ? error.message : 'not a valid otpauth:// link.'}`, {
      cause: error,
      details: { where, ...(isAuthdeskError(error) ? { reason: error.code } : {}) },
    });
  }
}

function unsupportedName(line: string): string {
  try {
    const m = /^otpauth:\/\/[^/]*\/([^?#]*)/i.exec(line);
    return decodeURIComponent((m?.[1] ?? '').replace(/\+/g, '%20')).replace(/:/, ': ') || '(unnamed account)';
  } catch {
    return '(unnamed account)';
  }
}

export function isUnsupported(value: PortableAccount | UnsupportedEntry): value is UnsupportedEntry {
  return 'reason' in value;
}

/**
 * A text file of otpauth:// links, one per line: Ente Auth's plain export, Authdesk's own plain
 * export, and any list a person makes. Blank lines and lines starting with "#" are ignored; any
 * other line must be a valid link (a typo is reported with its line number, never skipped).
 * Ente adds a `codeDisplay` parameter (pinned/tags as JSON): unknown parameters are ignored.
 */
export function parseOtpauthList(text: string, format: ImportFormat = 'otpauth'): ParsedImport {
  const accounts: PortableAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!/^otpauth:\/\//i.test(line)) {
      throw new BackupError('IMPORT_BAD_ENTRY', `Line ${i + 1} is not an otpauth:// link. Each line of the file must be one link (blank lines and lines starting with # are ignored).`, { details: { line: i + 1 } });
    }
    const result = parseOtpauthLine(line, `Line ${i + 1}`);
    if (isUnsupported(result)) unsupported.push(result);
    else accounts.push(result);
  });
  if (accounts.length === 0 && unsupported.length === 0) {
    throw new BackupError('IMPORT_EMPTY', 'The file holds no otpauth:// links, so there is nothing to import.');
  }
  return { format, accounts, unsupported };
}
