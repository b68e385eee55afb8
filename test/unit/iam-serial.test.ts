import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { checkDeviceName, checkDevicePath, parseMfaSerial } from '../../core/iam/serial.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAuthdeskError(error) ? error.code : 'not-authdesk';
  }
  return undefined;
}

describe('MFA serial ARNs', () => {
  it.each([
    ['arn:aws:iam::123456789012:mfa/laptop', 'aws', '123456789012', '/', 'laptop'],
    ['  arn:aws:iam::123456789012:mfa/team/sub/alice.phone  ', 'aws', '123456789012', '/team/sub/', 'alice.phone'],
    ['arn:aws-cn:iam::000000000001:mfa/x+y=z,a@b-c_d', 'aws-cn', '000000000001', '/', 'x+y=z,a@b-c_d'],
    ['arn:aws-us-gov:iam::999999999999:mfa/root-account-mfa-device', 'aws-us-gov', '999999999999', '/', 'root-account-mfa-device'],
  ])('parses %s', (text, partition, accountId, path, name) => {
    expect(parseMfaSerial(text)).toEqual({ arn: text.trim(), partition, accountId, path, name });
  });

  it('catches a user ARN with a message of its own and the likely device ARN', () => {
    try {
      parseMfaSerial('arn:aws:iam::123456789012:user/staff/alice');
      expect.unreachable();
    } catch (error) {
      expect(isAuthdeskError(error, 'AWS_SERIAL_IS_USER_ARN')).toBe(true);
      expect((error as Error).message).toContain(':user/');
      expect((error as Error).message).toContain('arn:aws:iam::123456789012:mfa/alice');
    }
  });

  it.each([
    ['', 'AWS_SERIAL_EMPTY'],
    ['arn:aws:iam::1234-5678-9012:mfa/laptop', 'AWS_SERIAL_INVALID'],
    ['arn:aws:iam::12345678901:mfa/laptop', 'AWS_SERIAL_INVALID'],
    ['arn:aws:iam::123456789012:mfa/', 'AWS_SERIAL_INVALID'],
    ['arn:aws:iam::123456789012:mfa/has space', 'AWS_SERIAL_INVALID'],
    ['arn:aws:sts::123456789012:assumed-role/Admin/alice', 'AWS_SERIAL_NOT_MFA'],
    ['GAHT12345678', 'AWS_SERIAL_HARDWARE'],
    ['laptop', 'AWS_SERIAL_INVALID'],
  ])('rejects %j as %s', (text, code) => {
    expect(codeOf(() => parseMfaSerial(text))).toBe(code);
  });

  it('validates device names and paths as IAM does', () => {
    expect(checkDeviceName(' laptop ')).toBe('laptop');
    expect(codeOf(() => checkDeviceName('my laptop'))).toBe('AWS_DEVICE_NAME_INVALID');
    expect(codeOf(() => checkDeviceName('x'.repeat(227)))).toBe('AWS_DEVICE_NAME_INVALID');
    expect(checkDevicePath('/team/')).toBe('/team/');
    expect(codeOf(() => checkDevicePath('team'))).toBe('AWS_DEVICE_PATH_INVALID');
    expect(codeOf(() => checkDevicePath('/team'))).toBe('AWS_DEVICE_PATH_INVALID');
  });
});
