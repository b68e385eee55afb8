/**
 * STS on the test server (Query protocol, Version 2011-06-15, namespace
 * https://sts.amazonaws.com/doc/2011-06-15/): GetSessionToken, AssumeRole, GetCallerIdentity with
 * AWS's limits, messages and MFA rules (DESIGN.md section 5). The server routes here when the
 * request's SigV4 credential scope names the service `sts`.
 */
import { ApiFault, el, integerParam, isoDate, Validation } from './common.js';
import { newTemporaryCredentials, principalArn, principalUser, requestContext, type Principal, type RoleRecord, type SessionRecord } from './identity.js';
import { acceptSessionCode, type CodeDevice } from './mfa.js';
import { denialMessage, evaluate, namesPrincipalExplicitly, type PolicyDocument } from './policy.js';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

/** AWS's limits, in seconds. */
export const STS_LIMITS = {
  SESSION_MIN: 900,
  SESSION_MAX: 129_600,
  SESSION_DEFAULT: 43_200,
  /** The root user's sessions: at most (and by default) one hour; longer requests are cut to one hour. */
  ROOT_SESSION_MAX: 3_600,
  ROLE_DEFAULT: 3_600,
  /** The API's bound for AssumeRole DurationSeconds; a role's MaxSessionDuration may be lower. */
  ROLE_API_MAX: 43_200,
  /** Role chaining: a role session assuming a role gets at most one hour. */
  CHAINED_MAX: 3_600,
} as const;

export const STS_MESSAGES = {
  invalidCode: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
  wrongSerial: 'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.',
  serialAndCode: 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
  sessionCredentials: 'Cannot call GetSessionToken with session credentials',
  chained: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  roleMax: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
} as const;

export interface StsDevice extends CodeDevice {
  readonly serialNumber: string;
  userName?: string;
}

/** What STS needs from the server that hosts it. */
export interface StsHost {
  readonly accountId: string;
  now(): number;
  /** A code on AssumeRole counts as MFA for the caller's own policies too (IamServer.assumeRoleCodeCountsForCaller). */
  codeCountsForCaller(): boolean;
  device(serialNumber: string): StsDevice | undefined;
  roleByArn(arn: string): RoleRecord | undefined;
  identityPolicies(principal: Principal): readonly PolicyDocument[] | 'all';
  issue(session: SessionRecord): void;
  /** For introspection: an MFA code STS refused, and why. */
  codeRefused(info: { serialNumber: string; reason: 'reused' | 'invalid' | 'wrong-serial' }): void;
}

