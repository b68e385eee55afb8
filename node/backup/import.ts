/**
 * Import: bytes of a file -> parsed accounts -> a plan (what is new, what is a duplicate) -> one
 * all-or-nothing vault.addMany. Pure parsing lives in core/backup/import/; this module adds the
 * crypto of encrypted formats, QR images, and the vault.
 */
import { BackupError } from '../../core/errors.js';
import { toNewAccount } from '../../core/backup/account.js';
import { utf8Decode } from '../../core/backup/bytes.js';
import { planImport, type ImportPlan } from '../../core/backup/duplicates.js';
import { jsonNestsDeeperThan, tooDeepSentence } from '../../core/json-depth.js';
import { FILE_LIMITS } from '../../core/backup/format.js';
import { readImportText, type ImportStage } from '../../core/backup/import/detect.js';
import { parseGooglePayloads } from '../../core/backup/import/google.js';
import { FORMAT_NAMES, formatWithArticle, type ImportFormat, type ParsedImport } from '../../core/backup/import/types.js';
import type { Account } from '../../core/vault/model.js';
import type { VaultApi } from '../../core/vault/api.js';
import { decryptBackupEnvelope } from './crypto.js';
import type { SeedSource } from './export.js';
import { decryptAegis, decryptTwofas } from './third-party.js';

/** Reads the QR payloads of an image file (the QR engineer's loader); injected to keep image code out of plain imports. */
export type ImagePayloadReader = (bytes: Uint8Array) => Promise<readonly string[]>;

export interface ReadImportOptions {
  readonly format?: ImportFormat;
  /** The file's passphrase; asked for only when the file is encrypted (a function is called then). */
  readonly passphrase?: string | (() => Promise<string>);
  readonly readImage?: ImagePayloadReader;
}

const IMAGE_MAGIC: ReadonlyArray<readonly number[]> = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x52, 0x49, 0x46, 0x46], // RIFF (WebP)
  [0x42, 0x4d], // BMP
];

export function isImageBytes(bytes: Uint8Array): boolean {
  return IMAGE_MAGIC.some((magic) => magic.every((b, i) => bytes[i] === b));
}

async function passphraseOf(options: ReadImportOptions, format: ImportFormat): Promise<string> {
  const given = typeof options.passphrase === 'function' ? await options.passphrase() : options.passphrase;
  if (given === undefined || given === '') {
    throw new BackupError('IMPORT_PASSPHRASE_REQUIRED', `This ${FORMAT_NAMES[format]} is encrypted: give its passphrase (--passphrase-file F on the command line).`, { details: { format } });
  }
  return given;
}

async function imagePayloads(bytes: Uint8Array, options: ReadImportOptions): Promise<string[]> {
  const readImage = options.readImage ?? (await import('./image-adapter.js')).readImagePayloads;
  const payloads = await readImage(bytes);
  const useful = payloads.filter((p) => /^otpauth(-migration)?:/i.test(p.trim()));
  if (useful.length === 0) {
    throw new BackupError('IMPORT_NO_QR', payloads.length === 0 ? 'No QR code was found in the image.' : 'The QR code in the image is not a Google Authenticator export or an authenticator link.');
  }
  return useful;
}

/** Parse any supported file's bytes into accounts (decrypting when needed). Nothing touches the vault. */
export async function readImport(bytes: Uint8Array, options: ReadImportOptions = {}): Promise<ParsedImport> {
  if (bytes.length > FILE_LIMITS.MAX_FILE_BYTES) {
    throw new BackupError('IMPORT_TOO_LARGE', `The file is ${(bytes.length / 1048576).toFixed(1)} MiB; an export or backup is at most ${FILE_LIMITS.MAX_FILE_BYTES / 1048576} MiB. Is it the right file?`);
  }
  if (bytes.length === 0) throw new BackupError('IMPORT_EMPTY', 'The file is empty.');
  if (isImageBytes(bytes)) {
    if (options.format !== undefined && options.format !== 'google') {
      throw new BackupError('IMPORT_FORMAT_MISMATCH', `This file is an image, not ${formatWithArticle(options.format)}. Images are read as Google Authenticator export QR codes.`);
    }
    return parseGooglePayloads(await imagePayloads(bytes, options));
  }
  if (jsonNestsDeeperThan(bytes)) throw new BackupError('IMPORT_TOO_DEEP', tooDeepSentence('This file')); // before decoding (core/json-depth.ts)
  const text = utf8Decode(bytes, 'The file');
  const stage: ImportStage = readImportText(text, options.format ? { format: options.format } : {});
  if (stage.kind === 'plain') return stage.result;
  const passphrase = await passphraseOf(options, stage.format);
  switch (stage.format) {
    case 'authdesk': {
      const payload = await decryptBackupEnvelope(stage.envelope, passphrase);
      return { format: 'authdesk', accounts: payload.accounts, unsupported: [] };
    }
    case 'aegis':
      return decryptAegis(stage.vault, passphrase);
    case 'twofas':
      return decryptTwofas(stage.backup, passphrase);
  }
}

