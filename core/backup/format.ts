import { BackupError } from '../errors.js';
import { jsonNestsDeeperThan, tooDeepSentence } from '../json-depth.js';
import { ACCOUNT_LIMITS, validatePortableAccount, type PortableAccount } from './account.js';
import { base64ToBytes, utf8Encode } from './bytes.js';

/**
 * The Authdesk encrypted backup file, version 1 (docs/vault-format.md is the specification; every
 * constant here is explained there). This module is the pure half: the file's shape, its limits,
 * the associated data (AAD) and the plaintext payload. The crypto (scrypt, AES-256-GCM) is in
 * node/backup/crypto.ts, and scripts/decrypt-backup.mjs re-implements the read path independently.
 */

export const BACKUP_FORMAT = 'authdesk-backup';
export const BACKUP_VERSION = 1;
export const PAYLOAD_VERSION = 1;

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Parameters for new backups: ~0.7 s and 128 MiB on a 2-core Node 20 machine (measured, see docs). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

export const KDF_LIMITS = {
  /** Below 2^14 (16 MiB) scrypt is too cheap to slow down guessing; no Authdesk version writes less. */
  MIN_LOG2_N: 14,
  /** 2^20 with r = 8 is 1 GiB; the memory cap below binds first. */
  MAX_LOG2_N: 20,
  MAX_R: 16,
  MAX_P: 4,
  /** scrypt needs 128 * N * r bytes; a file may not make us allocate more than 256 MiB (an
   * Electron main process, a CLI on a small VM) — a hostile file must not be a memory bomb. */
  MAX_MEMORY_BYTES: 256 * 1024 * 1024,
  /** Work grows with N * r * p: 512 MiB-equivalents is ~3 s here, the most a restore may cost. */
  MAX_WORK: 512 * 1024 * 1024,
  /**
   * The most key-derivation work ONE file may cost in total, however many slots it has (an Aegis
   * vault with 8 maximal slots took 37 s and 318 MB when each slot had its own allowance). Equal to
   * one maximal slot: a real file has one password slot (Aegis default N=2^15, r=8: 32 MiB, so 16
   * ordinary slots still fit).
   */
  MAX_WORK_PER_FILE: 512 * 1024 * 1024,
  SALT_BYTES: 32,
} as const;

export const CIPHER = 'AES-256-GCM';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export const FILE_LIMITS = {
  /** 20,000 accounts (a vault's maximum) at ~400 bytes each, base64-inflated, fit in 32 MiB with room to spare. */
  MAX_FILE_BYTES: 32 * 1024 * 1024,
  /** Payload plaintext is padded to a multiple of this so the file size hints only coarsely at the account count. */
  PAD_TO: 4096,
} as const;

export interface BackupEnvelope {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  readonly createdAt: string;
  readonly kdf: { readonly name: 'scrypt'; readonly salt: string } & ScryptParams;
  readonly cipher: { readonly name: typeof CIPHER; readonly nonce: string; readonly tag: string };
  readonly ciphertext: string;
}