const SERIAL = { min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/, patternText: '[\\w+=/:,.@-]*' };
const TOKEN_CODE = { min: 6, max: 6, pattern: /^\d*$/, patternText: '[\\d]*' };
const ROLE_SESSION_NAME = { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*' };
const EXTERNAL_ID = { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*' };

const accessDenied = (message: string) => new ApiFault(403, 'AccessDenied', message);

function credentialsXml(session: SessionRecord): string {
  return `<Credentials>${el('AccessKeyId', session.accessKeyId)}${el('SecretAccessKey', session.secretAccessKey)}${el('SessionToken', session.sessionToken)}${el('Expiration', isoDate(session.expiration))}</Credentials>`;
}

export class Sts {
  constructor(private readonly host: StsHost) {}

  dispatch(action: string, params: Readonly<Record<string, string>>, caller: Principal): string {
    switch (action) {
      case 'GetCallerIdentity':
        return this.getCallerIdentity(caller);
      case 'GetSessionToken':
        return this.getSessionToken(params, caller);
      case 'AssumeRole':
        return this.assumeRole(params, caller);
      case 'GetFederationToken':
      case 'GetAccessKeyInfo':
      case 'DecodeAuthorizationMessage':
        // Not implemented here; but a session asking gets AWS's refusal first (sessions may call
        // only AssumeRole and GetCallerIdentity), which is the behaviour tests may rely on.
        if (caller.kind === 'session') throw accessDenied(`Cannot call ${action} with session credentials`);
        throw new ApiFault(400, 'InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`);
      default:
        throw new ApiFault(400, 'InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`);
    }
  }

  /** Needs no permission and cannot be denied. */
  private getCallerIdentity(caller: Principal): string {
    if (caller.kind === 'role') return `${el('UserId', caller.session.assumedRoleId)}${el('Account', this.host.accountId)}${el('Arn', caller.session.assumedRoleArn)}`;
    const userId = caller.user.root ? this.host.accountId : caller.user.userId;
    return `${el('UserId', userId)}${el('Account', this.host.accountId)}${el('Arn', caller.user.arn)}`;
  }

  /**
   * The MFA of a request: none, or a serial associated with the calling user and a code accepted
   * under the reuse rule. AWS checks the serial's association before the code.
   */
  private checkMfa(params: Readonly<Record<string, string>>, caller: Principal): { serialNumber: string; at: number } | undefined {
    const serialNumber = params.SerialNumber;
    const code = params.TokenCode;
    if (serialNumber === undefined && code === undefined) return undefined;
    if (serialNumber === undefined || code === undefined) throw accessDenied(STS_MESSAGES.serialAndCode);
    const user = principalUser(caller);
    const device = this.host.device(serialNumber);
    if (!user || !device || device.userName !== user.name) {
      this.host.codeRefused({ serialNumber, reason: 'wrong-serial' });
      throw accessDenied(STS_MESSAGES.wrongSerial);
    }
    const check = acceptSessionCode(device, code, this.host.now());
    if (!check.ok) {
      this.host.codeRefused({ serialNumber, reason: check.reason });
      throw accessDenied(STS_MESSAGES.invalidCode);
    }
    return { serialNumber, at: this.host.now() };
  }

  private getSessionToken(params: Readonly<Record<string, string>>, caller: Principal): string {
    const duration = integerParam(params, 'DurationSeconds');
    const v = new Validation();
    v.integer('DurationSeconds', duration, STS_LIMITS.SESSION_MIN, STS_LIMITS.SESSION_MAX);
    v.string('SerialNumber', params.SerialNumber, SERIAL);
    v.string('TokenCode', params.TokenCode, TOKEN_CODE);
    v.throwIfAny();
    // Only long-term credentials may ask (a session cannot extend itself).
    if (caller.kind !== 'user') throw accessDenied(STS_MESSAGES.sessionCredentials);
    const mfa = this.checkMfa(params, caller);
    const seconds = caller.user.root
      ? Math.min(duration ?? STS_LIMITS.ROOT_SESSION_MAX, STS_LIMITS.ROOT_SESSION_MAX)
      : duration ?? STS_LIMITS.SESSION_DEFAULT;
    const now = this.host.now();
    const session: SessionRecord = {
      kind: 'session', ...newTemporaryCredentials(), issuedAt: now, expiration: now + seconds * 1000, durationSeconds: seconds,
      sourceArn: caller.user.arn, userName: caller.user.name, chained: false,
      mfa: mfa !== undefined, ...(mfa ? { mfaAuthTime: mfa.at, serialNumber: mfa.serialNumber } : {}),
    };
    this.host.issue(session);
    return credentialsXml(session);
  }

  private assumeRole(params: Readonly<Record<string, string>>, caller: Principal): string {
    const duration = integerParam(params, 'DurationSeconds');
    const v = new Validation();
    v.required('RoleArn', params.RoleArn);
    v.required('RoleSessionName', params.RoleSessionName);
    v.string('RoleArn', params.RoleArn, { min: 20, max: 2048 });
    v.string('RoleSessionName', params.RoleSessionName, ROLE_SESSION_NAME);
    v.integer('DurationSeconds', duration, STS_LIMITS.SESSION_MIN, STS_LIMITS.ROLE_API_MAX);
    v.string('ExternalId', params.ExternalId, EXTERNAL_ID);
    v.string('SerialNumber', params.SerialNumber, SERIAL);
    v.string('TokenCode', params.TokenCode, TOKEN_CODE);
    v.throwIfAny();
    const roleArn = params.RoleArn!;
    const sessionName = params.RoleSessionName!;
    const callerArn = principalArn(caller);
    const notAuthorized = () => accessDenied(`User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const role = this.host.roleByArn(roleArn);
    // AWS does not reveal whether a role exists to someone who may not assume it.
    if (!role) throw notAuthorized();
    const chained = caller.kind === 'role';
    // The code is checked first: AWS builds ONE request context for the call, and a valid
    // SerialNumber/TokenCode puts aws:MultiFactorAuthPresent=true in it for the caller's own policies
    // (so Force_MFA's Deny lets AssumeRole-with-MFA from long-term keys through, the aws-vault
    // pattern; unless the server is set to the other reading, below) as well as for the role's trust policy. Without a code, a session's MFA carries over.
    const mfa = this.checkMfa(params, caller);
    const now = this.host.now();
    const carried = caller.kind === 'user' ? undefined : caller.session;
    const mfaPresent = mfa !== undefined || carried?.mfa === true;
    const mfaAuthTime = mfa?.at ?? carried?.mfaAuthTime;
    const context = {
      ...requestContext(caller, now),
      'aws:MultiFactorAuthPresent': mfaPresent ? 'true' : caller.kind === 'user' ? undefined : 'false',
      'aws:MultiFactorAuthAge': mfaPresent && mfaAuthTime !== undefined ? String(Math.floor((now - mfaAuthTime) / 1000)) : undefined,
      'sts:ExternalId': params.ExternalId,
      'sts:RoleSessionName': sessionName,
    };
    const identity = this.host.identityPolicies(caller);
    // The other reading of AWS (see IamServer.assumeRoleCodeCountsForCaller): the code proves MFA to
    // the role's trust policy only; the caller's long-term key itself has no MFA.
    const callerContext = mfa !== undefined && caller.kind === 'user' && !this.host.codeCountsForCaller()
      ? { ...context, 'aws:MultiFactorAuthPresent': undefined, 'aws:MultiFactorAuthAge': undefined }
      : context;
    const identityDecision = identity === 'all' ? 'Allow' : evaluate(identity, { action: 'sts:AssumeRole', resource: role.arn, context: callerContext });
    if (identityDecision === 'ExplicitDeny') throw accessDenied(denialMessage(callerArn, 'sts:AssumeRole', role.arn, 'ExplicitDeny'));
    // In the same account a trust policy naming the caller itself needs no Allow in the caller's policies.
    const trustPrincipal = caller.kind === 'role' ? caller.role.arn : caller.user.arn;
    if (identityDecision === 'ImplicitDeny' && !namesPrincipalExplicitly(role.trustPolicy, trustPrincipal)) throw notAuthorized();
    if (evaluate([role.trustPolicy], { action: 'sts:AssumeRole', resource: role.arn, context, principalArn: trustPrincipal }) !== 'Allow') throw notAuthorized();
    if (chained && duration !== undefined && duration > STS_LIMITS.CHAINED_MAX) throw new ApiFault(400, 'ValidationError', STS_MESSAGES.chained);
    if (duration !== undefined && duration > role.maxSessionDuration) throw new ApiFault(400, 'ValidationError', STS_MESSAGES.roleMax);
    const seconds = duration ?? STS_LIMITS.ROLE_DEFAULT;
    const assumedRoleId = `${role.roleId}:${sessionName}`;
    const session: SessionRecord = {
      kind: 'role', ...newTemporaryCredentials(), issuedAt: now, expiration: now + seconds * 1000, durationSeconds: seconds,
      sourceArn: callerArn, ...(caller.kind !== 'role' ? { userName: caller.user.name } : {}),
      roleName: role.name, roleArn: role.arn, roleSessionName: sessionName,
      assumedRoleArn: `arn:aws:sts::${this.host.accountId}:assumed-role/${role.name}/${sessionName}`, assumedRoleId,
      chained, mfa: mfaPresent, ...(mfaAuthTime !== undefined && mfaPresent ? { mfaAuthTime } : {}),
      ...(mfa ? { serialNumber: mfa.serialNumber } : {}), ...(params.ExternalId !== undefined ? { externalId: params.ExternalId } : {}),
    };
    this.host.issue(session);
    return `${credentialsXml(session)}<AssumedRoleUser>${el('AssumedRoleId', assumedRoleId)}${el('Arn', session.assumedRoleArn)}</AssumedRoleUser>`;
  }
}
