/**
 * The IamPort over @aws-sdk/client-iam. The SDK is imported lazily (dynamic import), so modules
 * loaded by unrelated commands (authdesk code) never pull it in.
 *
 * What the SDK does by itself, and we rely on (verified by test/integration/iam-adapter.test.ts):
 * - credentials: the default chain (env, shared files, SSO, process, IMDS) with `profile`;
 * - endpoint: AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL and a profile's endpoint_url / services section;
 * - clock: after every response (including errors) config.systemClockOffset = Date header - local time,
 *   and requests are signed on the corrected clock.
 * Authdesk never reads, stores or logs the credentials themselves.
 */
import { AwsError } from '../../core/errors.js';
import { arnAccount } from '../../core/iam/serial.js';
import type { AssignmentStatus, IamPort, IamUser, MfaDeviceInfo, VirtualMfaDeviceInfo } from '../../core/iam/port.js';
import { profileIamEndpoint } from './endpoint.js';
import { awsErrorCode, mapAwsError } from './errors.js';
import { AWS_ERRORS } from '../../core/iam/port.js';

/** AccessDenied "with an explicit deny" (Force_MFA's Deny); an implicit deny is not helped by MFA. */
function deniedExplicitly(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; message?: string } | undefined;
  return e !== undefined && awsErrorCode(e) === 'AccessDenied' && /explicit deny/i.test(e.message ?? '');
}

/** The client signs with long-term keys (no session token): only those lack aws:MultiFactorAuthPresent. */
async function usesLongTermKeys(client: { config: { credentials: () => Promise<{ sessionToken?: string }> } }): Promise<boolean> {
  try {
    return !(await client.config.credentials()).sessionToken;
  } catch {
    return false;
  }
}

type IamModule = typeof import('@aws-sdk/client-iam');
type IamClientType = import('@aws-sdk/client-iam').IAMClient;

/** Temporary credentials of an MFA session (node/aws/mfa-session.ts), for the automatic retry. */
export interface MfaSessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** The device whose code made the session. */
  readonly serialNumber: string;
}

/**
 * Gets an MFA session for the caller (undefined when the vault holds no device of the caller).
 * Injected, so this module stays free of the vault and STS.
 */
export type MfaSessionProvider = () => Promise<MfaSessionCredentials | undefined>;

export interface AwsClientOptions {
  /** A profile of the shared config files; default: AWS_PROFILE or "default" (the SDK's rule). */
  readonly profile?: string;
  /** IAM is global; its signing region is us-east-1 (other partitions: set the profile's region). */
  readonly region?: string;
  /** Per-request socket timeout. */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** SDK attempts per call (retries throttling, 5xx and network errors with backoff). */
  readonly maxAttempts?: number;
  /**
   * Force_MFA (docs/aws.md, "The automatic MFA session"): when a call with long-term keys is denied
   * by an explicit deny, get an MFA session from this provider and retry the call once with it.
   */
  readonly mfaSession?: MfaSessionProvider;
  /** A sentence for the person when that happens (stderr in the CLI, a message in the app). */
  readonly onNote?: (message: string) => void;
}

export const AWS_CLIENT_DEFAULTS = {
  REGION: 'us-east-1',
  /** IAM answers in well under a second; 15 s means the network is gone, not slow. */
  REQUEST_TIMEOUT_MS: 15_000,
  CONNECTION_TIMEOUT_MS: 5_000,
  MAX_ATTEMPTS: 3,
  /**
   * The Date header has 1 s resolution and is truncated, so the SDK's systemClockOffset is on
   * average 0.5 s behind AWS: centre it.
   */
  DATE_RESOLUTION_CORRECTION_MS: 500,
} as const;

let sdk: Promise<IamModule> | undefined;
function loadSdk(): Promise<IamModule> {
  sdk ??= import('@aws-sdk/client-iam');
  return sdk;
}

function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}

