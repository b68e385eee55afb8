/**
 * AWS MFA device serial numbers. A virtual device's serial is its ARN:
 *   arn:<partition>:iam::<12-digit account>:mfa/<path><name>      e.g. arn:aws:iam::123456789012:mfa/laptop
 * The commonest mistake is pasting the *user's* ARN (…:user/alice) from the console's summary page;
 * it gets a message of its own. Hardware tokens have plain serials (GAHT12345678) and are not
 * something Authdesk can be.
 */
import { AwsError } from '../errors.js';

export interface MfaSerial {
  readonly arn: string;
  readonly partition: string;
  readonly accountId: string;
  /** "/" or "/team/". */
  readonly path: string;
  readonly name: string;
}

/** Device names as IAM allows them (VirtualMFADeviceName): 1-226 of [\w+=,.@-]. */
export const DEVICE_NAME_PATTERN = /^[\w+=,.@-]{1,226}$/;
/** IAM paths: "/" or "/a/b/" of printable ASCII, up to 512 characters. */
export const DEVICE_PATH_PATTERN = /^(\/|\/[\u0021-\u007e]{1,510}\/)$/;

const ARN_PATTERN = /^arn:(aws|aws-[a-z0-9-]+):iam::(\d{12}):mfa(\/(?:[\u0021-\u007e]*\/)?)?([\w+=,.@-]{1,226})$/;
const EXAMPLE = 'arn:aws:iam::123456789012:mfa/device-name';

export function parseMfaSerial(input: string): MfaSerial {
  const text = input.trim();
  if (!text) throw new AwsError('AWS_SERIAL_EMPTY', `Enter the MFA device's ARN (${EXAMPLE}).`);
  const match = ARN_PATTERN.exec(text);
  if (match) {
    const [, partition = 'aws', accountId = '', rawPath = '/', name = ''] = match;
    const path = rawPath || '/';
    return { arn: text, partition, accountId, path, name };
  }
  const user = /^arn:([a-z0-9-]+):iam::(\d{12}):user(\/.*)$/.exec(text);
  if (user) {
    const name = user[3]?.split('/').filter(Boolean).pop() ?? 'name';
    throw new AwsError(
      'AWS_SERIAL_IS_USER_ARN',
      `That is the ARN of the IAM user "${name}" (…:user/…), not of an MFA device. A device's ARN has ":mfa/" instead, e.g. arn:${user[1]}:iam::${user[2]}:mfa/${name}; the console lists it under the user's Security credentials, "Assigned MFA device".`,
      { details: { suggestion: `arn:${user[1]}:iam::${user[2]}:mfa/${name}` } },
    );
  }
  if (/^arn:[a-z0-9-]+:(sts|iam)::\d{12}:(assumed-role|role|federated-user)\//.test(text)) {
    throw new AwsError('AWS_SERIAL_NOT_MFA', `That is the ARN of a role or session, not of an MFA device (${EXAMPLE}).`);
  }
  const dashed = /^arn:([a-z0-9-]+):iam::(\d{4})-(\d{4})-(\d{4}):mfa\//.exec(text);
  if (dashed) {
    throw new AwsError('AWS_SERIAL_INVALID', `Write the account number without dashes: arn:${dashed[1]}:iam::${dashed[2]}${dashed[3]}${dashed[4]}:mfa/… (12 digits).`);
  }
  const account = /^arn:[a-z0-9-]+:iam::([^:]*):mfa\//.exec(text);
  if (account) {
    throw new AwsError('AWS_SERIAL_INVALID', `"${account[1]}" is not an AWS account number: it has exactly 12 digits (${EXAMPLE}).`);
  }
  if (/^[A-Z]{4}\d{8}$|^[A-Z0-9]{6,20}$/.test(text) && !text.startsWith('arn')) {
    throw new AwsError('AWS_SERIAL_HARDWARE', `"${text}" looks like a hardware token's serial number. Authdesk is a virtual MFA device; its serial is an ARN (${EXAMPLE}).`);
  }
  throw new AwsError('AWS_SERIAL_INVALID', `"${text.slice(0, 120)}" is not an MFA device ARN. It looks like ${EXAMPLE} (partition, 12-digit account, "mfa/" and the device's path and name).`);
}

/** The serial a new virtual device gets: arn:<partition>:iam::<account>:mfa<path><name>. */
export function serialFor(partition: string, accountId: string, path: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:mfa${path}${name}`;
}

export function checkDeviceName(name: string): string {
  const n = name.trim();
  if (!DEVICE_NAME_PATTERN.test(n)) {
    throw new AwsError('AWS_DEVICE_NAME_INVALID', `"${n.slice(0, 60)}" cannot be an MFA device name: use 1 to 226 letters, digits and + = , . @ _ - (no spaces).`);
  }
  return n;
}

export function checkDevicePath(path: string): string {
  const p = path.trim();
  if (!DEVICE_PATH_PATTERN.test(p)) {
    throw new AwsError('AWS_DEVICE_PATH_INVALID', `"${p.slice(0, 60)}" is not an IAM path: it is "/" or starts and ends with "/" (e.g. /team/).`);
  }
  return p;
}

/** Partition and account from an IAM ARN (user or device). */
export function arnAccount(arn: string): { partition: string; accountId: string } | undefined {
  const m = /^arn:([a-z0-9-]+):iam::(\d{12}):/.exec(arn);
  return m ? { partition: m[1]!, accountId: m[2]! } : undefined;
}
