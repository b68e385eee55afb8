/**
 * MFA sessions for `credential_process` (docs/aws.md, "Sessions"): what a request may ask for, how a
 * cached session is keyed, and when it is reused or renewed. Pure: the cache (OS keychain) is
 * node/aws/session-cache.ts, the STS calls node/aws/sts-client.ts.
 */
import { InputError } from '../errors.js';

/** STS's limits (DESIGN.md section 5). Seconds. */
export const SESSION_LIMITS = {
  /** GetSessionToken: 15 minutes to 36 hours, default 12 hours. */
  GET_SESSION_TOKEN_MIN_S: 900,
  GET_SESSION_TOKEN_MAX_S: 129_600,
  GET_SESSION_TOKEN_DEFAULT_S: 43_200,
  /** GetSessionToken called with the root user's keys: at most 1 hour. */
  ROOT_MAX_S: 3_600,
  /** AssumeRole: 15 minutes up to the role's MaxSessionDuration (at most 12 hours); default 1 hour. */
  ASSUME_ROLE_MIN_S: 900,
  ASSUME_ROLE_MAX_S: 43_200,
  ASSUME_ROLE_DEFAULT_S: 3_600,
  /** Role chaining (the source credentials are themselves temporary): at most 1 hour. */
  CHAINED_MAX_S: 3_600,
} as const;

/**
 * When a cached session is renewed instead of reused: when less than the margin is left, where the
 * margin is the larger of 11 minutes and 10% of the session's lifetime.
 * Why 11 minutes: botocore (the AWS CLI) treats credentials with under 10 minutes left as expired,
 * calls credential_process again and fails ("Credentials were refreshed, but the refreshed
 * credentials are still expired") when it gets the same ones; the JS SDK refreshes 5 minutes before.
 * The 10% keeps long sessions from being handed out in their last stretch.
 */
export const SESSION_RENEWAL = {
  MIN_MARGIN_MS: 11 * 60_000,
  LIFETIME_FRACTION: 0.1,
} as const;

export type SessionKind = 'session-token' | 'assume-role';

export interface DurationContext {
  readonly kind: SessionKind;
  /** GetSessionToken with the root user's keys. */
  readonly root?: boolean;
  /** AssumeRole with temporary source credentials (role chaining). */
  readonly chained?: boolean;
}

function durationRange(context: DurationContext): { min: number; max: number; why: string } {
  if (context.kind === 'session-token') {
    return context.root
      ? { min: SESSION_LIMITS.GET_SESSION_TOKEN_MIN_S, max: SESSION_LIMITS.ROOT_MAX_S, why: 'a session of the root user lasts 900 to 3,600 seconds' }
      : { min: SESSION_LIMITS.GET_SESSION_TOKEN_MIN_S, max: SESSION_LIMITS.GET_SESSION_TOKEN_MAX_S, why: 'an MFA session (GetSessionToken) lasts 900 to 129,600 seconds (15 minutes to 36 hours)' };
  }
  return context.chained
    ? { min: SESSION_LIMITS.ASSUME_ROLE_MIN_S, max: SESSION_LIMITS.CHAINED_MAX_S, why: 'AWS caps a role assumed with temporary credentials (role chaining) at 1 hour: 900 to 3,600 seconds' }
    : { min: SESSION_LIMITS.ASSUME_ROLE_MIN_S, max: SESSION_LIMITS.ASSUME_ROLE_MAX_S, why: "a role session lasts 900 seconds up to the role's maximum session duration (at most 43,200)" };
}

/** The duration to ask for: the default when none was given; a sentence when out of range. */
export function sessionDuration(requested: number | undefined, context: DurationContext): number {
  const { min, max, why } = durationRange(context);
  if (requested === undefined) {
    const preferred = context.kind === 'session-token' ? SESSION_LIMITS.GET_SESSION_TOKEN_DEFAULT_S : SESSION_LIMITS.ASSUME_ROLE_DEFAULT_S;
    return Math.min(preferred, max);
  }
  if (!Number.isInteger(requested) || requested < min || requested > max) {
    throw new InputError('SESSION_DURATION_RANGE', `--duration ${requested} is out of range: ${why}.`, { details: { min, max } });
  }
  return requested;
}