export interface SdkIamPort extends IamPort {
  /** Close sockets (the CLI exits promptly; tests clean up). */
  destroy(): void;
  readonly profile: string | undefined;
}

export async function createIamPort(options: AwsClientOptions = {}): Promise<SdkIamPort> {
  const mod = await loadSdk();
  // The SDK ignores `profile` when it looks for endpoint_url (node/aws/endpoint.ts): resolve it here.
  const endpoint = options.profile ? await profileIamEndpoint(options.profile) : undefined;
  const makeClient = (credentials?: MfaSessionCredentials): IamClientType => new mod.IAMClient({
    region: options.region ?? AWS_CLIENT_DEFAULTS.REGION,
    ...(options.profile && !credentials ? { profile: options.profile } : {}),
    ...(credentials ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken } } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: options.maxAttempts ?? AWS_CLIENT_DEFAULTS.MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? AWS_CLIENT_DEFAULTS.REQUEST_TIMEOUT_MS,
      connectionTimeout: options.connectionTimeoutMs ?? AWS_CLIENT_DEFAULTS.CONNECTION_TIMEOUT_MS,
      // Without this, this SDK version only logs a warning when requestTimeout passes and waits on.
      throwOnRequestTimeout: true,
    },
  });
  const client: IamClientType = makeClient();
  /** The MFA session's client, once the automatic retry needed one: later calls use it directly. */
  let mfaClient: IamClientType | undefined;
  let mfaSerial = '';
  let sawResponse = false;
  const context = (action: string) => (options.profile ? { action, profile: options.profile } : { action });

  const clockOf = () => mfaClient ?? client;

  async function attempt<T>(c: IamClientType, run: (c: IamClientType) => Promise<T>): Promise<T> {
    try {
      const out = await run(c);
      sawResponse = true;
      return out;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined) sawResponse = true;
      throw error;
    }
  }

  async function send<T>(action: string, run: (c: IamClientType) => Promise<T>): Promise<T> {
    let firstError: unknown;
    try {
      return await attempt(clockOf(), run);
    } catch (error) {
      firstError = error;
    }
    // Denied for lack of MFA (an explicit deny, long-term keys, a device of the caller in the vault):
    // get an MFA session with a fresh code and retry once (docs/aws.md, "The automatic MFA session").
    if (mfaClient || !options.mfaSession || !deniedExplicitly(firstError) || !(await usesLongTermKeys(client))) {
      throw mapAwsError(firstError, context(action));
    }
    const session = await options.mfaSession();
    if (!session) throw mapAwsError(firstError, context(action));
    mfaClient = makeClient(session);
    mfaSerial = session.serialNumber;
    options.onNote?.(`AWS requires MFA for iam:${action} (Force_MFA): retrying with an MFA session from ${session.serialNumber}.`);
    try {
      return await attempt(mfaClient, run);
    } catch (error) {
      if (awsErrorCode(error as { name?: string }) === 'AccessDenied') {
        throw new AwsError(AWS_ERRORS.ACCESS_DENIED,
          `AWS refuses iam:${action} to these credentials even with MFA (the MFA session from ${mfaSerial} was denied too): the account's policy does not allow it to this user. An IAM administrator (someone allowed iam:${action}, e.g. with AdministratorAccess) can do it.`,
          { cause: error, details: { awsCode: 'AccessDenied', action, withMfa: true } });
      }
      throw mapAwsError(error, context(action));
    }
  }

  const toUser = (u: { UserName?: string; UserId?: string; Arn?: string; Path?: string } | undefined): IamUser => {
    const arn = u?.Arn ?? '';
    const ids = arnAccount(arn);
    if (!u?.UserName || !ids) throw new AwsError('AWS_UNEXPECTED_REPLY', 'AWS answered GetUser without a user name or ARN; try again.');
    return { userName: u.UserName, userId: u.UserId ?? '', arn, path: u.Path ?? '/', accountId: ids.accountId, partition: ids.partition };
  };

  return {
    profile: options.profile,
    destroy: () => {
      client.destroy();
      mfaClient?.destroy();
    },
    serverClockOffsetMs: () => (sawResponse ? (clockOf().config.systemClockOffset ?? 0) + AWS_CLIENT_DEFAULTS.DATE_RESOLUTION_CORRECTION_MS : 0),

    async getUser(userName) {
      const out = await send('GetUser', (c) => c.send(new mod.GetUserCommand(userName ? { UserName: userName } : {})));
      return toUser(out.User);
    },

    async createVirtualMfaDevice(name, path) {
      const out = await send('CreateVirtualMFADevice',
        (c) => c.send(new mod.CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, Path: path })));
      const device = out.VirtualMFADevice;
      const seedBytes = device?.Base32StringSeed;
      if (!device?.SerialNumber || !seedBytes) {
        throw new AwsError('AWS_UNEXPECTED_REPLY', 'AWS created the device but returned no serial number or seed. Delete the device (authdesk aws devices --unassigned) and try again.');
      }
      // The blob holds the ASCII base32 text (DESIGN.md section 5).
      const base32Seed = new TextDecoder('ascii').decode(seedBytes);
      seedBytes.fill(0);
      device.QRCodePNG?.fill(0);
      return { serialNumber: device.SerialNumber, base32Seed };
    },

    async enableMfaDevice(userName, serialNumber, code1, code2) {
      await send('EnableMFADevice', (c) => c.send(new mod.EnableMFADeviceCommand({ UserName: userName, SerialNumber: serialNumber, AuthenticationCode1: code1, AuthenticationCode2: code2 })));
    },

    async resyncMfaDevice(userName, serialNumber, code1, code2) {
      await send('ResyncMFADevice', (c) => c.send(new mod.ResyncMFADeviceCommand({ UserName: userName, SerialNumber: serialNumber, AuthenticationCode1: code1, AuthenticationCode2: code2 })));
    },

    async listMfaDevices(userName) {
      const rows: MfaDeviceInfo[] = [];
      let marker: string | undefined;
      do {
        const out = await send('ListMFADevices',
          (c) => c.send(new mod.ListMFADevicesCommand({ ...(userName ? { UserName: userName } : {}), ...(marker ? { Marker: marker } : {}) })));
        for (const d of out.MFADevices ?? []) {
          const enableDate = iso(d.EnableDate);
          rows.push({ serialNumber: d.SerialNumber ?? '', ...(d.UserName ? { userName: d.UserName } : {}), ...(enableDate ? { enableDate } : {}) });
        }
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return rows;
    },

    async listVirtualMfaDevices(status: AssignmentStatus) {
      const rows: VirtualMfaDeviceInfo[] = [];
      let marker: string | undefined;
      do {
        const out = await send('ListVirtualMFADevices',
          (c) => c.send(new mod.ListVirtualMFADevicesCommand({ AssignmentStatus: status, ...(marker ? { Marker: marker } : {}) })));
        for (const d of out.VirtualMFADevices ?? []) {
          const enableDate = iso(d.EnableDate);
          rows.push({
            serialNumber: d.SerialNumber ?? '',
            ...(d.User?.UserName ? { userName: d.User.UserName } : {}),
            ...(d.User?.Arn ? { userArn: d.User.Arn } : {}),
            ...(enableDate ? { enableDate } : {}),
          });
        }
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return rows;
    },

    async deactivateMfaDevice(userName, serialNumber) {
      await send('DeactivateMFADevice', (c) => c.send(new mod.DeactivateMFADeviceCommand({ SerialNumber: serialNumber, ...(userName ? { UserName: userName } : {}) })));
    },

    async deleteVirtualMfaDevice(serialNumber) {
      await send('DeleteVirtualMFADevice', (c) => c.send(new mod.DeleteVirtualMFADeviceCommand({ SerialNumber: serialNumber })));
    },
  };
}
