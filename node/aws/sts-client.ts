/**
 * The StsPort (core/aws/session-flow.ts) over @aws-sdk/client-sts, loaded lazily: only the
 * uncached path of `authdesk aws credentials` and the automatic MFA session pay for the SDK.
 *
 * - Source credentials: the SDK's default chain for the profile, resolved once here, so we can tell
 *   long-term keys from temporary ones (role chaining, GetSessionToken's refusal) — and never a
 *   profile whose own credential_process is Authdesk (node/aws/source-profile.ts).
 * - Endpoint: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's endpoint_url / services section.
 * - Clock: the SDK keeps AWS's clock (systemClockOffset) from every response's Date header.
 * Authdesk never logs or stores the source credentials; the session's go to the keychain only.
 */
import { AwsError } from '../../core/errors.js';
import { STS_ERRORS, type CallerIdentity, type StsPort } from '../../core/aws/session-flow.js';
import type { SessionCredentials } from '../../core/aws/session-policy.js';
import { profileServiceEndpoint } from './endpoint.js';
import { mapAwsError } from './errors.js';
import { AWS_CLIENT_DEFAULTS } from './iam-client.js';
import { checkSourceProfile } from './source-profile.js';

type StsModule = typeof import('@aws-sdk/client-sts');

let sdk: Promise<StsModule> | undefined;
function loadSdk(): Promise<StsModule> {
  sdk ??= import('@aws-sdk/client-sts');
  return sdk;
}

export interface StsClientOptions {
  /** The source profile (long-term keys); default: AWS_PROFILE or the SDK's chain. */
  readonly profile?: string;
  /** Explicit credentials instead of a profile (the automatic MFA session's AssumeRole, tests). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly region?: string;
  readonly maxAttempts?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** With explicit credentials: the profile whose endpoint_url applies (the source profile's). */
  readonly endpointProfile?: string;
}

export interface SdkStsPort extends StsPort {
  destroy(): void;
}

interface SdkError { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }

/** STS's answers that need their own sentence; the rest as for IAM (node/aws/errors.ts). */
function mapStsError(error: unknown, action: string, profile: string | undefined): AwsError {
  const e = (error ?? {}) as SdkError;
  const message = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const code = (e.name ?? '').replace(/Exception$/, '');
  const details = { awsCode: code, action, ...(e.$metadata?.httpStatusCode ? { httpStatus: e.$metadata.httpStatusCode } : {}) };
  if (code === 'AccessDenied' && /invalid MFA one time pass code/i.test(message)) {
    return new AwsError(STS_ERRORS.CODE_REFUSED, 'AWS refused the MFA code (it was wrong, or already used). Authdesk computes codes on AWS\'s clock and never sends one twice; if this repeats, the key in Authdesk may not belong to this device.', { cause: error, details });
  }
  if (code === 'AccessDenied' && /unable to validate MFA code|verify your MFA serial/i.test(message)) {
    return new AwsError(STS_ERRORS.SERIAL_MISMATCH, 'AWS says this MFA device is not associated with the user of the source credentials. Check --serial (or the account\'s link, "authdesk aws link") and --profile.', { cause: error, details });
  }
  if (code === 'AccessDenied' && /session credentials/i.test(message)) {
    return new AwsError(STS_ERRORS.SESSION_CREDENTIALS, 'AWS gives an MFA session only for an IAM user\'s long-term access keys, and these credentials are temporary. Use the profile with the user\'s access keys as --profile.', { cause: error, details });
  }
  if (code === 'AccessDenied' && action === 'AssumeRole') {
    return new AwsError(STS_ERRORS.ROLE_DENIED, `AWS refused to let these credentials assume the role: the role's trust policy must allow the user (with MFA), and the user's policies sts:AssumeRole. AWS said: "${message.slice(0, 300)}"`, { cause: error, details });
  }
  if (code === 'ValidationError' && /DurationSeconds/i.test(message)) {
    return new AwsError(STS_ERRORS.DURATION, /role chaining/i.test(message)
      ? 'AWS caps a role assumed with temporary credentials (role chaining) at 1 hour: use --duration 3600 or less.'
      : /MaxSessionDuration/i.test(message)
        ? 'The role\'s maximum session duration is shorter than --duration: ask for less (the role\'s setting is in IAM, "Maximum session duration").'
        : `AWS refused the session duration. AWS said: "${message.slice(0, 300)}"`, { cause: error, details });
  }
  const mapped = mapAwsError(error, { action, ...(profile ? { profile } : {}) });
  // node/aws/errors.ts words network failures for IAM; say STS where it names the service.
  return new AwsError(mapped.code, mapped.message.replace(/AWS IAM/g, 'AWS STS').replace(/iam:(\w+)/g, 'sts:$1').replace(/AWS_ENDPOINT_URL_IAM/g, 'AWS_ENDPOINT_URL_STS'), { cause: error, details: mapped.details ?? {} });
}

