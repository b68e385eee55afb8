/**
 * An IAM-compatible HTTP server for tests (DESIGN.md sections 5 and 6): the Query protocol on
 * `POST /`, SigV4 verification for `iam`/`us-east-1` with known test keys, XML replies and errors in
 * IAM's namespace and statuses, virtual MFA devices per user, and one-time codes checked on the
 * server's OWN clock, which tests can set ahead of or behind the machine's. The real
 * @aws-sdk/client-iam talks to it through AWS_ENDPOINT_URL_IAM or a profile's endpoint_url.
 *
 * Code arithmetic uses node:crypto directly (./totp.ts), never Authdesk's core/otp.
 * Fidelity and its limits are documented in docs/aws.md ("The test IAM server").
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import { formatAmzDate, parseAmzDate, verifySigV4 } from './sigv4.js';
import { hotp6, newSeed, stepAt } from './totp.js';

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
 * - Sign-in (verifySignIn): the device's recorded drift +/- 1 step.
 * After Enable/Resync the device's drift is 0 when s is cur - 1 or cur (a person's "wait for the
 * second code" pair, or current+next), else the distance of the pair from now: codes sent more than
 * ~90 s late leave the device out of sync (|drift| > 1), as AWS warns.
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
  /** IAM actions (without "iam:") this user may call; '*' for all. */
  readonly permissions: '*' | readonly string[];
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
}

export interface RequestRecord {
  readonly action: string;
  readonly userName?: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly params: Readonly<Record<string, string>>;
}

interface UserRecord extends TestUser {
  readonly path: string;
  readonly userId: string;
  readonly arn: string;
  readonly createDate: number;
}

class IamFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

