/**
 * Getting an MFA session (docs/aws.md, "Sessions"): from the keychain cache while it is good, else
 * from STS with a fresh code on AWS's clock. Pure orchestration over ports: STS
 * (node/aws/sts-client.ts), the cache (node/aws/session-cache.ts), the used-code ledger
 * (node/aws/code-ledger.ts) and the vault (codes; the seed never leaves it).
 *
 * Used by `authdesk aws credentials` (cli/commands/aws/credentials.ts) and by the automatic MFA
 * session of IAM calls denied under Force_MFA (node/aws/mfa-retry.ts).
 */
import { AwsError, isAuthdeskError } from '../errors.js';
import type { VaultApi } from '../vault/api.js';
import type { Account } from '../vault/model.js';
import type { Clock } from '../vault/ports.js';
import { arnAccount, parseMfaSerial } from '../iam/serial.js';
import { claimFreshCodes, type CodeLedgerPort, type WaitReason } from './code-reuse.js';
import {
  isReusable, sessionDuration, sessionKey, type CachedSession, type SessionCredentials, type SessionKeyParts, type SessionKind,
} from './session-policy.js';

export interface CallerIdentity {
  readonly arn: string;
  readonly accountId: string;
  readonly userId: string;
}

/** What the session flow needs from STS. Rejects with AwsErrors (codes below and AWS_ERRORS). */
export interface StsPort {
  /** Needs no permission; also teaches the port AWS's clock. */
  callerIdentity(): Promise<CallerIdentity>;
  getSessionToken(request: { durationSeconds: number; serialNumber: string; tokenCode: string }): Promise<SessionCredentials>;
  assumeRole(request: {
    roleArn: string; roleSessionName: string; externalId?: string; durationSeconds: number; serialNumber?: string; tokenCode?: string;
  }): Promise<SessionCredentials>;
  /** AWS's clock minus the local clock (ms), from the Date of its latest response; 0 before any. */
  serverClockOffsetMs(): number;
  /** Are the source credentials temporary (a session token)? Then AssumeRole is role chaining. */
  sourceIsTemporary(): Promise<boolean>;
}

export const STS_ERRORS = {
  /** AWS refused the code (wrong, or already used: AWS says the same for both). */
  CODE_REFUSED: 'AWS_MFA_CODE_REFUSED',
  /** The serial is not a device of the credentials' user. */
  SERIAL_MISMATCH: 'AWS_MFA_SERIAL_MISMATCH',
  /** GetSessionToken with temporary credentials. */
  SESSION_CREDENTIALS: 'AWS_SESSION_NEEDS_LONG_TERM_KEYS',
  ROLE_DENIED: 'AWS_ROLE_DENIED',
  DURATION: 'AWS_SESSION_DURATION',
} as const;

/** The keychain cache of sessions (one item per session, never a file). */
export interface SessionCachePort {
  get(key: string): Promise<CachedSession | undefined>;
  put(key: string, session: CachedSession): Promise<void>;
}

export interface SessionRequest {
  readonly vaultId: string;
  readonly key: SessionKeyParts;
  readonly durationSeconds?: number;
  /** Neither read nor write the cache. */
  readonly noCache?: boolean;
}

export interface SessionDeps {
  readonly sts: StsPort;
  readonly cache: SessionCachePort;
  readonly ledger: CodeLedgerPort;
  readonly vault: Pick<VaultApi, 'list' | 'find' | 'code'>;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onWait?: (waitMs: number, reason: WaitReason, message: string) => void;
  /** A sentence for a person (stderr in the CLI; the app shows it). */
  readonly onNote?: (message: string) => void;
  /**
   * STS with other credentials (an MFA session), for AssumeRole under Force_MFA: the policy denies
   * AssumeRole to long-term keys, so the role is assumed with the user's MFA session instead.
   */
  readonly stsWith?: (credentials: SessionCredentials) => Promise<StsPort & { destroy(): void }>;
}

export interface ObtainedSession {
  readonly session: CachedSession;
  readonly cached: boolean;
  /** The device's account (absent for a cached session, or role chaining, which sends no code). */
  readonly account?: Account;
}

/**
 * The vault account whose device the session uses: the one `serial` names (an ARN or a query), or —
 * none given — the one account linked to a device of the caller (same AWS account, the caller's
 * IAM user or no user recorded).
 */
