import { BackupError, isAuthdeskError } from '../../errors.js';
import { decodeMigrationUri, type MigrationBatch } from '../../otpauth/migration.js';
import { describeAccount, type PortableAccount } from '../account.js';
import { isUnsupported, parseOtpauthLine } from './otpauth-list.js';
import type { ParsedImport, UnsupportedEntry } from './types.js';

/**
 * Google Authenticator's "Transfer accounts" export: one `otpauth-migration://offline?data=...`
 * URI per QR code (a batch). The protobuf is decoded by core/otpauth/migration.ts (protobufjs);
 * this file gathers the batches, reports accounts the decoder refused (MD5, bad secrets) as
 * unsupported, and warns when batches of an export are missing.
 */
export type MigrationDecoder = (uri: string) => MigrationBatch;

export const GOOGLE_LIMITS = {
  /** Google exports at most a few dozen QR codes; 1,000 lines is a different kind of file. */
  MAX_BATCHES: 1000,
} as const;

/**
 * Lines of text holding otpauth-migration:// URIs (one per batch, in any order), optionally mixed
 * with plain otpauth:// lines (what a person collects after scanning QR codes one by one).
 */
export function parseGoogleExport(text: string, decode: MigrationDecoder = decodeMigrationUri): ParsedImport {
  const accounts: PortableAccount[] = [];
  const unsupported: UnsupportedEntry[] = [];
  const exports = new Map<number, { size: number; seen: Set<number> }>();
  let batches = 0;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^otpauth-migration:/i.test(line)) {
      if (++batches > GOOGLE_LIMITS.MAX_BATCHES) throw new BackupError('IMPORT_TOO_LARGE', `The file has more than ${GOOGLE_LIMITS.MAX_BATCHES} Google Authenticator batches.`);
      let batch: MigrationBatch;
      try {
        batch = decode(line);
      } catch (error) {
        throw new BackupError('IMPORT_BAD_ENTRY', `Line ${i + 1} (Google Authenticator batch ${batches}): ${isAuthdeskError(error) ? error.message : 'the export could not be decoded.'}`, {
          cause: error,
          details: { line: i + 1 },
        });
      }
      accounts.push(...batch.accounts);
      for (const s of batch.skipped) unsupported.push({ name: describeAccount(s), reason: s.reason });
      const known = exports.get(batch.batchId) ?? { size: batch.batchSize, seen: new Set<number>() };
      known.seen.add(batch.batchIndex);
      exports.set(batch.batchId, known);
      return;
    }
    if (/^otpauth:\/\//i.test(line)) {
      const parsed = parseOtpauthLine(line, `Line ${i + 1}`);
      if (isUnsupported(parsed)) unsupported.push(parsed);
      else accounts.push(parsed);
      return;
    }
    throw new BackupError('IMPORT_BAD_ENTRY', `Line ${i + 1} is neither an otpauth-migration:// nor an otpauth:// link.`, { details: { line: i + 1 } });
  });
  if (accounts.length === 0 && unsupported.length === 0) {
    throw new BackupError('IMPORT_EMPTY', 'The Google Authenticator export holds no accounts.');
  }
  const warnings: string[] = [];
  for (const { size, seen } of exports.values()) {
    if (seen.size < size) {
      const missing = Array.from({ length: size }, (_, k) => k).filter((k) => !seen.has(k)).map((k) => k + 1);
      warnings.push(`This Google Authenticator export has ${size} QR codes, but code${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: their accounts are not in this import. Scan or add ${missing.length === 1 ? 'it' : 'them'} too.`);
    }
  }
  return { format: 'google', accounts, unsupported, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Gather the accounts of payload strings found in QR images (any order, any number of batches). */
export function parseGooglePayloads(payloads: readonly string[], decode: MigrationDecoder = decodeMigrationUri): ParsedImport {
  return parseGoogleExport(payloads.join('\n'), decode);
}