/**
 * Several files as one import (e.g. one PNG per Google batch): the QR payloads of all images are
 * gathered first, so a batch in one image completes an export started in another.
 */
export async function readImports(files: readonly Uint8Array[], options: ReadImportOptions = {}): Promise<ParsedImport> {
  const parts: ParsedImport[] = [];
  const payloads: string[] = [];
  for (const bytes of files) {
    if (isImageBytes(bytes) && files.length > 1) payloads.push(...(await imagePayloads(bytes, options)));
    else parts.push(await readImport(bytes, options));
  }
  if (payloads.length > 0) parts.push(parseGooglePayloads(payloads));
  const formats = [...new Set(parts.map((p) => p.format))];
  const warnings = parts.flatMap((p) => p.warnings ?? []);
  return {
    format: formats.length === 1 ? formats[0] ?? 'otpauth' : 'otpauth',
    accounts: parts.flatMap((p) => p.accounts),
    unsupported: parts.flatMap((p) => p.unsupported),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * Compare with the vault: an incoming account whose secret key is already in the vault is a
 * duplicate whatever its name (an account recovered after an interrupted import, or renamed since,
 * is still the same account). The vault finds the owners with at most one bulk keychain read
 * (VaultApi.accountsWithSecrets); keys are compared in memory, never stored.
 * `_source` is kept for callers that pass the keychain store (no longer needed).
 */
export async function planVaultImport(vault: VaultApi, parsed: ParsedImport, _source: SeedSource = {}): Promise<ImportPlan> {
  const owners = parsed.accounts.length > 0 ? await vault.accountsWithSecrets(parsed.accounts.map((a) => a.secret)) : [];
  const existing = parsed.accounts.flatMap((incoming, i) => {
    const owner = owners[i];
    return owner ? [{ issuer: owner.issuer, label: owner.label, secret: incoming.secret }] : [];
  });
  return planImport(parsed, existing);
}

export interface ApplyImportOptions {
  /** Import even though some entries cannot be used (they are listed in the plan); default false. */
  readonly skipUnsupported?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting it rolls the import back before the next keychain write (VaultApi.addMany). */
  readonly signal?: { readonly aborted: boolean };
}

/** All or nothing: every account of the plan is added, or none (VaultApi.addMany). */
export async function applyImport(vault: VaultApi, plan: ImportPlan, options: ApplyImportOptions = {}): Promise<readonly Account[]> {
  if (plan.unsupported.length > 0 && !options.skipUnsupported) {
    const list = plan.unsupported.slice(0, 5).map((u) => `${u.name} (${u.reason})`).join('; ');
    throw new BackupError('IMPORT_HAS_UNSUPPORTED', `${plan.unsupported.length} entr${plan.unsupported.length === 1 ? 'y' : 'ies'} of this file cannot be used by Authdesk: ${list}${plan.unsupported.length > 5 ? '; ...' : ''}. Nothing was imported. To import the others and leave these out, confirm skipping them (--skip-unsupported).`, {
      details: { unsupported: plan.unsupported.length },
    });
  }
  if (plan.toAdd.length === 0) return [];
  return vault.addMany(plan.toAdd.map(toNewAccount), options.onProgress, options.signal ? { signal: options.signal } : {});
}
