/**
 * An IAM-compatible HTTP server for tests (DESIGN.md sections 5 and 6): the Query protocol on
 * `POST /`, SigV4 verification with known test keys, XML replies and errors in IAM's namespace and
 * statuses, virtual MFA devices per user, and one-time codes checked on the server's OWN clock,
 * which tests can set ahead of or behind the machine's. The real @aws-sdk/client-iam talks to it
 * through AWS_ENDPOINT_URL_IAM or a profile's endpoint_url.
 *
 * The same port also answers STS (./sts.ts) and EC2 DescribeInstances (./ec2.ts): AWS's endpoints
 * differ by host, this server tells them apart by the service of the SigV4 credential scope (`iam`,
 * `sts`, `ec2`). Calls are authorized by IAM policies (./policy.ts) — the tutorial's Force_MFA setup
 * in one call with tutorialUser() — and STS's temporary credentials work everywhere with
 * X-Amz-Security-Token, expire on the server's clock, and carry their MFA context.
 *
 * Code arithmetic uses node:crypto directly (./totp.ts), never Authdesk's core/otp.
 * Fidelity and its limits are documented in docs/aws.md ("The test IAM server").
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import { ApiFault, el, isoDate, xmlEscape } from './common.js';
import { describeInstances, EC2_NAMESPACE, EC2_STATUS, EC2_VERSION, ec2ErrorXml } from './ec2.js';
import {
  newLongTermCredentials, principalArn, principalUser, randomId, requestContext,
  type GroupRecord, type Principal, type RoleRecord, type SessionRecord, type UserRecord,
} from './identity.js';
import { pairUnused, recordPair } from './mfa.js';
import { ADMIN_POLICY, denialMessage, EC2MFA_POLICY, evaluate, FORCE_MFA_POLICY, trustPolicy, type PolicyDocument } from './policy.js';
import { credentialScope, formatAmzDate, parseAmzDate, verifySigV4 } from './sigv4.js';
import { Sts, STS_NAMESPACE, STS_VERSION, type StsHost } from './sts.js';
import { hotp6, newSeed, stepAt } from './totp.js';

export { ADMIN_POLICY, EC2MFA_POLICY, FORCE_MFA_POLICY, trustPolicy, type PolicyDocument } from './policy.js';
export { STS_LIMITS, STS_MESSAGES, STS_NAMESPACE, STS_VERSION } from './sts.js';
export { EC2_NAMESPACE, EC2_VERSION, FIXED_RESERVATIONS } from './ec2.js';
export type { Principal, SessionRecord } from './identity.js';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const IAM_VERSION = '2010-05-08';
export const TEST_ACCOUNT_ID = '123456789012';

/**
 * Code windows, in 30-second steps relative to the server's current step `cur`. A pair (c1, c2)
 * matches step s when c1 = TOTP(s) and c2 = TOTP(s + 1).
 * - Enable: s in [cur - 10, cur + 1]. AWS accepts codes typed slowly (its docs: codes sent late
 *   still enable the device, which is then out of sync); +1 admits "current and next" pairs, what
 *   scripts send with `oathtool --now +30s` and what Authdesk's console assist shows.
 * - Resync: s in [cur - 20, cur + 20]: resync exists to repair a drifted device.
 * - Sign-in (verifySignIn) and STS: the device's recorded drift +/- 1 step.
 * After Enable/Resync the device's drift is 0 when s is cur - 1 or cur (a person's "wait for the
 * second code" pair, or current+next), else the distance of the pair from now: codes sent more than
 * ~90 s late leave the device out of sync (|drift| > 1), as AWS warns.
 * Reuse (./mfa.ts): a step once accepted from a device (by Enable, Resync or STS), or any earlier
 * one, is refused afterwards.
 */
export const CODE_WINDOWS = {
  ENABLE_PAST_STEPS: 10,
  FUTURE_STEPS: 1,
  RESYNC_STEPS: 20,
  SIGN_IN_STEPS: 1,
} as const;
/** AWS rejects SigV4 requests whose X-Amz-Date is more than 15 minutes from its clock. */
export const MAX_REQUEST_SKEW_MS = 15 * 60_000;
/** IAM quota: MFA devices assigned per user. */
export const MFA_DEVICES_PER_USER = 8;

export interface TestUser {
  readonly name: string;
  readonly path?: string;
  /** Shorthand for an identity policy: IAM actions (without "iam:") this user may call, or '*' for every action of every service. */
  readonly permissions?: '*' | readonly string[];
  /** Groups (created with createGroup) whose policies apply to this user. */
  readonly groups?: readonly string[];
  /** Inline identity policies. */
  readonly policies?: readonly PolicyDocument[];
}

export interface TestKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userName: string;
  /** Temporary credentials: requests must carry this X-Amz-Security-Token. */
  readonly sessionToken?: string;
  /** Temporary credentials past their expiry: every request fails with ExpiredToken. */
  readonly expired?: boolean;
}

