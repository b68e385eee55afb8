/**
 * Image -> QR payloads -> accounts, for the CLI (`authdesk scan`, `authdesk add --image`) and the
 * main process (with the worker's decode passed in).
 */
import { QrError } from '../../core/errors.js';
import type { DecodedQr, RgbaFrame } from '../../core/qr/decode.js';
import { accountsOf, classifyPayload, NOT_AUTHENTICATOR_MESSAGE, type ClassifiedPayload } from '../../core/qr/payload.js';
import type { SkippedMigrationAccount } from '../../core/otpauth/migration.js';
import type { OtpauthData } from '../../core/otpauth/uri.js';
import { decodeImageBytes, loadImageFile } from '../image/load.js';

/** Decodes one frame: `decodeFrameInProcess` (node/qr/decoder.ts) or a worker's `decode`. */
export type FrameDecoder = (frame: RgbaFrame) => Promise<DecodedQr[]>;

export interface ScanOptions {
  /** Default: decode in this thread (the CLI). The Electron main process passes its worker. */
  readonly decode?: FrameDecoder;
}

async function defaultDecoder(): Promise<FrameDecoder> {
  // Loaded on demand so that importing this module costs nothing until an image is scanned.
  return (await import('./decoder.js')).decodeFrameInProcess;
}

/** Every QR code in image bytes (PNG, JPEG, WebP, GIF first frame, BMP). [] when there is none. */
export async function scanImageBytes(bytes: Uint8Array, options: ScanOptions = {}): Promise<DecodedQr[]> {
  const frame = await decodeImageBytes(bytes);
  return (options.decode ?? (await defaultDecoder()))(frame);
}

/** Every QR code in an image file. [] when there is none; QrError when the file is not a usable image. */
export async function scanImageFile(file: string, options: ScanOptions = {}): Promise<DecodedQr[]> {
  const frame = await loadImageFile(file);
  return (options.decode ?? (await defaultDecoder()))(frame);
}

export interface ImageAccounts {
  /** Every account found, in order: otpauth:// codes, then each export batch's accounts. */
  readonly accounts: OtpauthData[];
  /** Every payload found, classified (includes non-authenticator codes and malformed links). */
  readonly payloads: ClassifiedPayload[];
  /** Accounts of a Google export that cannot be imported, with the reason for each. */
  readonly skipped: SkippedMigrationAccount[];
  /** Sentences for a person about what was left out (another QR, missing export batches). */
  readonly warnings: string[];
}

/** The sentence for a set of payloads that yielded no account. */
function nothingUsable(payloads: readonly ClassifiedPayload[]): QrError {
  const invalid = payloads.find((p) => p.kind === 'invalid');
  if (invalid?.kind === 'invalid') {
    return new QrError('QR_INVALID_AUTHENTICATOR_CODE', `The QR code holds an authenticator link that cannot be used: ${invalid.error.message}`, { details: { code: invalid.error.code } });
  }
  const migration = payloads.find((p) => p.kind === 'migration');
  if (migration?.kind === 'migration') {
    return new QrError('QR_NO_IMPORTABLE_ACCOUNTS', `None of the accounts in this Google Authenticator export can be imported: ${migration.skipped[0]?.reason ?? 'they are not supported.'}`);
  }
  const other = payloads.find((p) => p.kind === 'other');
  const display = other?.kind === 'other' && other.display !== '' ? ` It contains: "${other.display}"` : '';
  return new QrError('QR_NOT_AUTHENTICATOR', `${NOT_AUTHENTICATOR_MESSAGE}${display}`);
}

/** Classify decoded payloads into accounts; throws QrError when none yields an account. */
export function accountsFromPayloads(texts: readonly string[]): ImageAccounts {
  if (texts.length === 0) throw new QrError('QR_NOT_FOUND', 'No QR code was found in the image. Make sure the whole code is visible and sharp, then try again.');
  const payloads = texts.map(classifyPayload);
  const accounts = accountsOf(payloads);
  if (accounts.length === 0) throw nothingUsable(payloads);
  const skipped: SkippedMigrationAccount[] = [];
  const warnings: string[] = [];
  const batches = new Map<number, { size: number; seen: Set<number> }>();
  for (const p of payloads) {
    if (p.kind === 'other') warnings.push(`Another QR code in the image is not an authenticator code: "${p.display}"`);
    else if (p.kind === 'invalid') warnings.push(`Another QR code in the image could not be used: ${p.error.message}`);
    else if (p.kind === 'migration') {
      skipped.push(...p.skipped);
      const b = batches.get(p.batchId) ?? { size: p.batchSize, seen: new Set<number>() };
      b.seen.add(p.batchIndex);
      batches.set(p.batchId, b);
    }
  }
  for (const b of batches.values()) {
    if (b.seen.size < b.size) {
      const shown = [...b.seen].sort((x, y) => x - y).map((i) => i + 1).join(', ');
      warnings.push(`This Google Authenticator export has ${b.size} QR codes and this image holds only number ${shown}: scan the other ${b.size - b.seen.size} too to import all accounts.`);
    }
  }
  for (const s of skipped) warnings.push(`Skipped "${s.issuer ? `${s.issuer}: ` : ''}${s.label}": ${s.reason}`);
  return { accounts, payloads, skipped, warnings };
}

/**
 * The accounts an image file holds, for `authdesk add --image FILE` and the app's "add from image".
 * Resolves with at least one account; throws QrError (never anything else for bad input) with a
 * sentence for a person: unreadable/unsupported/too large image, no QR code, or no usable account.
 * The accounts carry secrets: add them to the vault, then drop them; never print them.
 */
export async function loadAccountsFromImage(file: string, options: ScanOptions = {}): Promise<ImageAccounts> {
  const found = await scanImageFile(file, options);
  return accountsFromPayloads(found.map((f) => f.text));
}
