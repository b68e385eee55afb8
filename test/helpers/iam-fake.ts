/**
 * An in-memory IamPort double for unit tests of core/iam: devices per user, codes checked with the
 * test server's own node:crypto TOTP (not core/otp) on a fake AWS clock = fake local clock + offset.
 * Failures are scripted per call. Integration tests use the real SDK against test/iam-server instead.
 */
import { AwsError } from '../../core/errors.js';
import { AWS_ERRORS, type AssignmentStatus, type IamPort, type IamUser } from '../../core/iam/port.js';
import { base32Decode, hotp6, newSeed, stepAt } from '../iam-server/totp.js';

export interface FakeDevice { serialNumber: string; seed: string; userName?: string }

export class FakeClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

export class FakeIam implements IamPort {
  readonly devices = new Map<string, FakeDevice>();
  readonly calls: string[] = [];
  /** Scripted failures: action -> queue of error codes (AWS_ERRORS values) for the next calls. */
  readonly failures = new Map<string, string[]>();
  /** Steps of the pairs received by Enable/Resync (first code's step on the AWS clock), accepted or not. */
  readonly pairSteps: number[] = [];
  /** What Enable applies before failing (simulates a lost answer: AWS processed it, the reply never came). */
  applyThenFail = new Set<string>();
  sawResponse = false;
  /** Accepted steps relative to AWS's current step for the first code. */
  window = { from: -1, to: 0 };
  constructor(readonly clock: FakeClock, public awsOffsetMs: number, readonly accountId = '123456789012') {}

  private awsNow(): number {
    return this.clock.ms + this.awsOffsetMs;
  }

  private fail(action: string): void {
    this.calls.push(action);
    this.sawResponse = true;
    const code = this.failures.get(action)?.shift();
    if (code && !this.applyThenFail.has(action)) throw new AwsError(code, `scripted ${code}`);
  }

  private failAfter(action: string): void {
    if (this.applyThenFail.has(action)) {
      this.applyThenFail.delete(action);
      throw new AwsError(AWS_ERRORS.TIMEOUT, 'scripted timeout after apply');
    }
  }

  serverClockOffsetMs(): number {
    return this.sawResponse ? this.awsOffsetMs : 0;
  }

  async getUser(userName?: string): Promise<IamUser> {
    this.fail('GetUser');
    const name = userName ?? 'alice';
    if (name === 'nobody') throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, 'no user');
    return { userName: name, userId: 'AIDA1', arn: `arn:aws:iam::${this.accountId}:user/${name}`, path: '/', accountId: this.accountId, partition: 'aws' };
  }

  async createVirtualMfaDevice(name: string, path: string) {
    this.fail('CreateVirtualMFADevice');
    const serialNumber = `arn:aws:iam::${this.accountId}:mfa${path}${name}`;
    if (this.devices.has(serialNumber)) throw new AwsError(AWS_ERRORS.ENTITY_EXISTS, 'exists');
    const seed = newSeed().base32;
    this.devices.set(serialNumber, { serialNumber, seed });
    return { serialNumber, base32Seed: seed };
  }

  /** Records the step the pair was made for (whatever happens next), then checks it against the window. */
  private record(device: FakeDevice | undefined, c1: string, c2: string): number | undefined {
    if (!device) return undefined;
    const cur = stepAt(this.awsNow());
    const key = base32Decode(device.seed);
    for (let s = cur - 30; s <= cur + 30; s++) {
      if (hotp6(key, s) === c1 && hotp6(key, s + 1) === c2) {
        this.pairSteps.push(s);
        return s - cur;
      }
    }
    return undefined;
  }

  private inWindow(relative: number | undefined): boolean {
    return relative !== undefined && relative >= this.window.from && relative <= this.window.to;
  }

  async enableMfaDevice(userName: string, serialNumber: string, code1: string, code2: string): Promise<void> {
    const device = this.devices.get(serialNumber);
    const relative = this.record(device, code1, code2);
    this.fail('EnableMFADevice');
    if (!device) throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, 'no device');
    if (device.userName) throw new AwsError(AWS_ERRORS.ENTITY_EXISTS, 'in use');
    if ([...this.devices.values()].filter((d) => d.userName === userName).length >= 8) throw new AwsError(AWS_ERRORS.LIMIT_EXCEEDED, 'limit');
    if (!this.inWindow(relative)) throw new AwsError(AWS_ERRORS.INVALID_CODE, 'invalid');
    device.userName = userName;
    this.failAfter('EnableMFADevice');
  }

  async resyncMfaDevice(userName: string, serialNumber: string, code1: string, code2: string): Promise<void> {
    const device = this.devices.get(serialNumber);
    const relative = this.record(device, code1, code2);
    this.fail('ResyncMFADevice');
    if (!device || device.userName !== userName) throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, 'no device');
    if (!this.inWindow(relative)) throw new AwsError(AWS_ERRORS.INVALID_CODE, 'invalid');
  }

  async listMfaDevices(userName?: string) {
    this.fail('ListMFADevices');
    const name = userName ?? 'alice';
    return [...this.devices.values()].filter((d) => d.userName === name).map((d) => ({ serialNumber: d.serialNumber, userName: name, enableDate: '2024-01-01T00:00:00.000Z' }));
  }

  async listVirtualMfaDevices(status: AssignmentStatus) {
    this.fail('ListVirtualMFADevices');
    return [...this.devices.values()]
      .filter((d) => status === 'Any' || (status === 'Assigned') === (d.userName !== undefined))
      .map((d) => (d.userName ? { serialNumber: d.serialNumber, userName: d.userName } : { serialNumber: d.serialNumber }));
  }

  async deactivateMfaDevice(userName: string | undefined, serialNumber: string): Promise<void> {
    this.fail('DeactivateMFADevice');
    const device = this.devices.get(serialNumber);
    if (!device || device.userName !== (userName ?? 'alice')) throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, 'not assigned');
    delete device.userName;
  }

  async deleteVirtualMfaDevice(serialNumber: string): Promise<void> {
    this.fail('DeleteVirtualMFADevice');
    const device = this.devices.get(serialNumber);
    if (!device) throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, 'no device');
    if (device.userName) throw new AwsError(AWS_ERRORS.DELETE_CONFLICT, 'in use');
    this.devices.delete(serialNumber);
  }
}