/** Known test identities: alice may do everything, bob only GetUser, and carol's session expired. */
export const TEST_USERS: readonly TestUser[] = [
  { name: 'alice', path: '/', permissions: '*' },
  { name: 'bob', path: '/staff/', permissions: ['GetUser'] },
  { name: 'carol', path: '/', permissions: '*' },
  { name: 'dave', path: '/', permissions: '*' },
];
export const TEST_KEYS = {
  alice: { accessKeyId: 'AKIAAUTHDESKALICE001', secretAccessKey: 'aliceSecretKeyForTheAuthdeskIamServer0001', userName: 'alice' },
  bob: { accessKeyId: 'AKIAAUTHDESKBOB00001', secretAccessKey: 'bobSecretKeyForTheAuthdeskIamServer00001', userName: 'bob' },
  carolExpired: {
    accessKeyId: 'ASIAAUTHDESKCAROL001', secretAccessKey: 'carolSecretKeyForTheAuthdeskIamServer001', userName: 'carol',
    sessionToken: 'carol-session-token', expired: true,
  },
  daveSession: {
    accessKeyId: 'ASIAAUTHDESKDAVE0001', secretAccessKey: 'daveSecretKeyForTheAuthdeskIamServer0001', userName: 'dave',
    sessionToken: 'dave-session-token',
  },
} as const satisfies Record<string, TestKey>;

export interface IamServerOptions {
  readonly accountId?: string;
  readonly users?: readonly TestUser[];
  readonly keys?: readonly TestKey[];
  /** Server clock minus machine clock, ms. */
  readonly clockOffsetMs?: number;
  /** See IamServer.assumeRoleCodeCountsForCaller. Default true. */
  readonly assumeRoleCodeCountsForCaller?: boolean;
}

export interface DeviceRecord {
  readonly serialNumber: string;
  readonly name: string;
  readonly path: string;
  readonly seedBase32: string;
  readonly seed: Buffer;
  readonly createDate: number;
  userName?: string;
  enableDate?: number;
  /** Steps between the server's clock and the device's clock as last learned (0 = in sync). */
  driftSteps: number;
  /** The latest time step accepted from this device (Enable/Resync: the pair's second step; STS: the code's step). */
  lastUsedStep?: number;
}

export type Service = 'iam' | 'sts' | 'ec2';

export interface RequestRecord {
  readonly action: string;
  /** Which API answered (from the SigV4 credential scope). */
  readonly service: Service;
  readonly userName?: string;
  /** The caller's ARN (assumed-role ARN for role sessions), once authenticated. */
  readonly principalArn?: string;
  readonly accessKeyId?: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What tutorialUser() made: the user, its long-term keys, and (unless told otherwise) its enabled virtual MFA device. */
export interface TutorialUser {
  readonly userName: string;
  readonly arn: string;
  readonly key: TestKey;
  readonly device?: DeviceRecord;
}

export interface RoleOptions {
  readonly name: string;
  readonly path?: string;
  /** A full trust policy; by default the account may assume the role (`arn:aws:iam::ACCT:root`). */
  readonly trust?: PolicyDocument;
  /** Principals for the default trust policy instead of the account (user or role ARNs). */
  readonly trustedPrincipals?: readonly string[];
  /** The default trust policy demands `aws:MultiFactorAuthPresent` true. */
  readonly requireMfa?: boolean;
  /** The default trust policy demands this `sts:ExternalId`. */
  readonly externalId?: string;
  /** The role's permissions (identity policies of its sessions). */
  readonly policies?: readonly PolicyDocument[];
  /** Seconds, 3,600 (AWS's default) to 43,200. */
  readonly maxSessionDuration?: number;
}

/** The group of the tutorial: Force_MFA plus its EC2 permission. */
export const TUTORIAL_GROUP = 'EC2MFA';
const ROOT_NAME = '(root)';

const ERROR_STATUS: Record<string, number> = {
  AccessDenied: 403,
  InvalidAuthenticationCode: 403,
  InvalidClientTokenId: 403,
  ExpiredToken: 403,
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  LimitExceeded: 409,
  DeleteConflict: 409,
  EntityTemporarilyUnmodifiable: 409,
  ConcurrentModification: 409,
  Throttling: 400,
  ValidationError: 400,
  ServiceFailure: 500,
};

function fault(code: string, message: string): ApiFault {
  return new ApiFault(ERROR_STATUS[code] ?? 400, code, message, code === 'ServiceFailure' ? 'Receiver' : 'Sender');
}

const NAME_PATTERN = /^[\w+=,.@-]{1,226}$/;
const PATH_PATTERN = /^(\/|\/[\u0021-\u007f]+\/)$/;
const SERIAL_PATTERN = /^[\w+=/:,.@-]{9,256}$/;
const CODE_PATTERN = /^\d{6}$/;

const VERSIONS: Record<Service, string> = { iam: IAM_VERSION, sts: STS_VERSION, ec2: EC2_VERSION };

function userXml(user: UserRecord): string {
  // The root user has no name or path in IAM's answers; its UserId is the account id.
  if (user.root) return `${el('UserId', user.userId)}${el('Arn', user.arn)}<CreateDate>${isoDate(user.createDate)}</CreateDate>`;
  return `<UserId>${user.userId}</UserId>${el('Path', user.path)}${el('UserName', user.name)}${el('Arn', user.arn)}<CreateDate>${isoDate(user.createDate)}</CreateDate>`;
}

/** The legacy `permissions` shorthand as the identity policy it stands for. */
function permissionsPolicy(permissions: '*' | readonly string[]): PolicyDocument {
  if (permissions === '*') return ADMIN_POLICY;
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: permissions.map((a) => `iam:${a}`), Resource: '*' }] };
}

