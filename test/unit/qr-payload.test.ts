import { describe, expect, it } from 'vitest';
import { classifyPayload, safeDisplayText, NOT_AUTHENTICATOR_MESSAGE } from '../../core/qr/payload.js';
import { accountsFromPayloads } from '../../node/qr/scan.js';
import { escapeForTerminal } from '../../core/text/terminal.js';
import { oracleUri } from '../helpers/qr-protobuf.js';
import { isAuthdeskError } from '../../core/errors.js';

const AWS = 'otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services';
const secret20 = Uint8Array.from({ length: 20 }, (_, i) => i + 1);

describe('classifyPayload', () => {
  it('an AWS otpauth:// link becomes a pre-filled account', () => {
    const c = classifyPayload(AWS);
    expect(c).toEqual({ kind: 'otpauth', account: { type: 'totp', issuer: 'Amazon Web Services', label: 'alice@123456789012', secret: 'JBSWY3DPEHPK3PXP'.repeat(4), algorithm: 'SHA1', digits: 6, period: 30 } });
  });

  it('a Google export becomes its accounts with the batch position', () => {
    const c = classifyPayload(oracleUri({ otp: [{ secret: secret20, name: 'a', issuer: 'A', type: 2 }, { secret: secret20, name: 'b', type: 1, counter: 3 }], batchSize: 3, batchIndex: 1, batchId: 7 }));
    expect(c.kind).toBe('migration');
    if (c.kind !== 'migration') return;
    expect(c.accounts.map((a) => [a.type, a.label])).toEqual([['totp', 'a'], ['hotp', 'b']]);
    expect(c).toMatchObject({ batchIndex: 1, batchSize: 3, batchId: 7 });
  });

  it('a malformed authenticator link says what is wrong', () => {
    const c = classifyPayload('otpauth://totp/x?secret=');
    expect(c).toMatchObject({ kind: 'invalid', scheme: 'otpauth', error: { code: 'URI_MISSING_SECRET' } });
    expect(classifyPayload('otpauth-migration://offline?data=!!')).toMatchObject({ kind: 'invalid', scheme: 'otpauth-migration', error: { code: 'MIGRATION_MALFORMED' } });
  });

  it('anything else is "not an authenticator code", with hostile text neutralised', () => {
    const hostile = `https://evil.example/\u202Egnp.exe\u001b[2J\u0007\nline2\u200b${'x'.repeat(500)}`;
    const c = classifyPayload(hostile);
    expect(c.kind).toBe('other');
    if (c.kind !== 'other') return;
    expect(c.message).toBe(NOT_AUTHENTICATOR_MESSAGE);
    expect(c.display).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u200b]/);
    expect(c.display.startsWith('https://evil.example/gnp.exe[2J line2xxx')).toBe(true);
    expect([...c.display].length).toBe(200);
    expect(c.display.endsWith('…')).toBe(true);
  });

  it('never throws, whatever the text', () => {
    for (const text of ['', ' ', 'otpauth:', 'OTPAUTH://TOTP/', 'otpauth-migration:', '\ud800', 'a'.repeat(100_000), 'WIFI:S:home;T:WPA;P:pw;;']) {
      expect(() => classifyPayload(text)).not.toThrow();
    }
  });
});

describe('safeDisplayText', () => {
  it('keeps ordinary text, including non-Latin scripts and emoji', () => {
    expect(safeDisplayText('Café 東京 👍 مرحبا')).toBe('Café 東京 👍 مرحبا');
  });
  it('removes lone surrogates and zero-width joiners used for spoofing', () => {
    expect(safeDisplayText('a\ud800b\u2066c\u2069d\ufeff')).toBe('abcd');
  });
});

describe('accountsFromPayloads', () => {
  const code = (error: unknown) => (isAuthdeskError(error) ? error.code : String(error));
  it('no payload -> QR_NOT_FOUND; only other text -> QR_NOT_AUTHENTICATOR with the safe text', () => {
    expect(() => accountsFromPayloads([])).toThrow(expect.objectContaining({ code: 'QR_NOT_FOUND' }));
    try {
      accountsFromPayloads(['hello\u001b[31m world']);
      throw new Error('expected an error');
    } catch (error) {
      expect(code(error)).toBe('QR_NOT_AUTHENTICATOR');
      expect((error as Error).message).toBe('This QR code is not an authenticator code. It contains: "hello[31m world"');
    }
  });

  it('collects accounts from several codes and warns about missing batches and other codes', () => {
    const batch = (index: number) => oracleUri({ otp: [{ secret: secret20, name: `m${index}`, type: 2 }], batchSize: 3, batchIndex: index, batchId: 42 });
    const result = accountsFromPayloads([AWS, batch(0), batch(2), 'https://example.com']);
    expect(result.accounts.map((a) => a.label)).toEqual(['alice@123456789012', 'm0', 'm2']);
    expect(result.warnings).toEqual([
      'Another QR code in the image is not an authenticator code: "https://example.com"',
      'This Google Authenticator export has 3 QR codes and this image holds only number 1, 3: scan the other 1 too to import all accounts.',
    ]);
  });

  it('a link that is malformed is explained', () => {
    expect(() => accountsFromPayloads(['otpauth://totp/x?secret=1111111111111111'])).toThrow(expect.objectContaining({ code: 'QR_INVALID_AUTHENTICATOR_CODE' }));
  });
});

describe('escapeForTerminal', () => {
  it('keeps a payload on one line and terminal escapes inert', () => {
    expect(escapeForTerminal('a\nb\u001b[31mc\\d\u202e')).toBe('a\\u000ab\\u001b[31mc\\d\\u202e');
    expect(escapeForTerminal(AWS)).toBe(AWS);
  });
});