export async function deviceAccount(vault: Pick<VaultApi, 'list' | 'find'>, serial: string, caller: CallerIdentity): Promise<Account> {
  const linked = (await vault.list()).filter((a) => a.type === 'totp' && a.awsSerial && a.status === 'active');
  if (serial) {
    const exact = linked.filter((a) => a.awsSerial === serial);
    const matches = exact.length ? exact : (await vault.find(serial)).filter((a) => a.awsSerial && a.type === 'totp');
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) {
      if (serial.startsWith('arn:')) parseMfaSerial(serial); // a malformed ARN gets its precise sentence
      throw new AwsError('AWS_NO_DEVICE_ACCOUNT', `No Authdesk account is linked to an MFA device matching "${serial}". Run "authdesk aws devices" or link the account ("authdesk aws link").`);
    }
    throw new AwsError('AWS_DEVICE_AMBIGUOUS', `"${serial}" matches ${matches.length} AWS-linked accounts; give the device's serial ARN:\n${matches.map((a) => `  ${a.awsSerial}`).join('\n')}`);
  }
  const ids = arnAccount(caller.arn.replace(/^arn:([^:]+):sts::/, 'arn:$1:iam::'));
  const userName = /:user\/(?:.*\/)?([^/]+)$/.exec(caller.arn)?.[1];
  const root = /:root$/.test(caller.arn);
  const inAccount = linked.filter((a) => arnAccount(a.awsSerial!)?.accountId === (ids?.accountId ?? caller.accountId));
  // The root user's device has no IAM user recorded; an IAM user's device has the user's name.
  const mine = root ? [] : inAccount.filter((a) => a.awsUser === userName);
  const candidates = mine.length ? mine : inAccount.filter((a) => !a.awsUser);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new AwsError('AWS_NO_DEVICE_ACCOUNT', `No Authdesk account is linked to an MFA device of ${caller.arn}. Enroll one ("authdesk aws enroll"), link an existing account ("authdesk aws link"), or name the device with --serial.`);
  }
  throw new AwsError('AWS_DEVICE_AMBIGUOUS', `${candidates.length} Authdesk accounts are linked to devices of ${caller.arn}; choose one with --serial:\n${candidates.map((a) => `  ${a.awsSerial}`).join('\n')}`);
}

/** The cached session, if it may be handed out now (the fast path does the same with less). */
export async function cachedSession(request: SessionRequest, deps: Pick<SessionDeps, 'cache' | 'clock'>): Promise<CachedSession | undefined> {
  if (request.noCache) return undefined;
  const hit = await deps.cache.get(sessionKey(request.vaultId, request.key));
  return hit && isReusable(hit, deps.clock.now()) ? hit : undefined;
}

const ROLE_SESSION_DEFAULT = 'authdesk';

/**
 * A session for the request: the cached one while it is good, else a new one from STS (then cached).
 * Role chaining (the source is itself a role session): AssumeRole without a code — the source
 * session carries its MFA — and at most 1 hour. A role whose user has an MFA session in the cache
 * (good or expired: it is there because a role needed it before) is assumed with that session.
 */