export interface BackupPayload {
  readonly version: typeof PAYLOAD_VERSION;
  readonly exportedAt: string;
  readonly accounts: readonly PortableAccount[];
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

function damaged(code: string, message: string): never {
  throw new BackupError(code, message);
}

/** Check scrypt parameters against the limits (used for reading and writing). */
export function checkScryptParams(params: ScryptParams): void {
  const { N, r, p } = params;
  const log2 = Math.log2(N);
  if (!Number.isInteger(N) || !Number.isInteger(log2) || log2 < KDF_LIMITS.MIN_LOG2_N || log2 > KDF_LIMITS.MAX_LOG2_N) {
    damaged('BACKUP_UNSUPPORTED_KDF_PARAMS', `The backup's scrypt cost N=${String(N)} is not a power of two from 2^${KDF_LIMITS.MIN_LOG2_N} to 2^${KDF_LIMITS.MAX_LOG2_N}; Authdesk never writes such a file, so it is damaged or not ours.`);
  }
  if (!Number.isInteger(r) || r < 1 || r > KDF_LIMITS.MAX_R || !Number.isInteger(p) || p < 1 || p > KDF_LIMITS.MAX_P) {
    damaged('BACKUP_UNSUPPORTED_KDF_PARAMS', `The backup's scrypt parameters r=${String(r)}, p=${String(p)} are outside what Authdesk accepts (r 1-${KDF_LIMITS.MAX_R}, p 1-${KDF_LIMITS.MAX_P}).`);
  }
  if (128 * N * r > KDF_LIMITS.MAX_MEMORY_BYTES || 128 * N * r * p > KDF_LIMITS.MAX_WORK) {
    damaged('BACKUP_UNSUPPORTED_KDF_PARAMS', `The backup asks for scrypt parameters (N=${N}, r=${r}, p=${p}) costlier than Authdesk allows (${KDF_LIMITS.MAX_MEMORY_BYTES / 1048576} MiB); it was not made by Authdesk and is refused to protect this machine.`);
  }
}

/** The work of one scrypt derivation in the unit of KDF_LIMITS.MAX_WORK (bytes-equivalent, 128 * N * r * p). */
export function scryptWork(params: ScryptParams): number {
  return 128 * params.N * params.r * params.p;
}

/** True when a parsed JSON value claims to be an Authdesk backup (used by format detection). */
export function isAuthdeskBackupJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).format === BACKUP_FORMAT;
}

/** Validate a parsed JSON value as an envelope. Every problem is a BackupError that names it. */
export function parseBackupEnvelope(value: unknown): BackupEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) damaged('BACKUP_NOT_A_BACKUP', 'This file is not an Authdesk backup.');
  const v = value as Record<string, unknown>;
  if (v.format !== BACKUP_FORMAT) damaged('BACKUP_NOT_A_BACKUP', 'This file is not an Authdesk backup (its "format" field is missing or different).');
  if (v.version !== BACKUP_VERSION) {
    damaged('BACKUP_UNKNOWN_VERSION', typeof v.version === 'number' && v.version > BACKUP_VERSION
      ? `This backup is format version ${v.version}, made by a newer Authdesk; update Authdesk to restore it (this one reads version ${BACKUP_VERSION}).`
      : `This backup has an unknown format version (${JSON.stringify(v.version)}); Authdesk reads version ${BACKUP_VERSION}.`);
  }
  if (typeof v.createdAt !== 'string' || !ISO_UTC.test(v.createdAt)) damaged('BACKUP_DAMAGED', 'The backup file is damaged: its creation time is missing or malformed.');
  const kdf = v.kdf as Record<string, unknown> | null;
  if (typeof kdf !== 'object' || kdf === null) damaged('BACKUP_DAMAGED', 'The backup file is damaged: its key-derivation settings are missing.');
  if (kdf.name !== 'scrypt') damaged('BACKUP_UNSUPPORTED_KDF', `This backup uses the key derivation "${String(kdf.name)}", which this Authdesk does not support (it reads scrypt).`);
  const params = { N: kdf.N as number, r: kdf.r as number, p: kdf.p as number };
  checkScryptParams(params);
  if (base64ToBytes(kdf.salt as string, 'kdf.salt').length !== KDF_LIMITS.SALT_BYTES) damaged('BACKUP_DAMAGED', `The backup file is damaged: its salt is not ${KDF_LIMITS.SALT_BYTES} bytes.`);
  const cipher = v.cipher as Record<string, unknown> | null;
  if (typeof cipher !== 'object' || cipher === null) damaged('BACKUP_DAMAGED', 'The backup file is damaged: its cipher settings are missing.');
  if (cipher.name !== CIPHER) damaged('BACKUP_UNSUPPORTED_CIPHER', `This backup uses the cipher "${String(cipher.name)}", which this Authdesk does not support (it reads ${CIPHER}).`);
  if (base64ToBytes(cipher.nonce as string, 'cipher.nonce').length !== NONCE_BYTES) damaged('BACKUP_DAMAGED', `The backup file is damaged: its nonce is not ${NONCE_BYTES} bytes.`);
  if (base64ToBytes(cipher.tag as string, 'cipher.tag').length !== TAG_BYTES) damaged('BACKUP_DAMAGED', `The backup file is damaged: its authentication tag is not ${TAG_BYTES} bytes.`);
  const ciphertext = base64ToBytes(v.ciphertext as string, 'ciphertext');
  if (ciphertext.length === 0 || ciphertext.length % FILE_LIMITS.PAD_TO !== 0) {
    damaged('BACKUP_TRUNCATED', 'The backup file is truncated or damaged: its encrypted data has the wrong length.');
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: v.createdAt,
    kdf: { name: 'scrypt', ...params, salt: kdf.salt as string },
    cipher: { name: CIPHER, nonce: cipher.nonce as string, tag: cipher.tag as string },
    ciphertext: v.ciphertext as string,
  };
}

