/**
 * Who is calling the test server: IAM users (long-term keys), the account's root user, and the two
 * kinds of temporary credentials STS issues (GetSessionToken sessions of a user, AssumeRole sessions
 * of a role), with the request context AWS gives each kind for policy evaluation.
 */
import { randomBytes } from 'node:crypto';
import type { PolicyDocument, RequestContext } from './policy.js';

export interface UserRecord {
  readonly name: string;
  readonly path: string;
  readonly userId: string;
  readonly arn: string;
  readonly createDate: number;
  readonly groups: string[];
  readonly policies: PolicyDocument[];
  /** The account's root user: every action allowed, GetSessionToken at most 1 hour. */
  readonly root?: boolean;
}

export interface GroupRecord {
  readonly name: string;
  readonly arn: string;
  readonly policies: PolicyDocument[];
}

export interface RoleRecord {
  readonly name: string;
  readonly path: string;
  readonly roleId: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  readonly policies: PolicyDocument[];
  /** Seconds; AWS's default is 3,600, its limit 43,200. */
  readonly maxSessionDuration: number;
}

/** Temporary credentials issued by STS, as the test server remembers them (secrets included: tests only). */
export interface SessionRecord {
  readonly kind: 'session' | 'role';
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Server-clock ms. */
  readonly issuedAt: number;
  readonly expiration: number;
  readonly durationSeconds: number;
  /** The caller whose credentials asked for it (user ARN, root ARN, or assumed-role ARN when chained). */
  readonly sourceArn: string;
  /** GetSessionToken: the user's name (also kept for AssumeRole by a user, for introspection). */
  readonly userName?: string;
  readonly roleName?: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
  readonly assumedRoleArn?: string;
  readonly assumedRoleId?: string;
  /** Whether MFA was authenticated (in this call, or carried from the caller's session). */
  readonly mfa: boolean;
  readonly mfaAuthTime?: number;
  readonly serialNumber?: string;
  /** AssumeRole called with role-session credentials. */
  readonly chained: boolean;
  readonly externalId?: string;
}

export type Principal =
  | { readonly kind: 'user'; readonly user: UserRecord; readonly accessKeyId: string }
  | { readonly kind: 'session'; readonly user: UserRecord; readonly session: SessionRecord }
  | { readonly kind: 'role'; readonly role: RoleRecord; readonly session: SessionRecord };

export function principalArn(p: Principal): string {
  return p.kind === 'role' ? p.session.assumedRoleArn! : p.user.arn;
}

/** The user behind a principal (undefined for role sessions). */
export function principalUser(p: Principal): UserRecord | undefined {
  return p.kind === 'role' ? undefined : p.user;
}

/**
 * The global condition keys AWS sets for this caller. aws:MultiFactorAuthPresent is ABSENT for
 * long-term keys (hence the tutorial's BoolIfExists), 'true'/'false' on temporary credentials;
 * aws:MultiFactorAuthAge exists only on temporary credentials authenticated with MFA.
 */
export function requestContext(p: Principal, nowMs: number): RequestContext {
  const context: Record<string, string | undefined> = { 'aws:PrincipalArn': p.kind === 'role' ? p.role.arn : p.user.arn };
  if (p.kind !== 'role') {
    context['aws:username'] = p.user.name;
    context['aws:userid'] = p.user.userId;
  } else {
    context['aws:userid'] = p.session.assumedRoleId;
  }
  if (p.kind !== 'user') {
    context['aws:MultiFactorAuthPresent'] = p.session.mfa ? 'true' : 'false';
    if (p.session.mfa) context['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((nowMs - (p.session.mfaAuthTime ?? p.session.issuedAt)) / 1000)));
    context['aws:TokenIssueTime'] = new Date(p.session.issuedAt).toISOString();
  }
  return context;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function randomId(length: number): string {
  return [...randomBytes(length)].map((b) => UPPER_ALNUM.charAt(b & 31)).join('');
}

/** Temporary credentials shaped like AWS's: ASIA + 16, a 40-character secret, a long base64 token. */
export function newTemporaryCredentials(): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  return {
    accessKeyId: `ASIA${randomId(16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    // Real tokens are several hundred base64 characters with '+', '/' and '=': the token must survive encoding in headers and files.
    sessionToken: `FwoGZXIvYXdzE${randomBytes(270).toString('base64')}`,
  };
}

export function newLongTermCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `AKIA${randomId(16)}`, secretAccessKey: randomBytes(30).toString('base64') };
}
