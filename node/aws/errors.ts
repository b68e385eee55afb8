/**
 * SDK exceptions and network failures -> AwsError with a sentence for a person and what to do.
 * Reads only name / Code / $metadata / $fault / message / Node error codes: never credentials.
 */
import { AwsError, isAuthdeskError } from '../../core/errors.js';
import { AWS_ERRORS } from '../../core/iam/port.js';

interface SdkLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  address?: string;
  port?: number;
  errors?: unknown[];
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'EPROTO', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'TimeoutError', 'RequestTimeout']);

/** AWS's code without the SDK's "Exception" suffix (NoSuchEntityException -> NoSuchEntity). */
export function awsErrorCode(error: SdkLikeError): string {
  const raw = error.Code ?? error.name ?? 'Unknown';
  return raw.endsWith('Exception') && raw !== 'Exception' ? raw.slice(0, -'Exception'.length) : raw;
}

function networkCause(error: SdkLikeError): SdkLikeError | undefined {
  if (error.code && (NETWORK_CODES.has(error.code) || TIMEOUT_CODES.has(error.code))) return error;
  if (error.name === 'TimeoutError') return error;
  // Node's happy-eyeballs connect reports an AggregateError of per-address failures.
  for (const inner of error.errors ?? []) {
    const found = networkCause(inner as SdkLikeError);
    if (found) return found;
  }
  return undefined;
}

export interface MapContext {
  /** The IAM action, e.g. "CreateVirtualMFADevice" (names the permission in AccessDenied). */
  readonly action: string;
  readonly profile?: string;
}

export function mapAwsError(error: unknown, context: MapContext): AwsError {
  if (isAuthdeskError(error) && error instanceof AwsError) return error;
  const e = (error ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const awsCode = awsErrorCode(e);
  const details: Record<string, unknown> = { awsCode, action: context.action };
  if (status !== undefined) details.httpStatus = status;
  if (e.$metadata?.requestId) details.requestId = e.$metadata.requestId;
  const awsMessage = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const said = awsMessage ? ` AWS said: "${awsMessage.slice(0, 300)}"` : '';
  const make = (code: string, message: string) => new AwsError(code, message, { cause: error, details });
  const profileText = context.profile ? ` for profile "${context.profile}"` : '';
  const permission = `iam:${context.action}`;

  if (e.name === 'CredentialsProviderError' || e.name === 'ProviderError' || e.name === 'TokenProviderError') {
    if (/expired|refresh/i.test(awsMessage)) {
      return make(AWS_ERRORS.EXPIRED_CREDENTIALS, `The AWS credentials${profileText} have expired. Sign in again (for SSO: aws sso login${context.profile ? ` --profile ${context.profile}` : ''}) and retry.`);
    }
    return make(AWS_ERRORS.NO_CREDENTIALS, `No AWS credentials were found${profileText}. Configure them (aws configure${context.profile ? ` --profile ${context.profile}` : ''}), choose another profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`);
  }
  const net = networkCause(e);
  if (net && status === undefined) {
    const where = net.address ? ` at ${net.address}${net.port ? `:${net.port}` : ''}` : '';
    if (net.name === 'TimeoutError' || TIMEOUT_CODES.has(net.code ?? '')) {
      return make(AWS_ERRORS.TIMEOUT, `AWS IAM did not answer in time${where}. Check the network connection (or a proxy) and try again; nothing was changed on this computer.`);
    }
    return make(AWS_ERRORS.NETWORK, `Could not reach AWS IAM${where} (${net.code ?? 'network error'}). Check the network connection, a proxy, or the endpoint setting (AWS_ENDPOINT_URL_IAM / endpoint_url), then try again.`);
  }
  switch (awsCode) {
    case 'InvalidAuthenticationCode':
      return make(AWS_ERRORS.INVALID_CODE, 'AWS did not accept the two codes.');
    case 'EntityAlreadyExists':
      return make(AWS_ERRORS.ENTITY_EXISTS, `That already exists on AWS.${said}`);
    case 'LimitExceeded':
      return make(AWS_ERRORS.LIMIT_EXCEEDED, `An AWS limit was reached.${said}`);
    case 'NoSuchEntity':
      return make(AWS_ERRORS.NO_SUCH_ENTITY, `AWS could not find it.${said}`);
    case 'DeleteConflict':
      return make(AWS_ERRORS.DELETE_CONFLICT, `AWS cannot delete it while it is in use: deactivate the device first.${said}`);
    case 'EntityTemporarilyUnmodifiable':
      return make(AWS_ERRORS.TEMPORARILY_UNMODIFIABLE, 'AWS is still applying a recent change to this user; wait a minute and try again.');
    case 'ConcurrentModification':
      return make(AWS_ERRORS.CONCURRENT_MODIFICATION, 'Someone else changed this at the same moment; try again.');
    case 'AccessDenied':
    case 'UnauthorizedOperation':
      return make(AWS_ERRORS.ACCESS_DENIED, `AWS refused: these credentials${profileText} lack the permission ${permission}. Ask an administrator to allow it, or use another profile.${said}`);
    case 'ExpiredToken':
    case 'RequestExpired':
    case 'TokenRefreshRequired':
      return make(AWS_ERRORS.EXPIRED_CREDENTIALS, `The AWS session${profileText} has expired. Sign in again (aws sso login, or refresh the temporary credentials) and retry.`);
    case 'InvalidClientTokenId':
    case 'UnrecognizedClient':
    case 'MissingAuthenticationToken':
    case 'IncompleteSignature':
      return make(AWS_ERRORS.INVALID_CREDENTIALS, `AWS does not recognise the access key${profileText}: it is wrong, deleted or inactive. Check the credentials (aws configure list) or use another profile.`);
    case 'SignatureDoesNotMatch':
      if (/signature expired|not yet current/i.test(awsMessage)) {
        return make(AWS_ERRORS.CLOCK_SKEW, "This computer's clock is more than 15 minutes off AWS's, so AWS rejects the signed request. Set the clock right (enable automatic time) and try again.");
      }
      return make(AWS_ERRORS.INVALID_CREDENTIALS, `AWS rejected the request signature: the secret access key${profileText} does not match its access key id. Check the credentials (aws configure${context.profile ? ` --profile ${context.profile}` : ''}).`);
    case 'Throttling':
    case 'ThrottlingException':
    case 'TooManyRequests':
    case 'RequestLimitExceeded':
    case 'SlowDown':
      return make(AWS_ERRORS.THROTTLED, 'AWS is limiting the request rate (throttling). Wait a minute and try again; nothing was lost.');
    case 'ValidationError':
    case 'InvalidInput':
      return make(AWS_ERRORS.VALIDATION, `AWS rejected a value in the request.${said}`);
    case 'ServiceFailure':
    case 'ServiceUnavailable':
    case 'InternalFailure':
      return make(AWS_ERRORS.SERVICE_FAILURE, 'AWS IAM had an internal failure; try again in a moment.');
    default:
      if (e.$fault === 'server' || (status !== undefined && status >= 500)) {
        return make(AWS_ERRORS.SERVICE_FAILURE, `AWS IAM failed (HTTP ${status ?? '5xx'}); try again in a moment.`);
      }
      return make(AWS_ERRORS.UNKNOWN, `The AWS call ${context.action} failed${status ? ` (HTTP ${status})` : ''}.${said || ` (${e.name ?? 'unknown error'})`}`);
  }
}
