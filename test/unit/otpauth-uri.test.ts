// otpauth:// (Google's Key Uri Format): one table of cases, input -> expected fields or error code,
// written from the format's description, plus parse(format(x)) round trips over many shapes.
import { describe, expect, it } from 'vitest';
import { AuthdeskError, toUserFacing } from '../../core/errors.js';
import { decodeBase32Secret } from '../../core/otp/base32.js';
import { totp } from '../../core/otp/otp.js';
import type { HashAlgorithm } from '../../core/otp/types.js';
import { URI_LIMITS, formatOtpauthUri, maskSecret, parseOtpauthUri, type OtpauthData } from '../../core/otpauth/uri.js';
import { nodeHmac } from '../../node/crypto.js';
import { RFC6238_SEEDS_ASCII, RFC6238_TOTP } from '../vectors/rfc.js';

const S = 'JBSWY3DPEHPK3PXP'; // 80 bits, the Key Uri Format's own example
const AWS_SECRET = 'JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ'; // 64 characters, like AWS's
const TOTP_DEFAULTS = { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30 } as const;

type Expected = Partial<OtpauthData> & { readonly issuer: string; readonly label: string };

const VALID: readonly (readonly [name: string, uri: string, expected: Expected])[] = [
  ['Key Uri Format example', `otpauth://totp/Example:alice@google.com?secret=${S}&issuer=Example`,
    { ...TOTP_DEFAULTS, issuer: 'Example', label: 'alice@google.com', secret: S }],
  ['issuer parameter wins over the label prefix', `otpauth://totp/Old%20Name:alice?secret=${S}&issuer=New%20Name`,
    { issuer: 'New Name', label: 'alice' }],
  ['label prefix when there is no issuer parameter', `otpauth://totp/ACME%20Co:john.doe%40email.com?secret=${S}`,
    { issuer: 'ACME Co', label: 'john.doe@email.com' }],
  ['label prefix when the issuer parameter is empty', `otpauth://totp/ACME:john?secret=${S}&issuer=`,
    { issuer: 'ACME', label: 'john' }],
  ['issuer parameter only', `otpauth://totp/alice?secret=${S}&issuer=Example`, { issuer: 'Example', label: 'alice' }],
  ['neither', `otpauth://totp/alice?secret=${S}`, { issuer: '', label: 'alice' }],
  ['percent-encoded colon separates issuer and account', `otpauth://totp/ACME%20Co%3Ajohn?secret=${S}`,
    { issuer: 'ACME Co', label: 'john' }],
  ['space after the colon is dropped', `otpauth://totp/ACME:%20john?secret=${S}`, { issuer: 'ACME', label: 'john' }],
  ['%20 in the label and + in the issuer parameter are spaces', `otpauth://totp/My%20Bank:Alice%20Smith?secret=${S}&issuer=My+Bank`,
    { issuer: 'My Bank', label: 'Alice Smith' }],
  ['%20 in the issuer parameter is a space', `otpauth://totp/x?secret=${S}&issuer=Amazon%20Web%20Services`,
    { issuer: 'Amazon Web Services', label: 'x' }],
  ['+ in the label is a literal plus (RFC 3986 path)', `otpauth://totp/Example:alice+work@example.com?secret=${S}&issuer=Example`,
    { issuer: 'Example', label: 'alice+work@example.com' }],
  ['%2B in the issuer parameter is a plus', `otpauth://totp/Disney%2B:bob?secret=${S}&issuer=Disney%2B`,
    { issuer: 'Disney+', label: 'bob' }],
  ['UTF-8 names', `otpauth://totp/B%C3%BCro%20M%C3%BCller:J%C3%BCrgen?secret=${S}`, { issuer: 'Büro Müller', label: 'Jürgen' }],
  ['AWS form with issuer',
    `otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=${AWS_SECRET}&issuer=Amazon%20Web%20Services`,
    { ...TOTP_DEFAULTS, issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: AWS_SECRET }],
  ['older AWS form without issuer', `otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=${AWS_SECRET}`,
    { ...TOTP_DEFAULTS, issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: AWS_SECRET }],
  ['AWS root account (name is the account id)', `otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456789012?secret=${AWS_SECRET}&issuer=Amazon%20Web%20Services`,
    { issuer: 'Amazon Web Services', label: 'root-account-mfa-device@123456789012' }],
  ['lower-case algorithm', `otpauth://totp/a?secret=${S}&algorithm=sha256`, { issuer: '', label: 'a', algorithm: 'SHA256' }],
  ['SHA-256 spelling', `otpauth://totp/a?secret=${S}&algorithm=SHA-256`, { issuer: '', label: 'a', algorithm: 'SHA256' }],
  ['sha-512 spelling', `otpauth://totp/a?secret=${S}&algorithm=sha-512`, { issuer: '', label: 'a', algorithm: 'SHA512' }],
  ['SHA1 explicit', `otpauth://totp/a?secret=${S}&algorithm=SHA1`, { issuer: '', label: 'a', algorithm: 'SHA1' }],
  ['8 digits, 60 s', `otpauth://totp/a?secret=${S}&digits=8&period=60`, { issuer: '', label: 'a', digits: 8, period: 60 }],
  ['7 digits, 15 s', `otpauth://totp/a?secret=${S}&digits=7&period=15`, { issuer: '', label: 'a', digits: 7, period: 15 }],
  ['90 s period', `otpauth://totp/a?secret=${S}&period=90`, { issuer: '', label: 'a', period: 90 }],
  ['hotp with counter', `otpauth://hotp/Example:alice?secret=${S}&issuer=Example&counter=5`,
    { type: 'hotp', issuer: 'Example', label: 'alice', counter: 5, period: 30, algorithm: 'SHA1', digits: 6 }],
  ['hotp with counter 0 and 8 digits', `otpauth://hotp/a?secret=${S}&counter=0&digits=8`,
    { type: 'hotp', issuer: '', label: 'a', counter: 0, digits: 8 }],
  ['hotp with a counter above 2^32', `otpauth://hotp/a?secret=${S}&counter=1099511627776`,
    { type: 'hotp', issuer: '', label: 'a', counter: 2 ** 40 }],
  ['hotp ignores a period', `otpauth://hotp/a?secret=${S}&counter=1&period=60`, { type: 'hotp', issuer: '', label: 'a', period: 30 }],
  ['upper-case scheme and type', `OTPAUTH://TOTP/a?secret=${S}`, { type: 'totp', issuer: '', label: 'a' }],
  ['lower-case secret with spaces and padding', `otpauth://totp/a?secret=mzxw%206ytb%20mzxw%206ytb%20my======`,
    { issuer: '', label: 'a', secret: 'MZXW6YTBMZXW6YTBMY' }],
  ['upper-case parameter names', `otpauth://totp/a?SECRET=${S}&Issuer=X&DIGITS=8`, { issuer: 'X', label: 'a', digits: 8 }],
  ['a repeated parameter: the first wins', `otpauth://totp/a?secret=${S}&digits=8&digits=6&issuer=A&issuer=B`,
    { issuer: 'A', label: 'a', digits: 8 }],
  ['unknown parameters ignored', `otpauth://totp/a?secret=${S}&image=https%3A%2F%2Fexample.com%2Fx.png&foo`, { issuer: '', label: 'a' }],
  ['fragment ignored', `otpauth://totp/a?secret=${S}#section`, { issuer: '', label: 'a' }],
  ['surrounding white space ignored', `  otpauth://totp/a?secret=${S}\n`, { issuer: '', label: 'a' }],
  ['empty label', `otpauth://totp/?secret=${S}&issuer=Example`, { issuer: 'Example', label: '' }],
  ['no label at all', `otpauth://totp?secret=${S}`, { issuer: '', label: '' }],
  ['leading zeros in numbers', `otpauth://totp/a?secret=${S}&digits=08&period=030`, { issuer: '', label: 'a', digits: 8, period: 30 }],
];

