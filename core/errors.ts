/**
 * The typed error hierarchy. Every error a person can see is an AuthdeskError: a stable `code`
 * (for scripts, tests and the IPC boundary) and a `message` written for a person that says what
 * went wrong and what to do. Anything else that escapes is a bug, and the UI/CLI show a generic
 * sentence for it instead of a stack trace (see `toUserFacing`).
 */

export type ErrorDomain =
  | 'input' // something the user typed, pasted or chose is invalid
  | 'secret' // a base32 secret is malformed
  | 'uri' // an otpauth:// or otpauth-migration:// URI is malformed
  | 'vault' // vault document problems (corrupt file, unknown version, missing account)
  | 'keychain' // the OS keychain is missing, locked or failed
  | 'qr' // images and QR decoding
  | 'time' // time sources
  | 'aws' // IAM calls
  | 'backup' // backup / import / export
  | 'lock' // app lock
  | 'release' // releasing a code or session to another program (docs/approvals.md)
  | 'internal';

export class AuthdeskError extends Error {
  override readonly name: string = 'AuthdeskError';
  readonly domain: ErrorDomain;
  /** Stable machine-readable identifier, e.g. `SECRET_TOO_SHORT`. */
  readonly code: string;
  /** Optional structured detail safe to show (never a secret). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(domain: ErrorDomain, code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.domain = domain;
    this.code = code;
    this.details = options?.details;
  }
}

export class InputError extends AuthdeskError {
  override readonly name = 'InputError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('input', code, message, options);
  }
}

export class SecretError extends AuthdeskError {
  override readonly name = 'SecretError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('secret', code, message, options);
  }
}

export class UriError extends AuthdeskError {
  override readonly name = 'UriError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('uri', code, message, options);
  }
}

export class VaultError extends AuthdeskError {
  override readonly name = 'VaultError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('vault', code, message, options);
  }
}

export class KeychainError extends AuthdeskError {
  override readonly name = 'KeychainError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('keychain', code, message, options);
  }
}

export class QrError extends AuthdeskError {
  override readonly name = 'QrError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('qr', code, message, options);
  }
}

export class TimeError extends AuthdeskError {
  override readonly name = 'TimeError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('time', code, message, options);
  }
}

export class AwsError extends AuthdeskError {
  override readonly name = 'AwsError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('aws', code, message, options);
  }
}

export class BackupError extends AuthdeskError {
  override readonly name = 'BackupError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('backup', code, message, options);
  }
}

export class LockError extends AuthdeskError {
  override readonly name = 'LockError';
  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('lock', code, message, options);
  }
}

/** What crosses a boundary (IPC, CLI output): a code and a sentence, never a stack. */
export interface UserFacingError {
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export const INTERNAL_ERROR_MESSAGE =
  'Something went wrong inside Authdesk. Nothing was changed; please try again, and report it if it keeps happening.';

export function toUserFacing(error: unknown): UserFacingError {
  if (error instanceof AuthdeskError) {
    return error.details === undefined
      ? { code: error.code, domain: error.domain, message: error.message }
      : { code: error.code, domain: error.domain, message: error.message, details: error.details };
  }
  return { code: 'INTERNAL', domain: 'internal', message: INTERNAL_ERROR_MESSAGE };
}

export function isAuthdeskError(error: unknown, code?: string): error is AuthdeskError {
  return error instanceof AuthdeskError && (code === undefined || error.code === code);
}
