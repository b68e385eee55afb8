import { BackupError } from '../../errors.js';
import { jsonNestsDeeperThan, tooDeepSentence } from '../../json-depth.js';
import { isAuthdeskBackupJson, parseBackupEnvelope, type BackupEnvelope } from '../format.js';
import { isAegisVault, readAegisVault } from './aegis.js';
import { isBitwardenExport, parseBitwardenExport } from './bitwarden.js';
import { parseGoogleExport } from './google.js';
import { parseOtpauthList } from './otpauth-list.js';
import { isTwofasBackup, readTwofasBackup } from './twofas.js';
import { formatWithArticle, IMPORT_FORMATS, type AegisEncrypted, type ImportFormat, type ParsedImport, type TwofasEncrypted } from './types.js';

/**
 * Recognise a file's format from its content and parse what needs no passphrase. Encrypted
 * formats come back as a stage the node layer decrypts (node/backup/import.ts).
 */
export type ImportStage =
  | { readonly kind: 'plain'; readonly result: ParsedImport }
  | { readonly kind: 'encrypted'; readonly format: 'authdesk'; readonly envelope: BackupEnvelope }
  | { readonly kind: 'encrypted'; readonly format: 'aegis'; readonly vault: AegisEncrypted }
  | { readonly kind: 'encrypted'; readonly format: 'twofas'; readonly backup: TwofasEncrypted };

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

const SUPPORTED = 'Authdesk backups, Google Authenticator exports (otpauth-migration:// text or QR images), Aegis and 2FAS backups (plain or encrypted), Ente Auth and Bitwarden JSON exports, and lists of otpauth:// links';

function unrecognised(detail: string): BackupError {
  return new BackupError('IMPORT_UNRECOGNISED', `Authdesk does not recognise this file (${detail}). It can import ${SUPPORTED}.`);
}

/** What the content looks like, without parsing it fully (null when unknown). */
export function detectFormat(text: string): ImportFormat | null {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return null;
    }
    if (isAuthdeskBackupJson(value)) return 'authdesk';
    if (isAegisVault(value)) return 'aegis';
    if (isTwofasBackup(value)) return 'twofas';
    if (isBitwardenExport(value)) return 'bitwarden';
    return null;
  }
  if (/^\s*otpauth-migration:/im.test(body)) return 'google';
  if (/^\s*otpauth:\/\//im.test(body)) return 'otpauth';
  return null;
}

/**
 * Parse `text` as `format` (or as whatever it is recognised as). A format given explicitly that
 * does not match the content is refused with what the content looks like instead.
 */
export function readImportText(text: string, options: { format?: ImportFormat } = {}): ImportStage {
  // Before any JSON.parse below: a deeply nested file would cost gigabytes (core/json-depth.ts).
  if (jsonNestsDeeperThan(text)) throw new BackupError('IMPORT_TOO_DEEP', tooDeepSentence('This file'));
  const detected = detectFormat(text);
  let format = options.format;
  if (format === undefined) {
    if (detected === null) {
      const body = text.replace(/^\uFEFF/, '').trim();
      if (body.startsWith('{') || body.startsWith('[')) {
        try {
          JSON.parse(body);
        } catch (cause) {
          throw new BackupError('IMPORT_TRUNCATED', 'This file starts like a JSON backup or export but is not complete JSON: it is probably truncated or damaged. Export it again, or use another copy.', { cause });
        }
      }
      throw unrecognised(body.startsWith('{') || body.startsWith('[') ? 'it is JSON of an unknown shape' : 'no known structure or otpauth links were found');
    }
    format = detected;
  }
  const compatible = detected === format || (format === 'ente' && detected === 'otpauth') || (format === 'otpauth' && detected === 'google') || (format === 'google' && detected === 'otpauth');
  if (!compatible) {
    const body = text.trim();
    if (detected === null && body.startsWith('{')) {
      try {
        JSON.parse(body);
      } catch (cause) {
        throw new BackupError('IMPORT_TRUNCATED', `This file is not complete JSON, so it cannot be ${formatWithArticle(format)}: it is probably truncated or damaged. Export it again.`, { cause });
      }
    }
    throw new BackupError('IMPORT_FORMAT_MISMATCH', `This file is not ${formatWithArticle(format)}${detected ? `; it looks like ${formatWithArticle(detected)}. Try --format ${detected}, or leave --format out` : ''}.`);
  }
  switch (format) {
    case 'authdesk':
      return { kind: 'encrypted', format: 'authdesk', envelope: parseBackupEnvelope(JSON.parse(text.replace(/^\uFEFF/, ''))) };
    case 'aegis': {
      const stage = readAegisVault(JSON.parse(text.replace(/^\uFEFF/, '')));
      return stage.kind === 'plain' ? stage : { kind: 'encrypted', format: 'aegis', vault: stage.vault };
    }
    case 'twofas': {
      const stage = readTwofasBackup(JSON.parse(text.replace(/^\uFEFF/, '')));
      return stage.kind === 'plain' ? stage : { kind: 'encrypted', format: 'twofas', backup: stage.backup };
    }
    case 'bitwarden':
      return { kind: 'plain', result: parseBitwardenExport(JSON.parse(text.replace(/^\uFEFF/, ''))) };
    case 'google':
      return { kind: 'plain', result: parseGoogleExport(text) };
    case 'ente':
    case 'otpauth':
      return { kind: 'plain', result: detected === 'google' ? parseGoogleExport(text) : parseOtpauthList(text, format) };
  }
}