const INVALID: readonly (readonly [name: string, input: string, code: string])[] = [
  ['wrong scheme http', 'http://example.com/totp?secret=JBSWY3DPEHPK3PXP', 'URI_WRONG_SCHEME'],
  ['wrong scheme https', `https://otpauth/totp/a?secret=${S}`, 'URI_WRONG_SCHEME'],
  ['wrong scheme mailto', 'mailto:alice@example.com', 'URI_WRONG_SCHEME'],
  ['not a URI: words', 'hello world', 'URI_NOT_A_URI'],
  ['not a URI: a bare secret', S, 'URI_NOT_A_URI'],
  ['not a URI: empty', '', 'URI_NOT_A_URI'],
  ['not a URI: only spaces', '   ', 'URI_NOT_A_URI'],
  ['Google export', 'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGGFsaWNlQGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACEAEYASAA', 'URI_IS_MIGRATION'],
  ['Google export, upper case', 'OTPAUTH-MIGRATION://offline?data=abc', 'URI_IS_MIGRATION'],
  ['no // after the scheme', `otpauth:totp/a?secret=${S}`, 'URI_MALFORMED'],
  ['unknown type', `otpauth://steam/a?secret=${S}`, 'URI_BAD_TYPE'],
  ['missing type', `otpauth:///a?secret=${S}`, 'URI_BAD_TYPE'],
  ['missing secret', 'otpauth://totp/Example:alice?issuer=Example', 'URI_MISSING_SECRET'],
  ['no query at all', 'otpauth://totp/Example:alice', 'URI_MISSING_SECRET'],
  ['empty secret', 'otpauth://totp/a?secret=&issuer=Example', 'URI_MISSING_SECRET'],
  ['secret with only spaces', 'otpauth://totp/a?secret=%20%20', 'SECRET_EMPTY'],
  ['bad base32: digit 0', 'otpauth://totp/a?secret=JBSWY3DP0HPK3PXP', 'SECRET_INVALID_CHARACTER'],
  ['bad base32: punctuation', 'otpauth://totp/a?secret=JBSWY3DP%2FHPK3PXP', 'SECRET_INVALID_CHARACTER'],
  ['bad base32: too short', 'otpauth://totp/a?secret=JBSWY3DP', 'SECRET_TOO_SHORT'],
  ['bad base32: impossible length', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXPA', 'SECRET_INVALID_LENGTH'],
  ['bad base32: too long', `otpauth://totp/a?secret=${'A'.repeat(400)}`, 'SECRET_TOO_LONG'],
  ['digits 5', `otpauth://totp/a?secret=${S}&digits=5`, 'URI_BAD_DIGITS'],
  ['digits 9', `otpauth://totp/a?secret=${S}&digits=9`, 'URI_BAD_DIGITS'],
  ['digits "six"', `otpauth://totp/a?secret=${S}&digits=six`, 'URI_BAD_DIGITS'],
  ['digits empty', `otpauth://totp/a?secret=${S}&digits=`, 'URI_BAD_DIGITS'],
  ['digits 6.0', `otpauth://totp/a?secret=${S}&digits=6.0`, 'URI_BAD_DIGITS'],
  ['period 0', `otpauth://totp/a?secret=${S}&period=0`, 'URI_BAD_PERIOD'],
  ['period -1', `otpauth://totp/a?secret=${S}&period=-1`, 'URI_BAD_PERIOD'],
  ['period 1e9', `otpauth://totp/a?secret=${S}&period=1e9`, 'URI_BAD_PERIOD'],
  ['period 1000000000', `otpauth://totp/a?secret=${S}&period=1000000000`, 'URI_BAD_PERIOD'],
  ['period 30.5', `otpauth://totp/a?secret=${S}&period=30.5`, 'URI_BAD_PERIOD'],
  ['period "thirty"', `otpauth://totp/a?secret=${S}&period=thirty`, 'URI_BAD_PERIOD'],
  ['algorithm MD5', `otpauth://totp/a?secret=${S}&algorithm=MD5`, 'URI_BAD_ALGORITHM'],
  ['algorithm SHA384', `otpauth://totp/a?secret=${S}&algorithm=SHA384`, 'URI_BAD_ALGORITHM'],
  ['algorithm empty', `otpauth://totp/a?secret=${S}&algorithm=`, 'URI_BAD_ALGORITHM'],
  ['HOTP without counter', `otpauth://hotp/a?secret=${S}`, 'URI_MISSING_COUNTER'],
  ['HOTP with empty counter', `otpauth://hotp/a?secret=${S}&counter=`, 'URI_MISSING_COUNTER'],
  ['HOTP with counter -1', `otpauth://hotp/a?secret=${S}&counter=-1`, 'URI_BAD_COUNTER'],
  ['HOTP with counter "abc"', `otpauth://hotp/a?secret=${S}&counter=abc`, 'URI_BAD_COUNTER'],
  ['HOTP with counter above 2^53', `otpauth://hotp/a?secret=${S}&counter=9007199254740993`, 'URI_BAD_COUNTER'],
  ['over-long input', `otpauth://totp/a?secret=${S}&issuer=${'x'.repeat(URI_LIMITS.MAX_LENGTH)}`, 'URI_TOO_LONG'],
  ['huge pasted text', 'otpauth://totp/a?secret=' + 'A'.repeat(1_000_000), 'URI_TOO_LONG'],
  ['broken percent-encoding in the label', `otpauth://totp/ali%ce?secret=${S}`, 'URI_BAD_ENCODING'],
  ['stray % at the end of the label', `otpauth://totp/alice%?secret=${S}`, 'URI_BAD_ENCODING'],
  ['invalid UTF-8 in the label', `otpauth://totp/%FF%FE?secret=${S}`, 'URI_BAD_ENCODING'],
  ['broken percent-encoding in the issuer', `otpauth://totp/a?secret=${S}&issuer=100%`, 'URI_BAD_ENCODING'],
  ['broken percent-encoding in the secret', 'otpauth://totp/a?secret=JBSW%Y3DPEHPK3PXP', 'URI_BAD_ENCODING'],
  ['control character (BEL) in the label', `otpauth://totp/ali%07ce?secret=${S}`, 'URI_CONTROL_CHARACTER'],
  ['newline inside the label', `otpauth://totp/Example:ali%0Ace?secret=${S}`, 'URI_CONTROL_CHARACTER'],
  ['escape sequence in the issuer', `otpauth://totp/a?secret=${S}&issuer=%1B%5B31mRed`, 'URI_CONTROL_CHARACTER'],
  ['DEL in the label prefix', `otpauth://totp/Ex%7Fample:a?secret=${S}`, 'URI_CONTROL_CHARACTER'],
  ['C1 control in the label', `otpauth://totp/a%C2%85b?secret=${S}`, 'URI_CONTROL_CHARACTER'],
  ['right-to-left override in the label', `otpauth://totp/Example:alice%E2%80%AEmoc.evil?secret=${S}`, 'URI_CONTROL_CHARACTER'],
  ['name longer than 256 characters', `otpauth://totp/${'a'.repeat(300)}?secret=${S}`, 'URI_NAME_TOO_LONG'],
];

function errorOf(fn: () => unknown): AuthdeskError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthdeskError);
    return error as AuthdeskError;
  }
  throw new Error('expected an error');
}

