import { UriError, isAuthdeskError } from '../errors.js';
import { normalizeBase32Secret } from '../otp/base32.js';
import { assertCounter, assertDigits, assertPeriod } from '../otp/otp.js';
import { HASH_ALGORITHMS, type HashAlgorithm, type OtpType } from '../otp/types.js';

/** Everything an otpauth:// URI (Google's Key Uri Format) carries. */
export interface OtpauthData {
  readonly type: OtpType;
  /** Service name ("Amazon Web Services"); empty when the URI names none. */
  readonly issuer: string;
  /** Account name ("alice@123456789012"). */
  readonly label: string;
  /** Canonical unpadded upper-case base32. */
  readonly secret: string;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
  readonly period: number;
  /** HOTP only: the next counter value. */
  readonly counter?: number;
}

export const URI_LIMITS = {
  /** A real otpauth:// URI is under 300 characters; 4 KiB leaves room for long labels and
   * images params while refusing pasted documents before any parsing work. */
  MAX_LENGTH: 4096,
  /** Issuer and label beyond this are not names but pasted text. */
  MAX_NAME_LENGTH: 256,
} as const;

export const OTP_DEFAULTS = { algorithm: 'SHA1' as HashAlgorithm, digits: 6, period: 30 } as const;

/**
 * Decode a query-string part: `+` means space there (form encoding; some issuers write
 * issuer=Amazon+Web+Services), as in Google Authenticator's and pyotp's parsers.
 */
function decodeComponent(text: string, what: string): string {
  return decodePath(text.replace(/\+/g, '%20'), what);
}

/**
 * Decode the label (URI path): here `+` is a literal plus (RFC 3986; Google Authenticator reads the
 * path the same way), so an account such as "alice+work@example.com" keeps its plus.
 */
function decodePath(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new UriError('URI_BAD_ENCODING', `The ${what} in the link has broken percent-encoding (a stray "%"); copy the link again or type the key by hand.`, { cause });
  }
}

function checkName(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed.length > URI_LIMITS.MAX_NAME_LENGTH) {
    throw new UriError('URI_NAME_TOO_LONG', `The ${what} is longer than ${URI_LIMITS.MAX_NAME_LENGTH} characters.`);
  }
  // Control characters (C0, DEL, C1) have no place in a name and could corrupt a terminal or a
  // layout; bidirectional overrides could make a name display as another one.
  if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(trimmed)) {
    throw new UriError('URI_CONTROL_CHARACTER', `The ${what} contains control or invisible direction characters; the link is damaged or not meant for an authenticator.`);
  }
  return trimmed;
}

function parseInteger(value: string, code: string, message: string): number {
  if (!/^\d{1,16}$/.test(value)) throw new UriError(code, message);
  return Number(value);
}