/** Parse `--duration` text: whole seconds, or with a unit (900s, 15m, 12h). */
export function parseDuration(text: string): number {
  const m = /^\s*(\d{1,7})\s*([smh]?)\s*$/i.exec(text);
  if (!m) throw new InputError('SESSION_DURATION_INVALID', `--duration "${text.slice(0, 40)}" is not a duration: give seconds (3600) or a number with s, m or h (60m, 12h).`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  return unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
}

const ROLE_ARN = /^arn:(aws|aws-[a-z0-9-]+):iam::(\d{12}):role\/[\u0021-\u007e]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function checkRoleArn(text: string): string {
  const arn = text.trim();
  if (!ROLE_ARN.test(arn)) {
    throw new InputError('SESSION_ROLE_ARN_INVALID', `"${arn.slice(0, 120)}" is not a role ARN: it looks like arn:aws:iam::123456789012:role/RoleName.`);
  }
  return arn;
}

export function checkRoleSessionName(text: string): string {
  if (!SESSION_NAME.test(text)) throw new InputError('SESSION_NAME_INVALID', `"${text.slice(0, 80)}" cannot be a role session name: use 2 to 64 letters, digits and + = , . @ _ -.`);
  return text;
}

export function checkExternalId(text: string): string {
  if (!EXTERNAL_ID.test(text)) throw new InputError('SESSION_EXTERNAL_ID_INVALID', `"${text.slice(0, 80)}" cannot be an external ID: use 2 to 1,224 letters, digits and + = , . @ : / _ -.`);
  return text;
}

/** What identifies a cached session: where the long-term credentials come from, the device, the role. */
export interface SessionKeyParts {
  /** The source profile's name, or "env:<access key id>" for credentials from the environment. */
  readonly source: string;
  /** The device's serial ARN, or the query as given (`--serial`), or "" when Authdesk picks it. */
  readonly serial: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly externalId?: string;
}

/**
 * The keychain account name of a session: `<vaultId>/session/<parts>`, each part percent-encoded
 * so no profile name or ARN can forge another key. Built from the request as given, so the cached
 * path needs no vault lookup and no AWS call to find its item.
 */
export function sessionKey(vaultId: string, parts: SessionKeyParts): string {
  const enc = (v: string | undefined) => encodeURIComponent(v ?? '');
  return `${vaultId}/session/${enc(parts.source)}|${enc(parts.serial)}|${enc(parts.roleArn)}|${enc(parts.roleSessionName)}|${enc(parts.externalId)}`;
}

/**
 * The `source` part of a session's key: where the long-term credentials come from, as the SDK's
 * chain would pick them (--profile, AWS_PROFILE, the environment's keys, else "default").
 */
export function sourceName(profile: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (profile) return profile;
  if (env.AWS_PROFILE) return env.AWS_PROFILE;
  // An access key id identifies, it is not a secret (it appears in every signed request).
  if (env.AWS_ACCESS_KEY_ID) return `env:${env.AWS_ACCESS_KEY_ID}`;
  return 'default';
}

/** The temporary credentials STS returned. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601. */
  readonly expiration: string;
}

/** What the keychain item holds (its secret): the credentials and the non-secret facts for listing. */
export interface CachedSession {
  readonly format: 'authdesk-session';
  readonly version: 1;
  readonly key: SessionKeyParts;
  readonly kind: SessionKind;
  /** The device actually used (resolved when the request named none). */
  readonly serial: string;
  /** ISO times. */
  readonly issuedAt: string;
  readonly credentials: SessionCredentials;
}

/** The session's facts without a secret: what `aws sessions` and Settings › AWS show. */
export interface SessionSummary {
  readonly id: string;
  readonly profile: string;
  readonly serial: string;
  readonly kind: SessionKind;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly externalId?: string;
  readonly issuedAt: string;
  readonly expiration: string;
  /** Seconds until expiry (0 when expired). */
  readonly secondsLeft: number;
  /** Would `aws credentials` hand it out now (false: it renews it first)? */
  readonly reusable: boolean;
}

export function renewalMarginMs(issuedAtMs: number, expirationMs: number): number {
  const lifetime = Math.max(0, expirationMs - issuedAtMs);
  return Math.max(SESSION_RENEWAL.MIN_MARGIN_MS, lifetime * SESSION_RENEWAL.LIFETIME_FRACTION);
}

/** Hand out the cached session now, or renew it first? */
export function isReusable(session: Pick<CachedSession, 'issuedAt' | 'credentials'>, nowMs: number): boolean {
  const expires = Date.parse(session.credentials.expiration);
  const issued = Date.parse(session.issuedAt);
  if (!Number.isFinite(expires) || !Number.isFinite(issued)) return false;
  return expires - nowMs > renewalMarginMs(issued, expires);
}

export function summarize(id: string, session: CachedSession, nowMs: number): SessionSummary {
  const expires = Date.parse(session.credentials.expiration);
  return {
    id, profile: session.key.source, serial: session.serial, kind: session.kind,
    ...(session.key.roleArn ? { roleArn: session.key.roleArn } : {}),
    ...(session.key.roleSessionName ? { roleSessionName: session.key.roleSessionName } : {}),
    ...(session.key.externalId ? { externalId: session.key.externalId } : {}),
    issuedAt: session.issuedAt,
    expiration: session.credentials.expiration,
    secondsLeft: Number.isFinite(expires) ? Math.max(0, Math.floor((expires - nowMs) / 1000)) : 0,
    reusable: isReusable(session, nowMs),
  };
}

/** Parse a keychain item's text; undefined for anything that is not a session of this format. */
export function parseCachedSession(text: string | null | undefined): CachedSession | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<CachedSession>;
    const c = v.credentials as Partial<SessionCredentials> | undefined;
    if (v.format !== 'authdesk-session' || v.version !== 1 || !v.key || typeof v.key.source !== 'string' || typeof v.serial !== 'string'
      || typeof v.issuedAt !== 'string' || !c || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string'
      || typeof c.sessionToken !== 'string' || typeof c.expiration !== 'string') return undefined;
    return v as CachedSession;
  } catch {
    return undefined;
  }
}

/** The `credential_process` document (AWS CLI and SDKs): exactly these fields, Version 1. */
export function credentialProcessJson(credentials: SessionCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration,
  });
}

/** Does a session match a `sessions clear` filter? Unset filter fields match everything. */
export function matchesFilter(summary: SessionSummary, filter: { profile?: string; serial?: string; roleArn?: string }): boolean {
  return (filter.profile === undefined || summary.profile === filter.profile)
    && (filter.serial === undefined || summary.serial === filter.serial)
    && (filter.roleArn === undefined || summary.roleArn === filter.roleArn);
}