/** The service a request is for: its credential scope's, or (unsigned requests) its API version's. */
function serviceOf(scopeService: string | undefined, version: string | undefined): Service {
  if (scopeService === 'iam' || scopeService === 'sts' || scopeService === 'ec2') return scopeService;
  if (scopeService === undefined) return version === STS_VERSION ? 'sts' : version === EC2_VERSION ? 'ec2' : 'iam';
  return 'iam';
}

/** EC2 reports authentication failures in its own codes. */
function ec2Fault(error: ApiFault): ApiFault {
  switch (error.code) {
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
    case 'MissingAuthenticationToken':
      return /^Signature (expired|not yet current)/.test(error.message)
        ? new ApiFault(400, 'RequestExpired', 'Request has expired.')
        : new ApiFault(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    case 'ExpiredToken':
      return new ApiFault(400, 'RequestExpired', 'Request has expired.');
    case 'AccessDenied':
      return new ApiFault(403, 'UnauthorizedOperation', `You are not authorized to perform this operation. ${error.message}`);
    default:
      return new ApiFault(EC2_STATUS[error.code] ?? error.status, error.code, error.message);
  }
}

export class IamServer {
  readonly events = new EventEmitter();
  readonly requests: RequestRecord[] = [];
  readonly accountId: string;
  clockOffsetMs: number;
  /**
   * Whether a valid SerialNumber/TokenCode on AssumeRole counts as MFA for the CALLER's own policies
   * (true: Force_MFA's Deny lets AssumeRole-with-a-code from long-term keys through, the aws-vault
   * pattern) or only for the role's trust policy (false: the Deny applies, and a client must first
   * get an MFA session with GetSessionToken). AWS's documentation does not settle which; Authdesk
   * handles both (core/aws/session-flow.ts), and the tests run both.
   */
  assumeRoleCodeCountsForCaller: boolean;
  private readonly http: Server;
  private readonly users = new Map<string, UserRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly roles = new Map<string, RoleRecord>();
  private readonly keys = new Map<string, TestKey>();
  private readonly issued = new Map<string, SessionRecord>();
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly held = new Set<string>();
  private readonly waiting: Array<{ action: string; go: () => void }> = [];
  private readonly injected: Array<{ action: string | undefined; code: string; message: string }> = [];
  private readonly sts: Sts;
  private port = 0;
  private misissue = 0;

  constructor(options: IamServerOptions = {}) {
    this.accountId = options.accountId ?? TEST_ACCOUNT_ID;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.assumeRoleCodeCountsForCaller = options.assumeRoleCodeCountsForCaller ?? true;
    for (const user of options.users ?? TEST_USERS) this.createUser(user.name, user);
    for (const key of options.keys ?? Object.values(TEST_KEYS)) this.keys.set(key.accessKeyId, key);
    const host: StsHost = {
      accountId: this.accountId,
      now: () => this.now(),
      codeCountsForCaller: () => this.assumeRoleCodeCountsForCaller,
      device: (serial) => this.devices.get(serial),
      roleByArn: (arn) => [...this.roles.values()].find((r) => r.arn === arn),
      identityPolicies: (p) => this.identityPolicies(p),
      issue: (session) => {
        this.issued.set(session.accessKeyId, session);
        this.events.emit('session', session);
      },
      codeRefused: (info) => this.events.emit('code-refused', info),
    };
    this.sts = new Sts(host);
    this.http = createServer((req, res) => void this.handle(req, res));
    // Keep-alive sockets from the SDK must not keep close() waiting.
    this.http.keepAliveTimeout = 1000;
  }

  static async start(options: IamServerOptions = {}): Promise<IamServer> {
    const server = new IamServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(0, '127.0.0.1', () => resolve());
    });
    server.port = (server.http.address() as AddressInfo).port;
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The server's clock (machine clock + offset), Unix ms. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  setClockOffsetMs(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
  }

  // ---- Test set-up: identities (what an administrator would do in the console) ----

  /** An IAM user; `permissions` is a shorthand policy, `groups` must exist (createGroup). */
  createUser(name: string, options: Omit<TestUser, 'name'> = {}): UserRecord {
    if (this.users.has(name)) throw new Error(`user ${name} exists`);
    const path = options.path ?? '/';
    const policies = [...(options.policies ?? []), ...(options.permissions !== undefined ? [permissionsPolicy(options.permissions)] : [])];
    const user: UserRecord = {
      name, path, createDate: Date.UTC(2024, 0, 15, 9, 30, 0), groups: [...(options.groups ?? [])], policies,
      userId: `AIDA${Buffer.from(name).toString('hex').toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
      arn: `arn:aws:iam::${this.accountId}:user${path}${name}`,
    };
    for (const group of user.groups) if (!this.groups.has(group)) throw new Error(`no group ${group}`);
    this.users.set(name, user);
    return user;
  }

  /** A group with these identity policies (replaced if it exists). */
  createGroup(name: string, policies: readonly PolicyDocument[]): GroupRecord {
    const group: GroupRecord = { name, arn: `arn:aws:iam::${this.accountId}:group/${name}`, policies: [...policies] };
    this.groups.set(name, group);
    return group;
  }

  addUserToGroup(userName: string, groupName: string): void {
    if (!this.groups.has(groupName)) throw new Error(`no group ${groupName}`);
    const user = this.mustUser(userName);
    if (!user.groups.includes(groupName)) user.groups.push(groupName);
  }

  attachUserPolicy(userName: string, policy: PolicyDocument): void {
    this.mustUser(userName).policies.push(policy);
  }

  /** New long-term keys (AKIA...) for a user. */
  createAccessKey(userName: string): TestKey {
    this.mustUser(userName);
    const key: TestKey = { ...newLongTermCredentials(), userName };
    this.keys.set(key.accessKeyId, key);
    return key;
  }

  /** Keys of the account's root user (every action allowed; GetSessionToken capped at one hour). */
  rootKey(): TestKey {
    if (!this.users.has(ROOT_NAME)) {
      this.users.set(ROOT_NAME, {
        name: ROOT_NAME, path: '/', createDate: Date.UTC(2024, 0, 1), groups: [], policies: [], root: true,
        userId: this.accountId, arn: `arn:aws:iam::${this.accountId}:root`,
      });
    }
    return this.createAccessKey(ROOT_NAME);
  }

  /** An administrator (AdministratorAccess, no Force_MFA) with long-term keys. */
  adminUser(name = 'admin'): { userName: string; arn: string; key: TestKey } {
    const user = this.users.get(name) ?? this.createUser(name, { policies: [ADMIN_POLICY] });
    return { userName: name, arn: user.arn, key: this.createAccessKey(name) };
  }

  /**
   * A user set up exactly as the AWS guide says: member of the EC2MFA group, which carries the
   * Force_MFA policy and EC2's DescribeInstances; long-term keys; and, unless `device: false`, an
   * enabled virtual MFA device named after the user (its seed in `device.seedBase32`, for the vault).
   */
  tutorialUser(name = 'tutorial', options: { device?: boolean | string; path?: string } = {}): TutorialUser {
    if (!this.groups.has(TUTORIAL_GROUP)) this.createGroup(TUTORIAL_GROUP, [FORCE_MFA_POLICY, EC2MFA_POLICY]);
    const user = this.createUser(name, { path: options.path ?? '/', groups: [TUTORIAL_GROUP] });
    const key = this.createAccessKey(name);
    const deviceName = typeof options.device === 'string' ? options.device : name;
    const device = options.device === false ? undefined : this.seedDevice(deviceName, { userName: name });
    return { userName: name, arn: user.arn, key, ...(device ? { device } : {}) };
  }

  /** A role; by default the account may assume it (callers then need sts:AssumeRole in their own policies). */
  createRole(options: RoleOptions): RoleRecord {
    const path = options.path ?? '/';
    const role: RoleRecord = {
      name: options.name, path,
      roleId: `AROA${randomId(17)}`,
      arn: `arn:aws:iam::${this.accountId}:role${path}${options.name}`,
      trustPolicy: options.trust ?? trustPolicy({
        accountId: this.accountId,
        ...(options.trustedPrincipals ? { principals: options.trustedPrincipals } : {}),
        ...(options.requireMfa ? { requireMfa: true } : {}),
        ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
      }),
      policies: [...(options.policies ?? [])],
      maxSessionDuration: options.maxSessionDuration ?? 3_600,
    };
    this.roles.set(role.name, role);
    return role;
  }

  // ---- Introspection ----

  /** Temporary credentials issued so far (secrets included: for tests that look for leaks), oldest first. */
  sessions(filter: { userName?: string; kind?: 'session' | 'role' } = {}): SessionRecord[] {
    return [...this.issued.values()].filter((s) => (filter.userName === undefined || s.userName === filter.userName) && (filter.kind === undefined || s.kind === filter.kind));
  }

  /** Requests received for an action, optionally of one service / only successful ones / one caller. */
  calls(action?: string, filter: { service?: Service; ok?: boolean; accessKeyId?: string; userName?: string } = {}): RequestRecord[] {
    return this.requests.filter((r) => (action === undefined || r.action === action)
      && (filter.service === undefined || r.service === filter.service)
      && (filter.ok === undefined || (r.status === 200) === filter.ok)
      && (filter.accessKeyId === undefined || r.accessKeyId === filter.accessKeyId)
      && (filter.userName === undefined || r.userName === filter.userName));
  }

  /** How many requests of `action` arrived (answered or refused), optionally filtered as calls(). */
  count(action: string, filter: Parameters<IamServer['calls']>[1] = {}): number {
    return this.calls(action, filter).length;
  }

  // ---- Faults and timing ----

  /** Requests of `action` wait (after authentication) until release(); a client that disconnects meanwhile is dropped unprocessed. */
  hold(action: string): void {
    this.held.add(action);
  }

  release(action: string): void {
    this.held.delete(action);
    for (const entry of this.waiting.filter((w) => w.action === action)) entry.go();
  }

  /** The next `count` requests (of `action`, or any) fail with Throttling (400) — the SDK retries these itself. */
  throttle(count: number, action?: string): void {
    for (let i = 0; i < count; i++) this.injected.push({ action, code: 'Throttling', message: 'Rate exceeded' });
  }

  /** The next request of `action` (or any) fails with this error code. */
  injectError(code: string, message: string, action?: string): void {
    this.injected.push({ action, code, message });
  }

  /** The next Create answers with a seed other than the one the server keeps (wrong codes, every time). */
  misissueNextSeed(): void {
    this.misissue++;
  }

  // ---- Devices ----

  device(serialNumber: string): DeviceRecord | undefined {
    return this.devices.get(serialNumber);
  }

  allDevices(): DeviceRecord[] {
    return [...this.devices.values()];
  }

  /** Create a device directly (as the console would), optionally assigned. */
  seedDevice(name: string, options: { path?: string; userName?: string } = {}): DeviceRecord {
    const path = options.path ?? '/';
    const { bytes, base32 } = newSeed();
    const record: DeviceRecord = {
      serialNumber: this.serialFor(path, name), name, path, seed: bytes, seedBase32: base32, createDate: this.now(), driftSteps: 0,
    };
    if (options.userName) {
      record.userName = options.userName;
      record.enableDate = this.now();
    }
    this.devices.set(record.serialNumber, record);
    return record;
  }

  /** Code of a device at a server-clock time (default now): for tests acting as a person's device. */
  codeAt(serialNumber: string, serverTimeMs = this.now()): string {
    const device = this.mustDevice(serialNumber);
    return hotp6(device.seed, stepAt(serverTimeMs));
  }

  /**
   * A console sign-in with the device's code (drift +/- 1 step). Updates drift on success. It does
   * not apply or record the reuse rule (the console is another path); STS does.
   */
  verifySignIn(serialNumber: string, code: string): boolean {
    const device = this.mustDevice(serialNumber);
    if (!device.userName) return false;
    const cur = stepAt(this.now());
    for (let d = -CODE_WINDOWS.SIGN_IN_STEPS; d <= CODE_WINDOWS.SIGN_IN_STEPS; d++) {
      if (hotp6(device.seed, cur + device.driftSteps + d) === code) {
        device.driftSteps += d;
        return true;
      }
    }
    return false;
  }

  async close(): Promise<void> {
    for (const entry of this.waiting.splice(0)) entry.go();
    this.held.clear();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private serialFor(path: string, name: string): string {
    return `arn:aws:iam::${this.accountId}:mfa${path}${name}`;
  }

  private mustDevice(serialNumber: string): DeviceRecord {
    const device = this.devices.get(serialNumber);
    if (!device) throw new Error(`no device ${serialNumber}`);
    return device;
  }

  private mustUser(name: string): UserRecord {
    const user = this.users.get(name);
    if (!user) throw new Error(`no user ${name}`);
    return user;
  }

  private identityPolicies(p: Principal): readonly PolicyDocument[] | 'all' {
    if (p.kind === 'role') return p.role.policies;
    if (p.user.root) return 'all';
    return [...p.user.policies, ...p.user.groups.flatMap((g) => this.groups.get(g)?.policies ?? [])];
  }

  /** Identity-based authorization of `service:Action` on a resource, with AWS's AccessDenied wording. */
  private authorize(caller: Principal, action: string, resource: string): void {
    const policies = this.identityPolicies(caller);
    if (policies === 'all') return;
    const decision = evaluate(policies, { action, resource, context: requestContext(caller, this.now()) });
    if (decision !== 'Allow') throw fault('AccessDenied', denialMessage(principalArn(caller), action, resource, decision));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const params = Object.fromEntries(new URLSearchParams(req.method === 'POST' ? body.toString('utf8') : query));
    const action = params.Action ?? '';
    const service = serviceOf(credentialScope({ url: req.url ?? '/', headers: req.headers })?.service, params.Version);
    let caller: Principal | undefined;
    const send = (status: number, xml: string, errorCode?: string) => {
      const user = caller ? principalUser(caller) : undefined;
      this.requests.push({
        action, service, status, params,
        ...(errorCode !== undefined ? { errorCode } : {}),
        ...(user ? { userName: user.name } : {}),
        ...(caller ? { principalArn: principalArn(caller), accessKeyId: caller.kind === 'user' ? caller.accessKeyId : caller.session.accessKeyId } : {}),
      });
      this.events.emit('response', { action, service, status, errorCode });
      if (res.destroyed) return;
      res.writeHead(status, {
        'Content-Type': 'text/xml',
        'x-amzn-RequestId': requestId,
        // The SDK learns its clock offset (systemClockOffset) from this header: it comes from the server's clock.
        Date: new Date(this.now()).toUTCString(),
      });
      res.end(xml);
    };
    const sendFault = (error: ApiFault) => {
      if (service === 'ec2') {
        const e = ec2Fault(error);
        send(e.status, ec2ErrorXml(e.code, e.message, requestId), e.code);
        return;
      }
      const namespace = service === 'sts' ? STS_NAMESPACE : IAM_NAMESPACE;
      send(error.status, `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`, error.code);
    };
    try {
      if (path !== '/' || (req.method !== 'POST' && req.method !== 'GET')) throw new ApiFault(404, 'UnknownOperationException', 'Unknown operation.');
      caller = this.authenticate(req, body, service);
      const user = principalUser(caller);
      this.events.emit('request', { action, service, userName: user?.name, principalArn: principalArn(caller) });
      if (params.Version !== VERSIONS[service]) throw fault('ValidationError', `Could not find operation ${action} for version ${params.Version ?? 'NO_VERSION_SPECIFIED'}`);
      if (this.held.has(action)) {
        let entry: { action: string; go: () => void } | undefined;
        const dropped = await new Promise<boolean>((resolve) => {
          entry = { action, go: () => resolve(req.socket.destroyed) };
          this.waiting.push(entry);
          req.socket.once('close', () => resolve(true));
          this.events.emit('held', { action, userName: user?.name });
        });
        const index = entry ? this.waiting.indexOf(entry) : -1;
        if (index >= 0) this.waiting.splice(index, 1);
        if (dropped) {
          this.events.emit('dropped', { action, userName: user?.name });
          return;
        }
      }
      const injectedIndex = this.injected.findIndex((i) => i.action === undefined || i.action === action);
      if (injectedIndex >= 0) {
        const [injected] = this.injected.splice(injectedIndex, 1);
        throw fault(injected!.code, injected!.message);
      }
      if (service === 'ec2') {
        if (action !== 'DescribeInstances') throw new ApiFault(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
        this.authorize(caller, 'ec2:DescribeInstances', '*');
        send(200, `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${describeInstances(params, this.accountId)}</${action}Response>`);
        return;
      }
      const result = service === 'sts' ? this.sts.dispatch(action, params, caller) : await this.dispatch(action, params, caller);
      const namespace = service === 'sts' ? STS_NAMESPACE : IAM_NAMESPACE;
      send(200, `<${action}Response xmlns="${namespace}">${result === undefined ? '' : `<${action}Result>${result}</${action}Result>`}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
    } catch (error) {
      if (error instanceof ApiFault) sendFault(error);
      else sendFault(new ApiFault(500, 'ServiceFailure', 'Request processing has failed due to some unknown error, exception or failure.', 'Receiver'));
    }
  }

  /**
   * SigV4 for the request's service (IAM is global: us-east-1 only; STS and EC2 answer for whatever
   * region the client signs for, as a regional endpoint would), then the credentials: long-term
   * keys must carry no token; temporary ones exactly theirs, and not past expiry on the server's clock.
   */
  private authenticate(req: IncomingMessage, body: Buffer, service: Service): Principal {
    const scope = credentialScope({ url: req.url ?? '/', headers: req.headers });
    const region = service === 'iam' ? 'us-east-1' : scope?.region || 'us-east-1';
    const result = verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
      { region, service, secretFor: (id) => this.keys.get(id)?.secretAccessKey ?? this.issued.get(id)?.secretAccessKey },
    );
    if (!result.ok) {
      throw new ApiFault(result.code === 'MissingAuthenticationToken' || result.code === 'InvalidClientTokenId' || result.code === 'SignatureDoesNotMatch' ? 403 : 400, result.code, result.message);
    }
    const invalidToken = () => new ApiFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const expiredToken = () => new ApiFault(403, 'ExpiredToken', 'The security token included in the request is expired');
    const now = this.now();
    const session = this.issued.get(result.accessKeyId);
    let principal: Principal;
    if (session) {
      if (result.securityToken !== session.sessionToken) throw invalidToken();
      if (now >= session.expiration) throw expiredToken();
      if (session.kind === 'role') {
        const role = this.roles.get(session.roleName!);
        if (!role) throw invalidToken();
        principal = { kind: 'role', role, session };
      } else {
        principal = { kind: 'session', user: this.users.get(session.userName!)!, session };
      }
    } else {
      const key = this.keys.get(result.accessKeyId)!;
      if (result.securityToken !== key.sessionToken) throw invalidToken();
      if (key.expired) throw expiredToken();
      const user = this.users.get(key.userName);
      if (!user) throw invalidToken();
      principal = { kind: 'user', user, accessKeyId: key.accessKeyId };
    }
    const signed = parseAmzDate(result.amzDate);
    if (signed < now - MAX_REQUEST_SKEW_MS) {
      throw new ApiFault(403, 'SignatureDoesNotMatch', `Signature expired: ${result.amzDate} is now earlier than ${formatAmzDate(now - MAX_REQUEST_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`);
    }
    if (signed > now + MAX_REQUEST_SKEW_MS) {
      throw new ApiFault(403, 'SignatureDoesNotMatch', `Signature not yet current: ${result.amzDate} is still later than ${formatAmzDate(now + MAX_REQUEST_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`);
    }
    if (result.presignedExpiresSeconds !== undefined && signed + result.presignedExpiresSeconds * 1000 < now) {
      throw new ApiFault(403, 'AccessDenied', 'Request has expired');
    }
    // AWS: credentials from GetSessionToken call IAM only when MFA authenticated them.
    if (service === 'iam' && principal.kind === 'session' && !principal.session.mfa) throw invalidToken();
    return principal;
  }

  private required(params: Record<string, string>, name: string): string {
    const value = params[name];
    if (value === undefined || value === '') {
      throw fault('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    }
    return value;
  }

  private pattern(name: string, value: string, pattern: RegExp, description: string): void {
    if (!pattern.test(value)) {
      throw fault('ValidationError', `1 validation error detected: Value '${value}' at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: ${description}`);
    }
  }

  private user(name: string): UserRecord {
    const user = name === ROOT_NAME ? undefined : this.users.get(name);
    if (!user) throw fault('NoSuchEntity', `The user with name ${name} cannot be found.`);
    return user;
  }

  /** The user an IAM call without UserName is about: the caller's own (role sessions must name one). */
  private callerUser(caller: Principal): UserRecord {
    const user = principalUser(caller);
    if (!user) throw fault('ValidationError', 'Must specify userName when calling with non-User credentials');
    return user;
  }

  private codes(params: Record<string, string>): [string, string] {
    const c1 = this.required(params, 'AuthenticationCode1');
    const c2 = this.required(params, 'AuthenticationCode2');
    this.pattern('AuthenticationCode1', c1, CODE_PATTERN, 'Member must satisfy regular expression pattern: [\\d]+ and have length 6');
    this.pattern('AuthenticationCode2', c2, CODE_PATTERN, 'Member must satisfy regular expression pattern: [\\d]+ and have length 6');
    return [c1, c2];
  }

  /** The step s with (c1, c2) = (TOTP(s), TOTP(s+1)) within [cur+from, cur+to], nearest to now first. */
  private matchPair(device: DeviceRecord, c1: string, c2: string, from: number, to: number): number | undefined {
    const cur = stepAt(this.now());
    const candidates: number[] = [];
    for (let s = cur + from; s <= cur + to; s++) candidates.push(s);
    candidates.sort((a, b) => Math.abs(a - cur) - Math.abs(b - cur));
    return candidates.find((s) => hotp6(device.seed, s) === c1 && hotp6(device.seed, s + 1) === c2);
  }

  private driftAfterPair(s: number): number {
    const cur = stepAt(this.now());
    if (s === cur || s === cur - 1) return 0;
    return s > cur ? s - cur : s + 1 - cur;
  }

  private listPage<T>(items: T[], params: Record<string, string>): { page: T[]; marker?: string } {
    const max = Math.min(Math.max(Number(params.MaxItems ?? '100') || 100, 1), 1000);
    const start = params.Marker ? Number(Buffer.from(params.Marker, 'base64').toString('utf8')) || 0 : 0;
    const page = items.slice(start, start + max);
    return start + max < items.length ? { page, marker: Buffer.from(String(start + max)).toString('base64') } : { page };
  }

  private truncation(marker: string | undefined): string {
    return marker === undefined ? '<IsTruncated>false</IsTruncated>' : `<IsTruncated>true</IsTruncated><Marker>${marker}</Marker>`;
  }

  private async dispatch(action: string, params: Record<string, string>, caller: Principal): Promise<string | undefined> {
    switch (action) {
      case 'GetUser': {
        const user = params.UserName ? this.user(params.UserName) : this.callerUser(caller);
        this.authorize(caller, 'iam:GetUser', user.arn);
        return `<User>${userXml(user)}</User>`;
      }
      case 'CreateVirtualMFADevice': {
        const name = this.required(params, 'VirtualMFADeviceName');
        const path = params.Path ?? '/';
        this.pattern('VirtualMFADeviceName', name, NAME_PATTERN, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
        this.pattern('Path', path, PATH_PATTERN, 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)');
        const serialNumber = this.serialFor(path, name);
        this.authorize(caller, 'iam:CreateVirtualMFADevice', serialNumber);
        if (this.devices.has(serialNumber)) throw fault('EntityAlreadyExists', 'MFADevice entity at the same path and name already exists.');
        const { bytes, base32 } = newSeed();
        const device: DeviceRecord = { serialNumber, name, path, seed: bytes, seedBase32: base32, createDate: this.now(), driftSteps: 0 };
        this.devices.set(serialNumber, device);
        let issued = base32;
        if (this.misissue > 0) {
          this.misissue--;
          issued = newSeed().base32;
        }
        const uri = `otpauth://totp/Amazon%20Web%20Services:${encodeURIComponent(name)}@${this.accountId}?secret=${issued}&issuer=Amazon%20Web%20Services`;
        const png = await QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 });
        this.events.emit('created', { serialNumber, userName: principalUser(caller)?.name });
        return `<VirtualMFADevice>${el('SerialNumber', serialNumber)}<Base32StringSeed>${Buffer.from(issued, 'ascii').toString('base64')}</Base32StringSeed><QRCodePNG>${png.toString('base64')}</QRCodePNG></VirtualMFADevice>`;
      }
      case 'EnableMFADevice':
      case 'ResyncMFADevice': {
        const user = this.user(this.required(params, 'UserName'));
        const serialNumber = this.required(params, 'SerialNumber');
        this.pattern('SerialNumber', serialNumber, SERIAL_PATTERN, 'Member must satisfy regular expression pattern: [\\w+=/:,.@-]+');
        const [c1, c2] = this.codes(params);
        this.authorize(caller, `iam:${action}`, user.arn);
        const device = this.devices.get(serialNumber);
        const invalid = () => fault('InvalidAuthenticationCode', 'Authentication code for device is not valid.');
        if (action === 'EnableMFADevice') {
          if (!device) throw fault('NoSuchEntity', `VirtualMFADevice with serial number ${serialNumber} does not exist.`);
          if (device.userName !== undefined) throw fault('EntityAlreadyExists', 'MFA Device is already in use.');
          const assigned = [...this.devices.values()].filter((d) => d.userName === user.name).length;
          if (assigned >= MFA_DEVICES_PER_USER) throw fault('LimitExceeded', `Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
          const s = this.matchPair(device, c1, c2, -CODE_WINDOWS.ENABLE_PAST_STEPS, CODE_WINDOWS.FUTURE_STEPS);
          if (s === undefined || !pairUnused(device, s)) throw invalid();
          recordPair(device, s);
          device.userName = user.name;
          device.enableDate = this.now();
          device.driftSteps = this.driftAfterPair(s);
          this.events.emit('enabled', { serialNumber, userName: user.name, driftSteps: device.driftSteps });
        } else {
          if (!device || device.userName !== user.name) throw fault('NoSuchEntity', `MFA Device with serial number ${serialNumber} does not exist.`);
          const s = this.matchPair(device, c1, c2, -CODE_WINDOWS.RESYNC_STEPS, CODE_WINDOWS.RESYNC_STEPS);
          if (s === undefined || !pairUnused(device, s)) throw invalid();
          recordPair(device, s);
          device.driftSteps = this.driftAfterPair(s);
        }
        return undefined;
      }
      case 'ListMFADevices': {
        const user = params.UserName ? this.user(params.UserName) : this.callerUser(caller);
        this.authorize(caller, 'iam:ListMFADevices', user.arn);
        const devices = [...this.devices.values()].filter((d) => d.userName === user.name);
        const { page, marker } = this.listPage(devices, params);
        const members = page.map((d) => `<member>${el('UserName', user.name)}${el('SerialNumber', d.serialNumber)}<EnableDate>${isoDate(d.enableDate ?? 0)}</EnableDate></member>`).join('');
        return `<MFADevices>${members}</MFADevices>${this.truncation(marker)}`;
      }
      case 'ListVirtualMFADevices': {
        this.authorize(caller, 'iam:ListVirtualMFADevices', `arn:aws:iam::${this.accountId}:mfa/`);
        const status = params.AssignmentStatus ?? 'Any';
        if (!['Assigned', 'Unassigned', 'Any'].includes(status)) {
          this.pattern('AssignmentStatus', status, /^$/, 'Member must satisfy enum value set: [Unassigned, Any, Assigned]');
        }
        const devices = [...this.devices.values()].filter((d) => status === 'Any' || (status === 'Assigned') === (d.userName !== undefined));
        const { page, marker } = this.listPage(devices, params);
        const members = page.map((d) => {
          const user = d.userName === undefined ? undefined : this.users.get(d.userName);
          return `<member>${el('SerialNumber', d.serialNumber)}${user ? `<User>${userXml(user)}</User>` : ''}${d.enableDate === undefined ? '' : `<EnableDate>${isoDate(d.enableDate)}</EnableDate>`}</member>`;
        }).join('');
        return `<VirtualMFADevices>${members}</VirtualMFADevices>${this.truncation(marker)}`;
      }
      case 'DeactivateMFADevice': {
        const serialNumber = this.required(params, 'SerialNumber');
        const user = params.UserName ? this.user(params.UserName) : this.callerUser(caller);
        this.authorize(caller, 'iam:DeactivateMFADevice', user.arn);
        const device = this.devices.get(serialNumber);
        if (!device || device.userName !== user.name) throw fault('NoSuchEntity', `MFA Device with serial number ${serialNumber} does not exist.`);
        delete device.userName;
        delete device.enableDate;
        device.driftSteps = 0;
        return undefined;
      }
      case 'DeleteVirtualMFADevice': {
        const serialNumber = this.required(params, 'SerialNumber');
        this.authorize(caller, 'iam:DeleteVirtualMFADevice', serialNumber);
        const device = this.devices.get(serialNumber);
        if (!device) throw fault('NoSuchEntity', `VirtualMFADevice with serial number ${serialNumber} does not exist.`);
        if (device.userName !== undefined) throw fault('DeleteConflict', 'MFA device is still in use by a user; deactivate it first.');
        this.devices.delete(serialNumber);
        return undefined;
      }
      default:
        throw new ApiFault(400, 'InvalidAction', `Could not find operation ${action} for version ${IAM_VERSION}`);
    }
  }
}

export const startIamServer = (options?: IamServerOptions) => IamServer.start(options);