export async function obtainSession(request: SessionRequest, deps: SessionDeps): Promise<ObtainedSession> {
  const caller = await deps.sts.callerIdentity(); // AWS's clock, the caller's ARN, before any code
  const hit = await cachedSession(request, deps);
  if (hit) return { session: hit, cached: true };

  const kind: SessionKind = request.key.roleArn ? 'assume-role' : 'session-token';
  const temporary = await deps.sts.sourceIsTemporary();
  if (kind === 'session-token' && temporary) {
    throw new AwsError(STS_ERRORS.SESSION_CREDENTIALS, `The source credentials (${request.key.source}) are already temporary; AWS gives an MFA session (GetSessionToken) only for an IAM user's long-term access keys. Use the profile with the user's access keys as --profile.`);
  }
  const chained = kind === 'assume-role' && /:assumed-role\//.test(caller.arn);
  const durationSeconds = sessionDuration(request.durationSeconds, { kind, root: /:root$/.test(caller.arn), chained });
  const assume = (mfa: { serialNumber: string; tokenCode: string } | undefined) => deps.sts.assumeRole({
    roleArn: request.key.roleArn!, roleSessionName: request.key.roleSessionName ?? ROLE_SESSION_DEFAULT,
    ...(request.key.externalId ? { externalId: request.key.externalId } : {}), durationSeconds, ...(mfa ?? {}),
  });

  let credentials: SessionCredentials | undefined;
  let serial = '';
  let account: Account | undefined;
  // The role through the user's MFA session (aws-vault's way): what Force_MFA demands, since it
  // denies sts:AssumeRole to long-term keys even with a code, and the role sees the session's MFA.
  // `good`: that session from the cache, already known reusable (no second look-up or STS call).
  const userSessionKey: SessionKeyParts = { source: request.key.source, serial: request.key.serial };
  const viaUserSession = async (good?: CachedSession): Promise<SessionCredentials> => {
    const base: Pick<ObtainedSession, 'session' | 'account'> = good ? { session: good } : await obtainSession({ vaultId: request.vaultId, key: userSessionKey, ...(request.noCache ? { noCache: true } : {}) }, deps);
    if (base.account) account = base.account;
    serial = base.session.serial;
    const withSession = await deps.stsWith!(base.session.credentials);
    try {
      return await withSession.assumeRole({
        roleArn: request.key.roleArn!, roleSessionName: request.key.roleSessionName ?? ROLE_SESSION_DEFAULT,
        ...(request.key.externalId ? { externalId: request.key.externalId } : {}), durationSeconds,
      });
    } finally {
      withSession.destroy();
    }
  };
  const userSession = kind === 'assume-role' && !chained && deps.stsWith && !request.noCache ? await deps.cache.get(sessionKey(request.vaultId, userSessionKey)) : undefined;
  if (chained) {
    credentials = await assume(undefined);
  } else if (userSession) {
    // The user has (or had) an MFA session for this source and device: assume the role with it —
    // no code at all while it is good, and no AssumeRole that Force_MFA would refuse (and whose code
    // would be spent) when the role session is renewed every hour.
    credentials = await viaUserSession(isReusable(userSession, deps.clock.now()) ? userSession : undefined);
  } else {
    account = await deviceAccount(deps.vault, request.key.serial, caller);
    const device = account;
    serial = device.awsSerial!;
    // AWS's clock is the authority: cancel any per-account step adjustment (meant for other services).
    const adjustMs = (device.stepAdjust ?? 0) * device.period * 1000;
    const awsClock = { now: () => deps.clock.now() + deps.sts.serverClockOffsetMs() };
    for (let attempt = 1; credentials === undefined; attempt++) {
      const fresh = await claimFreshCodes(device.id, 1, async (t) => (await deps.vault.code(device.id, t - adjustMs)).code, {
        ledger: deps.ledger, clock: awsClock, sleep: deps.sleep, ...(deps.onWait ? { onWait: deps.onWait } : {}),
      });
      const tokenCode = fresh.codes[0]!;
      try {
        credentials = kind === 'session-token'
          ? await deps.sts.getSessionToken({ durationSeconds, serialNumber: serial, tokenCode })
          : await assume({ serialNumber: serial, tokenCode });
      } catch (error) {
        if (kind === 'assume-role' && deps.stsWith && isAuthdeskError(error, STS_ERRORS.ROLE_DENIED) && /explicit deny/i.test(error.message)) {
          // Force_MFA denies sts:AssumeRole to long-term keys even with a code (the key has no
          // aws:MultiFactorAuthPresent): the user's MFA session first (cached like `aws credentials`
          // without --role-arn, so the next renewal goes this way at once), then the role with it.
          deps.onNote?.('AWS requires MFA before AssumeRole (Force_MFA): assuming the role with an MFA session of the user…');
          credentials = await viaUserSession();
          break;
        }
        // AWS refused the code: measure its clock again (the refusal's Date already did) and try once
        // more with a fresh step. The ledger guarantees the retry is not the refused code again.
        if (!isAuthdeskError(error, STS_ERRORS.CODE_REFUSED) || attempt >= 2) throw error;
        deps.onNote?.('AWS refused the code; trying once more with a fresh code on its clock…');
        await deps.sts.callerIdentity().catch(() => undefined);
      }
    }
  }
  const session: CachedSession = {
    format: 'authdesk-session', version: 1, key: request.key, kind, serial,
    issuedAt: new Date(deps.clock.now()).toISOString(), credentials,
  };
  if (!request.noCache) await deps.cache.put(sessionKey(request.vaultId, request.key), session);
  return { session, cached: false, ...(account ? { account } : {}) };
}