describe('parseOtpauthUri: valid links', () => {
  it.each(VALID)('%s', (_name, uri, expected) => {
    const parsed = parseOtpauthUri(uri);
    expect(parsed).toMatchObject(expected);
    // Every field is present and well-formed, whatever the table row checks.
    expect(parsed.secret).toMatch(/^[A-Z2-7]{16,}$/);
    if (parsed.type === 'totp') expect(parsed.counter).toBeUndefined();
    else expect(Number.isSafeInteger(parsed.counter)).toBe(true);
  });

  it('defaults: SHA1, 6 digits, 30 s', () => {
    expect(parseOtpauthUri(`otpauth://totp/a?secret=${S}`)).toEqual({ ...TOTP_DEFAULTS, issuer: '', label: 'a', secret: S });
  });

  it('the parsed AWS secret produces the RFC codes when it is the RFC seed', () => {
    // RFC 6238's SHA1 seed as base32 in an AWS-shaped link: the codes are the RFC's (8 digits here).
    const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const parsed = parseOtpauthUri(`otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=${seed}&issuer=Amazon%20Web%20Services&digits=8`);
    const key = decodeBase32Secret(parsed.secret);
    expect(Buffer.from(key).toString('latin1')).toBe(RFC6238_SEEDS_ASCII.SHA1);
    for (const v of RFC6238_TOTP.filter((x) => x.algorithm === 'SHA1')) {
      expect(totp(key, v.time * 1000, parsed, nodeHmac)).toBe(v.totp);
    }
  });
});

