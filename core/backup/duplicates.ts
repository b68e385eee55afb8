import { base32ToBytes, normalizeBase32Secret, wipe } from '../otp/base32.js';
import type { OtpauthData } from '../otpauth/uri.js';
import { describeAccount, type PortableAccount } from './account.js';
import type { ImportFormat, ParsedImport, UnsupportedEntry } from './import/types.js';

/**
 * Duplicates: the same secret key, whatever the names (a key makes the same codes under any name;
 * an account recovered after an interrupted import, or renamed since, is still the same account).
 * Keys are compared as decoded bytes, so two spellings of one key match. Same names with a
 * different secret are NOT duplicates (a re-enrolled device has a new key: both are kept, and the
 * person removes the dead one).
 */

export function nameKey(account: Pick<OtpauthData, 'issuer' | 'label'>): string {
  const norm = (s: string): string => s.trim().normalize('NFC').toLowerCase();
  return `${norm(account.issuer)}\u0000${norm(account.label)}`;
}

/** The identity of an account for duplicate checks: its key's bytes (hex; in memory only). */
export function duplicateKey(account: Pick<OtpauthData, 'secret'>): string {
  try {
    const bytes = base32ToBytes(normalizeBase32Secret(account.secret));
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    wipe(bytes);
    return hex;
  } catch {
    return `raw:${account.secret}`;
  }
}

export interface DuplicateEntry {
  readonly name: string;
  readonly reason: 'already in this vault' | 'appears earlier in the file';
}

export interface ImportPlan {
  readonly format: ImportFormat;
  /** What will be added, in file order (our backups: sorted by their stored order). */
  readonly toAdd: readonly PortableAccount[];
  readonly duplicates: readonly DuplicateEntry[];
  readonly unsupported: readonly UnsupportedEntry[];
}

/**
 * Split a parsed file into what to add and what is a duplicate. `existing` holds the vault's
 * accounts that hold the key of some incoming account, with that key (the node layer finds them
 * with one bulk keychain read: VaultApi.accountsWithSecrets).
 */
export function planImport(parsed: ParsedImport, existing: readonly Pick<OtpauthData, 'issuer' | 'label' | 'secret'>[]): ImportPlan {
  const inVault = new Set(existing.map(duplicateKey));
  const seen = new Set<string>();
  const toAdd: PortableAccount[] = [];
  const duplicates: DuplicateEntry[] = [];
  const ordered = parsed.accounts.some((a) => a.order !== undefined)
    ? parsed.accounts.map((a, i) => ({ a, i })).sort((x, y) => (x.a.order ?? Infinity) - (y.a.order ?? Infinity) || x.i - y.i).map((x) => x.a)
    : parsed.accounts;
  for (const account of ordered) {
    const key = duplicateKey(account);
    const name = describeAccount(account);
    if (inVault.has(key)) duplicates.push({ name, reason: 'already in this vault' });
    else if (seen.has(key)) duplicates.push({ name, reason: 'appears earlier in the file' });
    else {
      seen.add(key);
      toAdd.push(account);
    }
  }
  return { format: parsed.format, toAdd, duplicates, unsupported: parsed.unsupported };
}

/** The name keys of incoming accounts: only vault accounts with one of these can be duplicates. */
export function namesToCheck(parsed: ParsedImport): Set<string> {
  return new Set(parsed.accounts.map(nameKey));
}