/** Parse an otpauth:// URI; every malformed case throws a UriError (or SecretError) saying what is wrong. */
export function parseOtpauthUri(input: string): OtpauthData {
  const text = input.trim();
  if (text.length > URI_LIMITS.MAX_LENGTH) {
    throw new UriError('URI_TOO_LONG', `That text is ${text.length} characters long; an authenticator link is at most ${URI_LIMITS.MAX_LENGTH}.`);
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text);
  if (!schemeMatch) {
    throw new UriError('URI_NOT_A_URI', 'That is not an authenticator link: it should start with "otpauth://".');
  }
  const scheme = (schemeMatch[1] ?? '').toLowerCase();
  if (scheme === 'otpauth-migration') {
    throw new UriError('URI_IS_MIGRATION', 'This is a Google Authenticator export (otpauth-migration://); import it to add all of its accounts.');
  }
  if (scheme !== 'otpauth') {
    throw new UriError('URI_WRONG_SCHEME', `That link starts with "${scheme}:", not "otpauth:" — it is not an authenticator link.`);
  }
  const match = /^otpauth:\/\/([^/?#]*)\/?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i.exec(text);
  if (!match) throw new UriError('URI_MALFORMED', 'The authenticator link is malformed: expected otpauth://totp/Label?secret=…');
  const typeText = (match[1] ?? '').toLowerCase();
  if (typeText !== 'totp' && typeText !== 'hotp') {
    throw new UriError('URI_BAD_TYPE', typeText === ''
      ? 'The link does not say whether it is "totp" or "hotp".'
      : `The link's type "${typeText}" is not supported; only "totp" and "hotp" are.`);
  }
  const type: OtpType = typeText;

  const params = new Map<string, string>();
  for (const part of (match[3] ?? '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq), 'parameter name').toLowerCase();
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1), `"${key}" parameter`);
    // First occurrence wins: a repeated parameter must not let a later value override what was shown.
    if (!params.has(key)) params.set(key, value);
  }

  // The label is "Issuer:account", the colon literal or %3A. A literal colon in the raw path is the
  // separator even when the issuer itself contains an encoded one (formatOtpauthUri writes it so);
  // otherwise the decoded text is split after the issuer parameter's value or at its first colon.
  const rawPath = match[2] ?? '';
  const issuerParamRaw = params.get('issuer');
  let labelIssuer: string;
  let label: string;
  const literalColon = rawPath.indexOf(':');
  if (literalColon >= 0) {
    labelIssuer = decodePath(rawPath.slice(0, literalColon), 'issuer');
    label = decodePath(rawPath.slice(literalColon + 1), 'account name');
  } else {
    const decoded = decodePath(rawPath, 'account name');
    const colon = issuerParamRaw && decoded.startsWith(`${issuerParamRaw}:`) ? issuerParamRaw.length : decoded.indexOf(':');
    label = colon >= 0 ? decoded.slice(colon + 1) : decoded;
    labelIssuer = colon >= 0 ? decoded.slice(0, colon) : '';
  }
  label = checkName(label, 'account name');
  labelIssuer = checkName(labelIssuer, 'issuer');
  const issuerParam = params.has('issuer') ? checkName(params.get('issuer') ?? '', 'issuer') : undefined;
  // The issuer parameter is authoritative (Key Uri Format: "issuer" parameter is recommended and
  // takes precedence); the label prefix is the fallback for older links such as AWS's early QR codes.
  const issuer = issuerParam !== undefined && issuerParam !== '' ? issuerParam : labelIssuer;

  const secretText = params.get('secret');
  if (secretText === undefined || secretText === '') {
    throw new UriError('URI_MISSING_SECRET', 'The link has no "secret" parameter, so no codes can be made from it.');
  }
  const secret = normalizeBase32Secret(secretText);

  let algorithm: HashAlgorithm = OTP_DEFAULTS.algorithm;
  const algorithmText = params.get('algorithm');
  if (algorithmText !== undefined) {
    const upper = algorithmText.toUpperCase().replace(/^SHA-/, 'SHA');
    if (!(HASH_ALGORITHMS as readonly string[]).includes(upper)) {
      throw new UriError('URI_BAD_ALGORITHM', `The algorithm "${algorithmText}" is not supported; use SHA1, SHA256 or SHA512.`);
    }
    algorithm = upper as HashAlgorithm;
  }

  let digits: number = OTP_DEFAULTS.digits;
  const digitsText = params.get('digits');
  if (digitsText !== undefined) {
    digits = parseInteger(digitsText, 'URI_BAD_DIGITS', `The number of digits "${digitsText}" is not valid; use 6, 7 or 8.`);
    try { assertDigits(digits); } catch { throw new UriError('URI_BAD_DIGITS', `The number of digits "${digitsText}" is not valid; use 6, 7 or 8.`); }
  }

  let period: number = OTP_DEFAULTS.period;
  const periodText = params.get('period');
  if (periodText !== undefined && type === 'totp') {
    period = parseInteger(periodText, 'URI_BAD_PERIOD', `The period "${periodText}" is not a whole number of seconds.`);
    try { assertPeriod(period); } catch (e) { throw new UriError('URI_BAD_PERIOD', isAuthdeskError(e) ? e.message : 'Bad period.'); }
  }

  if (type === 'hotp') {
    const counterText = params.get('counter');
    if (counterText === undefined || counterText === '') {
      throw new UriError('URI_MISSING_COUNTER', 'This HOTP link has no "counter" parameter; HOTP needs the starting counter.');
    }
    const counter = parseInteger(counterText, 'URI_BAD_COUNTER', `The counter "${counterText}" is not a whole number.`);
    try { assertCounter(counter); } catch (e) { throw new UriError('URI_BAD_COUNTER', isAuthdeskError(e) ? e.message : 'Bad counter.'); }
    return { type, issuer, label, secret, algorithm, digits, period: OTP_DEFAULTS.period, counter };
  }
  return { type, issuer, label, secret, algorithm, digits, period };
}

/** Percent-encode as Google's format expects (spaces as %20, ":" and "+" in names encoded). */
function encode(text: string): string {
  return encodeURIComponent(text);
}

/** Format as a Key Uri Format link: label `Issuer:account`, issuer parameter repeated, defaults omitted except secret/issuer. */
export function formatOtpauthUri(data: OtpauthData): string {
  const label = data.issuer ? `${encode(data.issuer)}:${encode(data.label)}` : encode(data.label);
  const query = [`secret=${data.secret}`];
  if (data.issuer) query.push(`issuer=${encode(data.issuer)}`);
  if (data.algorithm !== OTP_DEFAULTS.algorithm) query.push(`algorithm=${data.algorithm}`);
  if (data.digits !== OTP_DEFAULTS.digits) query.push(`digits=${data.digits}`);
  if (data.type === 'totp' && data.period !== OTP_DEFAULTS.period) query.push(`period=${data.period}`);
  if (data.type === 'hotp') query.push(`counter=${data.counter ?? 0}`);
  return `otpauth://${data.type}/${label}?${query.join('&')}`;
}

/** The secret shown masked, for display and for `authdesk parse`: no character of it is revealed. */
export function maskSecret(secret: string): string {
  return `${'•'.repeat(Math.min(secret.length, 12))} (${secret.length} characters)`;
}
