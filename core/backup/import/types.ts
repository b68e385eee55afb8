import type { PortableAccount } from '../account.js';

/** Every format `authdesk import` and Settings -> Backup understand (docs/vault-format.md, "Imports"). */
export const IMPORT_FORMATS = ['authdesk', 'google', 'aegis', 'twofas', 'ente', 'bitwarden', 'otpauth'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  authdesk: 'Authdesk encrypted backup',
  google: 'Google Authenticator export',
  aegis: 'Aegis vault',
  twofas: '2FAS backup',
  ente: 'Ente Auth export',
  bitwarden: 'Bitwarden JSON export',
  otpauth: 'list of otpauth:// links',
};

/** "an Aegis vault", "a 2FAS backup": the format's name with its article, for sentences. */
export function formatWithArticle(format: ImportFormat): string {
  const name = FORMAT_NAMES[format];
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** An entry of a known kind that Authdesk cannot use (Steam, Yandex, mOTP...): listed, never silently dropped. */
export interface UnsupportedEntry {
  /** "Issuer: label" (never a secret). */
  readonly name: string;
  readonly reason: string;
}

export interface ParsedImport {
  readonly format: ImportFormat;
  readonly accounts: readonly PortableAccount[];
  readonly unsupported: readonly UnsupportedEntry[];
  /** Sentences for a person about what this import leaves out (e.g. missing Google batches). */
  readonly warnings?: readonly string[];
}

/** Aegis encrypted vault (docs/vault.md of beemdevelopment/Aegis): the parts the node layer decrypts. */
export interface AegisPasswordSlot {
  readonly uuid: string;
  readonly key: Uint8Array;
  readonly keyNonce: Uint8Array;
  readonly keyTag: Uint8Array;
  readonly salt: Uint8Array;
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export interface AegisEncrypted {
  readonly slots: readonly AegisPasswordSlot[];
  readonly nonce: Uint8Array;
  readonly tag: Uint8Array;
  readonly db: Uint8Array;
}

/** 2FAS encrypted backup: base64(ciphertext+tag):base64(salt):base64(iv), and the same for `reference`. */
export interface TwofasEncryptedField {
  readonly data: Uint8Array;
  readonly salt: Uint8Array;
  readonly iv: Uint8Array;
}

export interface TwofasEncrypted {
  readonly schemaVersion: number;
  readonly services: TwofasEncryptedField;
  readonly reference?: TwofasEncryptedField;
}
