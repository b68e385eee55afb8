import { BackupError } from '../../errors.js';
import { describeAccount, validateOtpFields, type PortableAccount } from '../account.js';
import { isUnsupported, parseOtpauthLine } from './otpauth-list.js';
import type { ParsedImport, UnsupportedEntry } from './types.js';

/**
 * Bitwarden's JSON export ("File > Export vault > .json", unencrypted):
 *   { encrypted: false, folders: [...], items: [{ name, login: { username, totp } , ... }] }
 * login.totp holds an otpauth:// URI, a bare base32 secret (Bitwarden then uses SHA1, 6 digits,
 * 30 s) or steam://SECRET. Items without a totp are passwords only and are not accounts here.
 * Bitwarden's password-protected/account-restricted exports ("encrypted": true) use Bitwarden's
 * own key schedule and are not supported: the message says what to export instead.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isBitwardenExport(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.items) && !('header' in value);
}

export function parseBitwardenExport(value: unknown): ParsedImport {
  if (!isObject(value) || !Array.isArray(value.items)) {
    throw new BackupError('IMPORT_MALFORMED', 'This Bitwarden export is malformed: it has no "items" list.');
  }
  if (value.encrypted === true) {
    throw new BackupError('IMPORT_UNSUPPORTED_ENCRYPTION', 'This is an encrypted Bitwarden export, which Authdesk cannot read. In Bitwarden, export as ".json" (not "encrypted"), import it here, then delete that file.');
  }
  const folders = new Map<string, string>();
  if (Array.isArray(value.folders)) for (const f of value.folders) if (isObject(f) && typeof f.id === 'string' && typeof f.name === 'string') folders.set(f.id, f.name);
  const accounts: PortableAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  value.items.forEach((item, i) => {
    if (!isObject(item) || !isObject(item.login)) return;
    const totp = item.login.totp;
    if (typeof totp !== 'string' || totp.trim() === '') return;
    const itemName = typeof item.name === 'string' ? item.name.trim() : '';
    const username = typeof item.login.username === 'string' ? item.login.username.trim() : '';
    const text = totp.trim();
    const where = `Bitwarden item ${i + 1} (${describeAccount({ issuer: itemName, label: username })})`;
    let account: PortableAccount;
    if (/^steam:\/\//i.test(text)) {
      unsupported.push({ name: describeAccount({ issuer: itemName, label: username }), reason: 'Steam Guard codes use a different (non-standard) encoding' });
      return;
    } else if (/^otpauth:\/\//i.test(text)) {
      const parsed = parseOtpauthLine(text, where);
      if (isUnsupported(parsed)) {
        unsupported.push(parsed);
        return;
      }
      // A URI without names takes the item's: what the person sees in Bitwarden.
      account = { ...parsed, issuer: parsed.issuer || itemName, label: parsed.label || username };
    } else {
      account = validateOtpFields({ type: 'totp', issuer: itemName, label: username, secret: text }, where);
    }
    const folder = typeof item.folderId === 'string' ? folders.get(item.folderId) : undefined;
    accounts.push(folder ? { ...account, tags: [folder.trim().slice(0, 64)] } : account);
  });
  if (accounts.length === 0 && unsupported.length === 0) {
    throw new BackupError('IMPORT_EMPTY', 'This Bitwarden export has no item with a TOTP key, so there is nothing to import.');
  }
  return { format: 'bitwarden', accounts, unsupported };
}