const ERROR_STATUS: Record<string, number> = {
  AccessDenied: 403,
  InvalidAuthenticationCode: 403,
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

function fault(code: string, message: string): IamFault {
  return new IamFault(ERROR_STATUS[code] ?? 400, code, message, code === 'ServiceFailure' ? 'Receiver' : 'Sender');
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function el(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
}

const NAME_PATTERN = /^[\w+=,.@-]{1,226}$/;
const PATH_PATTERN = /^(\/|\/[\u0021-\u007f]+\/)$/;
const SERIAL_PATTERN = /^[\w+=/:,.@-]{9,256}$/;
const CODE_PATTERN = /^\d{6}$/;

function userXml(user: UserRecord): string {
  return `<UserId>${user.userId}</UserId>${el('Path', user.path)}${el('UserName', user.name)}${el('Arn', user.arn)}<CreateDate>${isoDate(user.createDate)}</CreateDate>`;
}

export class IamServer {
  readonly events = new EventEmitter();
  readonly requests: RequestRecord[] = [];
  readonly accountId: string;
  clockOffsetMs: number;
  private readonly http: Server;
  private readonly users = new Map<string, UserRecord>();
  private readonly keys = new Map<string, TestKey>();
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly held = new Set<string>();
  private readonly waiting: Array<{ action: string; go: () => void }> = [];
  private readonly injected: Array<{ action: string | undefined; code: string; message: string }> = [];
  private port = 0;
  private misissue = 0;

  constructor(options: IamServerOptions = {}) {
    this.accountId = options.accountId ?? TEST_ACCOUNT_ID;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    for (const user of options.users ?? TEST_USERS) {
      const path = user.path ?? '/';
      this.users.set(user.name, {
        ...user, path, createDate: Date.UTC(2024, 0, 15, 9, 30, 0),
        userId: `AIDA${Buffer.from(user.name).toString('hex').toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
        arn: `arn:aws:iam::${this.accountId}:user${path}${user.name}`,
      });
    }
    for (const key of options.keys ?? Object.values(TEST_KEYS)) this.keys.set(key.accessKeyId, key);
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

  /** The next request of `action` (or any) fails with this IAM error code. */
  injectError(code: string, message: string, action?: string): void {
    this.injected.push({ action, code, message });
  }

  /** The next Create answers with a seed other than the one the server keeps (wrong codes, every time). */
  misissueNextSeed(): void {
    this.misissue++;
  }

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

  /** A sign-in with the device's code (what STS/console would check). Updates drift on success. */
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

  count(action: string): number {
    return this.requests.filter((r) => r.action === action).length;
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const params = Object.fromEntries(new URLSearchParams(req.method === 'POST' ? body.toString('utf8') : query));
    const action = params.Action ?? '';
    let userName: string | undefined;
    const send = (status: number, xml: string, errorCode?: string) => {
      this.requests.push(errorCode === undefined ? { action, status, params, ...(userName ? { userName } : {}) } : { action, status, errorCode, params, ...(userName ? { userName } : {}) });
      this.events.emit('response', { action, status, errorCode });
      if (res.destroyed) return;
      res.writeHead(status, {
        'Content-Type': 'text/xml',
        'x-amzn-RequestId': requestId,
        // The SDK learns its clock offset (systemClockOffset) from this header: it comes from the server's clock.
        Date: new Date(this.now()).toUTCString(),
      });
      res.end(xml);
    };
    const sendFault = (error: IamFault) => {
      send(error.status, `<ErrorResponse xmlns="${IAM_NAMESPACE}"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`, error.code);
    };
    try {
      if (path !== '/' || (req.method !== 'POST' && req.method !== 'GET')) throw new IamFault(404, 'UnknownOperationException', 'Unknown operation.');
      const caller = this.authenticate(req, body);
      userName = caller.name;
      this.events.emit('request', { action, userName });
      if (params.Version !== IAM_VERSION) throw fault('ValidationError', `Could not find operation ${action} for version ${params.Version ?? 'NO_VERSION_SPECIFIED'}`);
      if (this.held.has(action)) {
        let entry: { action: string; go: () => void } | undefined;
        const dropped = await new Promise<boolean>((resolve) => {
          entry = { action, go: () => resolve(req.socket.destroyed) };
          this.waiting.push(entry);
          req.socket.once('close', () => resolve(true));
          this.events.emit('held', { action, userName });
        });
        const index = entry ? this.waiting.indexOf(entry) : -1;
        if (index >= 0) this.waiting.splice(index, 1);
        if (dropped) {
          this.events.emit('dropped', { action, userName });
          return;
        }
      }
      const injectedIndex = this.injected.findIndex((i) => i.action === undefined || i.action === action);
      if (injectedIndex >= 0) {
        const [injected] = this.injected.splice(injectedIndex, 1);
        throw fault(injected!.code, injected!.message);
      }
      const result = await this.dispatch(action, params, caller);
      send(200, `<${action}Response xmlns="${IAM_NAMESPACE}">${result === undefined ? '' : `<${action}Result>${result}</${action}Result>`}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
    } catch (error) {
      if (error instanceof IamFault) sendFault(error);
      else sendFault(new IamFault(500, 'ServiceFailure', 'Request processing has failed due to some unknown error, exception or failure.', 'Receiver'));
    }
  }

  private authenticate(req: IncomingMessage, body: Buffer): UserRecord {
    const result = verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
      { region: 'us-east-1', service: 'iam', secretFor: (id) => this.keys.get(id)?.secretAccessKey },
    );
    if (!result.ok) {
      throw new IamFault(result.code === 'MissingAuthenticationToken' || result.code === 'InvalidClientTokenId' || result.code === 'SignatureDoesNotMatch' ? 403 : 400, result.code, result.message);
    }
    const key = this.keys.get(result.accessKeyId)!;
    if (key.sessionToken !== undefined && result.securityToken !== key.sessionToken) {
      throw new IamFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (key.expired) throw new IamFault(403, 'ExpiredToken', 'The security token included in the request is expired');
    const signed = parseAmzDate(result.amzDate);
    const now = this.now();
    if (signed < now - MAX_REQUEST_SKEW_MS) {
      throw new IamFault(403, 'SignatureDoesNotMatch', `Signature expired: ${result.amzDate} is now earlier than ${formatAmzDate(now - MAX_REQUEST_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`);
    }
    if (signed > now + MAX_REQUEST_SKEW_MS) {
      throw new IamFault(403, 'SignatureDoesNotMatch', `Signature not yet current: ${result.amzDate} is still later than ${formatAmzDate(now + MAX_REQUEST_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`);
    }
    const user = this.users.get(key.userName);
    if (!user) throw new IamFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    return user;
  }

  private authorize(caller: UserRecord, action: string, resource: string): void {
    if (caller.permissions === '*' || caller.permissions.includes(action)) return;
    throw fault('AccessDenied', `User: ${caller.arn} is not authorized to perform: iam:${action} on resource: ${resource} because no identity-based policy allows the iam:${action} action`);
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
    const user = this.users.get(name);
    if (!user) throw fault('NoSuchEntity', `The user with name ${name} cannot be found.`);
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

  private async dispatch(action: string, params: Record<string, string>, caller: UserRecord): Promise<string | undefined> {
    switch (action) {
      case 'GetUser': {
        const user = params.UserName ? this.user(params.UserName) : caller;
        this.authorize(caller, action, user.arn);
        return `<User>${userXml(user)}</User>`;
      }
      case 'CreateVirtualMFADevice': {
        const name = this.required(params, 'VirtualMFADeviceName');
        const path = params.Path ?? '/';
        this.pattern('VirtualMFADeviceName', name, NAME_PATTERN, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
        this.pattern('Path', path, PATH_PATTERN, 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)');
        const serialNumber = this.serialFor(path, name);
        this.authorize(caller, action, serialNumber);
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
        this.events.emit('created', { serialNumber, userName: caller.name });
        return `<VirtualMFADevice>${el('SerialNumber', serialNumber)}<Base32StringSeed>${Buffer.from(issued, 'ascii').toString('base64')}</Base32StringSeed><QRCodePNG>${png.toString('base64')}</QRCodePNG></VirtualMFADevice>`;
      }
      case 'EnableMFADevice':
      case 'ResyncMFADevice': {
        const user = this.user(this.required(params, 'UserName'));
        const serialNumber = this.required(params, 'SerialNumber');
        this.pattern('SerialNumber', serialNumber, SERIAL_PATTERN, 'Member must satisfy regular expression pattern: [\\w+=/:,.@-]+');
        const [c1, c2] = this.codes(params);
        this.authorize(caller, action, user.arn);
        const device = this.devices.get(serialNumber);
        if (action === 'EnableMFADevice') {
          if (!device) throw fault('NoSuchEntity', `VirtualMFADevice with serial number ${serialNumber} does not exist.`);
          if (device.userName !== undefined) throw fault('EntityAlreadyExists', 'MFA Device is already in use.');
          const assigned = [...this.devices.values()].filter((d) => d.userName === user.name).length;
          if (assigned >= MFA_DEVICES_PER_USER) throw fault('LimitExceeded', `Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
          const s = this.matchPair(device, c1, c2, -CODE_WINDOWS.ENABLE_PAST_STEPS, CODE_WINDOWS.FUTURE_STEPS);
          if (s === undefined) throw fault('InvalidAuthenticationCode', 'Authentication code for device is not valid.');
          device.userName = user.name;
          device.enableDate = this.now();
          device.driftSteps = this.driftAfterPair(s);
          this.events.emit('enabled', { serialNumber, userName: user.name, driftSteps: device.driftSteps });
        } else {
          if (!device || device.userName !== user.name) throw fault('NoSuchEntity', `MFA Device with serial number ${serialNumber} does not exist.`);
          const s = this.matchPair(device, c1, c2, -CODE_WINDOWS.RESYNC_STEPS, CODE_WINDOWS.RESYNC_STEPS);
          if (s === undefined) throw fault('InvalidAuthenticationCode', 'Authentication code for device is not valid.');
          device.driftSteps = this.driftAfterPair(s);
        }
        return undefined;
      }
      case 'ListMFADevices': {
        const user = params.UserName ? this.user(params.UserName) : caller;
        this.authorize(caller, action, user.arn);
        const devices = [...this.devices.values()].filter((d) => d.userName === user.name);
        const { page, marker } = this.listPage(devices, params);
        const members = page.map((d) => `<member>${el('UserName', user.name)}${el('SerialNumber', d.serialNumber)}<EnableDate>${isoDate(d.enableDate ?? 0)}</EnableDate></member>`).join('');
        return `<MFADevices>${members}</MFADevices>${this.truncation(marker)}`;
      }
      case 'ListVirtualMFADevices': {
        this.authorize(caller, action, `arn:aws:iam::${this.accountId}:mfa/`);
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
        const user = params.UserName ? this.user(params.UserName) : caller;
        this.authorize(caller, action, user.arn);
        const device = this.devices.get(serialNumber);
        if (!device || device.userName !== user.name) throw fault('NoSuchEntity', `MFA Device with serial number ${serialNumber} does not exist.`);
        delete device.userName;
        delete device.enableDate;
        device.driftSteps = 0;
        return undefined;
      }
      case 'DeleteVirtualMFADevice': {
        const serialNumber = this.required(params, 'SerialNumber');
        this.authorize(caller, action, serialNumber);
        const device = this.devices.get(serialNumber);
        if (!device) throw fault('NoSuchEntity', `VirtualMFADevice with serial number ${serialNumber} does not exist.`);
        if (device.userName !== undefined) throw fault('DeleteConflict', 'MFA device is still in use by a user; deactivate it first.');
        this.devices.delete(serialNumber);
        return undefined;
      }
      default:
        throw new IamFault(400, 'InvalidAction', `Could not find operation ${action} for version ${IAM_VERSION}`);
    }
  }
}

export const startIamServer = (options?: IamServerOptions) => IamServer.start(options);