describe('parseOtpauthUri: malformed links each get their own error', () => {
  it.each(INVALID)('%s -> %s', (_name, input, code) => {
    const error = errorOf(() => parseOtpauthUri(input));
    expect(error.code).toBe(code);
    // A sentence for a person, with nothing unfilled.
    expect(error.message.length).toBeGreaterThan(20);
    expect(error.message).toMatch(/^[A-Z"]/);
    expect(error.message).toMatch(/[.!?…]$/);
    expect(error.message).not.toMatch(/undefined|null|NaN|\[object/);
    expect(toUserFacing(error)).toMatchObject({ code, message: error.message });
  });

  it('never echoes a secret it refuses', () => {
    for (const [, input] of INVALID) {
      const secret = /secret=([^&#]{16,})/.exec(input)?.[1];
      if (secret === undefined) continue;
      expect(errorOf(() => parseOtpauthUri(input)).message).not.toContain(secret.slice(0, 12));
    }
  });

  it('the table covers every error code the parser has', () => {
    const codes = new Set(INVALID.map(([, , code]) => code));
    for (const code of ['URI_WRONG_SCHEME', 'URI_NOT_A_URI', 'URI_IS_MIGRATION', 'URI_MALFORMED', 'URI_BAD_TYPE', 'URI_MISSING_SECRET',
      'URI_BAD_DIGITS', 'URI_BAD_PERIOD', 'URI_BAD_ALGORITHM', 'URI_MISSING_COUNTER', 'URI_BAD_COUNTER', 'URI_TOO_LONG',
      'URI_BAD_ENCODING', 'URI_CONTROL_CHARACTER', 'URI_NAME_TOO_LONG']) {
      expect(codes.has(code), code).toBe(true);
    }
  });
});

describe('formatOtpauthUri', () => {
  const ISSUERS = ['', 'Example', 'Amazon Web Services', 'Büro & Co', 'Disney+', '100% real', 'a/b?c#d=e&f', 'Foo:Bar', '日本'];
  const LABELS = ['alice', 'alice@123456789012', 'alice+work@example.com', 'Alice Smith', 'Jürgen', 'x:y', 'per%cent', ''];
  const SHAPES: readonly { algorithm: HashAlgorithm; digits: number; period: number }[] = [
    { algorithm: 'SHA1', digits: 6, period: 30 },
    { algorithm: 'SHA256', digits: 8, period: 60 },
    { algorithm: 'SHA512', digits: 7, period: 15 },
    { algorithm: 'SHA1', digits: 8, period: 90 },
    { algorithm: 'SHA256', digits: 6, period: 86_400 },
    { algorithm: 'SHA512', digits: 6, period: 1 },
  ];
  const SECRETS = [S, AWS_SECRET, 'MZXW6YTBMZXW6YTBMY', 'A'.repeat(205)];

  const cases: OtpauthData[] = [];
  let n = 0;
  for (const issuer of ISSUERS) {
    for (const label of LABELS) {
      // The Key Uri Format forbids a colon in names; with no issuer, "x:y" reads as issuer "x".
      if (issuer === '' && label.includes(':')) continue;
      for (const shape of SHAPES) {
        const secret = SECRETS[n++ % SECRETS.length]!;
        cases.push({ type: 'totp', issuer, label, secret, ...shape });
        cases.push({ type: 'hotp', issuer, label, secret, algorithm: shape.algorithm, digits: shape.digits, period: 30, counter: [0, 1, 41, 2 ** 40][n % 4]! });
      }
    }
  }

  it(`parse(format(x)) === x for ${cases.length} shapes`, () => {
    expect(cases.length).toBeGreaterThan(500);
    for (const data of cases) {
      const uri = formatOtpauthUri(data);
      expect(uri.length).toBeLessThanOrEqual(URI_LIMITS.MAX_LENGTH);
      expect(parseOtpauthUri(uri), uri).toEqual(data);
      // Formatting is canonical: a second trip gives the same text.
      expect(formatOtpauthUri(parseOtpauthUri(uri))).toBe(uri);
    }
  });

  it('writes the Key Uri Format shape: Issuer:account label, issuer parameter, %20 for spaces, defaults omitted', () => {
    expect(formatOtpauthUri({ ...TOTP_DEFAULTS, issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: AWS_SECRET }))
      .toBe(`otpauth://totp/Amazon%20Web%20Services:alice%40123456789012?secret=${AWS_SECRET}&issuer=Amazon%20Web%20Services`);
    expect(formatOtpauthUri({ ...TOTP_DEFAULTS, issuer: '', label: 'alice', secret: S })).toBe(`otpauth://totp/alice?secret=${S}`);
    expect(formatOtpauthUri({ type: 'hotp', issuer: 'X', label: 'a', secret: S, algorithm: 'SHA256', digits: 8, period: 30, counter: 7 }))
      .toBe(`otpauth://hotp/X:a?secret=${S}&issuer=X&algorithm=SHA256&digits=8&counter=7`);
    expect(formatOtpauthUri({ ...TOTP_DEFAULTS, issuer: 'Disney+', label: 'a b', secret: S, period: 60 }))
      .toBe(`otpauth://totp/Disney%2B:a%20b?secret=${S}&issuer=Disney%2B&period=60`);
  });

  it('re-parses every valid table row to the same data', () => {
    for (const [, uri] of VALID) {
      const parsed = parseOtpauthUri(uri);
      if (parsed.issuer === '' && parsed.label.includes(':')) continue;
      expect(parseOtpauthUri(formatOtpauthUri(parsed))).toEqual(parsed);
    }
  });
});

describe('maskSecret', () => {
  it('reveals no character of the secret, only its length', () => {
    for (const secret of [S, AWS_SECRET]) {
      const masked = maskSecret(secret);
      expect(masked).toContain(`${secret.length} characters`);
      expect(masked.replace(/\(\d+ characters\)/, '')).not.toMatch(/[A-Z2-7]/);
    }
  });
});
