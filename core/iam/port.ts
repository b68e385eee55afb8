/**
 * The IAM port: what Authdesk's flows need from IAM, implemented for Node by node/aws/iam-client.ts
 * over @aws-sdk/client-iam (and by test doubles). Every method rejects with an AwsError whose `code`
 * is one of AWS_ERRORS (never an SDK exception), with a sentence for a person and details
 * { awsCode, httpStatus, requestId } when AWS answered.
 */

export interface IamUser {
  readonly userName: string;
  readonly userId: string;
  readonly arn: string;
  readonly path: string;
  readonly accountId: string;
  readonly partition: string;
}

export interface CreatedVirtualMfaDevice {
  readonly serialNumber: string;
  /** The base32 seed text (64 characters from AWS). Callers store it and drop it. */
  readonly base32Seed: string;
}

export interface MfaDeviceInfo {
  readonly serialNumber: string;
  readonly userName?: string;
  /** ISO time. */
  readonly enableDate?: string;
}

export interface VirtualMfaDeviceInfo {
  readonly serialNumber: string;
  /** Present when the device is assigned. */
  readonly userName?: string;
  readonly userArn?: string;
  readonly enableDate?: string;
}

export type AssignmentStatus = 'Assigned' | 'Unassigned' | 'Any';

export interface IamPort {
  /** The caller (no name) or a named user. */
  getUser(userName?: string): Promise<IamUser>;
  createVirtualMfaDevice(name: string, path: string): Promise<CreatedVirtualMfaDevice>;
  enableMfaDevice(userName: string, serialNumber: string, code1: string, code2: string): Promise<void>;
  resyncMfaDevice(userName: string, serialNumber: string, code1: string, code2: string): Promise<void>;
  /** All pages. */
  listMfaDevices(userName?: string): Promise<readonly MfaDeviceInfo[]>;
  /** All pages. */
  listVirtualMfaDevices(status: AssignmentStatus): Promise<readonly VirtualMfaDeviceInfo[]>;
  deactivateMfaDevice(userName: string | undefined, serialNumber: string): Promise<void>;
  deleteVirtualMfaDevice(serialNumber: string): Promise<void>;
  /**
   * AWS's clock minus the local clock (ms), as learned from the Date header of the latest IAM
   * response of this client (the SDK's systemClockOffset). 0 before any response.
   */
  serverClockOffsetMs(): number;
}

/** AwsError codes. Adapters map AWS's error codes (and SDK/network failures) onto these. */
export const AWS_ERRORS = {
  INVALID_CODE: 'AWS_INVALID_CODE', // InvalidAuthenticationCode
  ENTITY_EXISTS: 'AWS_ENTITY_EXISTS', // EntityAlreadyExists
  LIMIT_EXCEEDED: 'AWS_LIMIT_EXCEEDED', // LimitExceeded
  NO_SUCH_ENTITY: 'AWS_NO_SUCH_ENTITY', // NoSuchEntity
  DELETE_CONFLICT: 'AWS_DELETE_CONFLICT', // DeleteConflict
  TEMPORARILY_UNMODIFIABLE: 'AWS_TEMPORARILY_UNMODIFIABLE',
  CONCURRENT_MODIFICATION: 'AWS_CONCURRENT_MODIFICATION',
  ACCESS_DENIED: 'AWS_ACCESS_DENIED',
  NO_CREDENTIALS: 'AWS_NO_CREDENTIALS', // none found in the chain / profile missing
  EXPIRED_CREDENTIALS: 'AWS_EXPIRED_CREDENTIALS', // ExpiredToken, expired SSO session
  INVALID_CREDENTIALS: 'AWS_INVALID_CREDENTIALS', // InvalidClientTokenId, SignatureDoesNotMatch
  CLOCK_SKEW: 'AWS_CLOCK_SKEW', // signature expired / not yet current (machine clock > 15 min off)
  THROTTLED: 'AWS_THROTTLED',
  NETWORK: 'AWS_NETWORK', // connection refused, DNS, reset
  TIMEOUT: 'AWS_TIMEOUT',
  SERVICE_FAILURE: 'AWS_SERVICE_FAILURE',
  VALIDATION: 'AWS_VALIDATION',
  UNKNOWN: 'AWS_UNKNOWN',
} as const;
export type AwsErrorCode = (typeof AWS_ERRORS)[keyof typeof AWS_ERRORS];

/** Errors after which trying the same call again later may succeed (nothing is wrong with the request). */
export const TRANSIENT_AWS_ERRORS: ReadonlySet<string> = new Set([
  AWS_ERRORS.THROTTLED, AWS_ERRORS.NETWORK, AWS_ERRORS.TIMEOUT, AWS_ERRORS.SERVICE_FAILURE,
  AWS_ERRORS.TEMPORARILY_UNMODIFIABLE, AWS_ERRORS.CONCURRENT_MODIFICATION,
]);