export async function createStsPort(options: StsClientOptions = {}): Promise<SdkStsPort> {
  const env = options.env ?? process.env;
  if (!options.credentials) await checkSourceProfile(options.profile, env);
  const mod = await loadSdk();
  const endpointProfile = options.profile ?? options.endpointProfile;
  const endpoint = endpointProfile ? await profileServiceEndpoint(endpointProfile, 'sts', env) : undefined;
  const client = new mod.STSClient({
    region: options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || AWS_CLIENT_DEFAULTS.REGION),
    ...(options.profile && !options.credentials ? { profile: options.profile } : {}),
    // Only the three fields: a cached session also carries `expiration` as ISO text, which the SDK
    // would take for its own Date and fail on ("identity.expiration.getTime is not a function").
    ...(options.credentials ? { credentials: { accessKeyId: options.credentials.accessKeyId, secretAccessKey: options.credentials.secretAccessKey, ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}) } } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: options.maxAttempts ?? AWS_CLIENT_DEFAULTS.MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: AWS_CLIENT_DEFAULTS.REQUEST_TIMEOUT_MS,
      connectionTimeout: AWS_CLIENT_DEFAULTS.CONNECTION_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  });
  let sawResponse = false;
  async function send<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      const out = await run();
      sawResponse = true;
      return out;
    } catch (error) {
      if ((error as SdkError).$metadata?.httpStatusCode !== undefined) sawResponse = true;
      throw mapStsError(error, action, options.profile);
    }
  }
  const toCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): SessionCredentials => {
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AwsError('AWS_UNEXPECTED_REPLY', 'AWS STS answered without complete credentials; try again.');
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration.toISOString() };
  };

  return {
    destroy: () => client.destroy(),
    serverClockOffsetMs: () => (sawResponse ? (client.config.systemClockOffset ?? 0) + AWS_CLIENT_DEFAULTS.DATE_RESOLUTION_CORRECTION_MS : 0),
    async callerIdentity(): Promise<CallerIdentity> {
      const out = await send('GetCallerIdentity', () => client.send(new mod.GetCallerIdentityCommand({})));
      if (!out.Arn || !out.Account) throw new AwsError('AWS_UNEXPECTED_REPLY', 'AWS STS answered GetCallerIdentity without an ARN; try again.');
      return { arn: out.Arn, accountId: out.Account, userId: out.UserId ?? '' };
    },
    async getSessionToken({ durationSeconds, serialNumber, tokenCode }) {
      const out = await send('GetSessionToken', () => client.send(new mod.GetSessionTokenCommand({ DurationSeconds: durationSeconds, SerialNumber: serialNumber, TokenCode: tokenCode })));
      return toCredentials(out.Credentials);
    },
    async assumeRole({ roleArn, roleSessionName, externalId, durationSeconds, serialNumber, tokenCode }) {
      const out = await send('AssumeRole', () => client.send(new mod.AssumeRoleCommand({
        RoleArn: roleArn, RoleSessionName: roleSessionName, DurationSeconds: durationSeconds,
        ...(externalId ? { ExternalId: externalId } : {}), ...(serialNumber ? { SerialNumber: serialNumber, TokenCode: tokenCode } : {}),
      })));
      return toCredentials(out.Credentials);
    },
    async sourceIsTemporary() {
      try {
        const identity = await client.config.credentials();
        return Boolean(identity.sessionToken);
      } catch (error) {
        throw mapStsError(error, 'GetCallerIdentity', options.profile);
      }
    },
  };
}