/**
 * The associated data: every header field, in a fixed order, as a compact JSON array. Binding them
 * means a changed version, parameter, salt, nonce or date makes decryption fail (a downgrade or a
 * spliced header is detected, not silently accepted).
 */
export function backupAadText(header: Omit<BackupEnvelope, 'ciphertext' | 'cipher'> & { cipher: { name: string; nonce: string } }): string {
  return JSON.stringify([header.format, header.version, header.createdAt, header.kdf.name, header.kdf.N, header.kdf.r, header.kdf.p, header.kdf.salt, header.cipher.name, header.cipher.nonce]);
}

export function backupAad(header: Parameters<typeof backupAadText>[0]): Uint8Array {
  return utf8Encode(backupAadText(header));
}

/** Serialise the payload, padded with spaces (valid JSON whitespace) to a multiple of PAD_TO bytes. */
export function encodePayload(accounts: readonly PortableAccount[], exportedAt: string): Uint8Array {
  if (accounts.length > ACCOUNT_LIMITS.MAX_ACCOUNTS) {
    throw new BackupError('BACKUP_TOO_MANY_ACCOUNTS', `A backup holds at most ${ACCOUNT_LIMITS.MAX_ACCOUNTS} accounts.`);
  }
  const payload: BackupPayload = { version: PAYLOAD_VERSION, exportedAt, accounts };
  const json = utf8Encode(JSON.stringify(payload));
  const padded = new Uint8Array(Math.ceil((json.length + 1) / FILE_LIMITS.PAD_TO) * FILE_LIMITS.PAD_TO).fill(0x20);
  padded.set(json);
  json.fill(0);
  return padded;
}

/** Parse and validate decrypted payload text. */
export function decodePayload(text: string): BackupPayload {
  if (jsonNestsDeeperThan(text)) damaged('BACKUP_BAD_PAYLOAD', tooDeepSentence('The backup decrypted, but its contents'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BackupError('BACKUP_BAD_PAYLOAD', 'The backup decrypted, but its contents are not valid JSON; it was not written by Authdesk.', { cause });
  }
  if (typeof value !== 'object' || value === null) damaged('BACKUP_BAD_PAYLOAD', 'The backup decrypted, but its contents are not an account list.');
  const v = value as Record<string, unknown>;
  if (v.version !== PAYLOAD_VERSION) {
    damaged('BACKUP_UNKNOWN_VERSION', `The backup's contents are version ${JSON.stringify(v.version)}; this Authdesk reads version ${PAYLOAD_VERSION}. Update Authdesk to restore it.`);
  }
  if (!Array.isArray(v.accounts)) damaged('BACKUP_BAD_PAYLOAD', 'The backup decrypted, but it has no account list.');
  if (v.accounts.length > ACCOUNT_LIMITS.MAX_ACCOUNTS) damaged('BACKUP_TOO_MANY_ACCOUNTS', `The backup holds more than ${ACCOUNT_LIMITS.MAX_ACCOUNTS} accounts.`);
  const accounts = v.accounts.map((raw, i) => validatePortableAccount(raw, `Account ${i + 1} of the backup`));
  return { version: PAYLOAD_VERSION, exportedAt: typeof v.exportedAt === 'string' ? v.exportedAt : '', accounts };
}
