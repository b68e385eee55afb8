/**
 * AWS IAM flows over an IamPort and the vault: enroll a new virtual MFA device, finish or clean up
 * an enrollment left pending, resync, link, list, deactivate and delete. Pure TypeScript.
 *
 * The invariant: once AWS has issued a seed, it is in the vault (status 'pending') before any code
 * is sent, and no failure afterwards removes it while the device may still exist on AWS.
 * The flows report each step through `onProgress`, so the CLI prints it and the app's wizard shows it.
 */
import { AwsError, isAuthdeskError } from '../errors.js';
import type { VaultApi } from '../vault/api.js';
import type { Account } from '../vault/model.js';
import type { Clock } from '../vault/ports.js';
import type { CodeLedgerPort } from '../aws/code-reuse.js';
import { AWS_CODE_TIMING, awsNow, freshCodePair, type CodePair, type CodeTiming, type PairAlignment } from './codes.js';
import { AWS_ERRORS, TRANSIENT_AWS_ERRORS, type IamPort, type IamUser, type MfaDeviceInfo, type VirtualMfaDeviceInfo } from './port.js';
import { arnAccount, checkDeviceName, checkDevicePath, parseMfaSerial, serialFor } from './serial.js';

export const AWS_ISSUER = 'Amazon Web Services';
export const MFA_DEVICES_PER_USER = 8;

export type AwsVault = Pick<VaultApi, 'add' | 'update' | 'get' | 'list' | 'code' | 'remove'>;

export type FlowStep =
  | 'identify' | 'check-devices' | 'create' | 'find-existing' | 'delete-device' | 'store' | 'wait'
  | 'enable' | 'remeasure' | 'activate' | 'resync' | 'check-device' | 'remove-local' | 'deactivate';

export interface FlowEvent {
  readonly step: FlowStep;
  readonly state: 'running' | 'done' | 'failed';
  /** A sentence for a person ("Creating the virtual MFA device laptop…"). */
  readonly message: string;
  readonly waitMs?: number;
}

export interface FlowDeps {
  readonly iam: IamPort;
  readonly vault: AwsVault;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onProgress?: (event: FlowEvent) => void;
  readonly timing?: Partial<CodeTiming>;
  /**
   * The used-code ledger (core/aws/code-reuse.ts, node/aws/code-ledger.ts): pairs sent to AWS are
   * recorded there, and never use a step already used by a session or an `authdesk code` for
   * another program. Absent only in unit tests of the flows themselves.
   */
  readonly ledger?: CodeLedgerPort;
}

/** What a person can do next, carried in AwsError.details.choices. */
export type FlowChoice =
  | 'retry' // finish the pending enrollment (fresh codes)
  | 'delete-device' // delete the unassigned device on AWS and the pending account
  | 'keep' // leave it pending for later
  | 'delete-and-retry' // delete the unassigned device of that name and create it again
  | 'rename' // choose another device name
  | 'remove-local'; // remove the pending account (its device is gone)

export interface EnrollRequest {
  readonly deviceName: string;
  /** Default: the caller (GetUser with no name). */
  readonly userName?: string;
  /** IAM path, default "/". */
  readonly path?: string;
  /** When the name is taken by an unassigned device (a cancelled console enrollment): delete it and create again. */
  readonly replaceUnassigned?: boolean;
}

export interface EnrollResult {
  readonly account: Account;
  readonly serialNumber: string;
  readonly userName: string;
  readonly accountId: string;
  /** true when AWS had already accepted the device (a finish after a crash found it assigned). */
  readonly alreadyEnabled?: boolean;
}

function emit(deps: FlowDeps, step: FlowStep, state: FlowEvent['state'], message: string, waitMs?: number): void {
  deps.onProgress?.(waitMs === undefined ? { step, state, message } : { step, state, message, waitMs });
}

function awsCodeOf(error: unknown): string | undefined {
  return isAuthdeskError(error) ? error.code : undefined;
}

const PENDING_NOTE = 'The key AWS issued is saved in Authdesk as a pending account, so nothing is lost.';

/** Wrap a failure after the seed was stored: same code, the original sentence, the pending note and choices. */
function pendingFailure(error: unknown, account: Account, userName: string, choices: readonly FlowChoice[], lead?: string): AwsError {
  const base = isAuthdeskError(error) ? error : undefined;
  const message = [lead ?? base?.message ?? 'Enabling the device failed.', PENDING_NOTE].join(' ');
  return new AwsError(base?.code ?? AWS_ERRORS.UNKNOWN, message, {
    cause: error,
    details: {
      ...(base?.details ?? {}),
      pending: true,
      accountId: account.id,
      serialNumber: account.awsSerial,
      userName,
      choices,
    },
  });
}

function codeSource(deps: FlowDeps, account: Account): (awsTimeMs: number) => Promise<string> {
  // AWS's clock is the authority: cancel any per-account step adjustment (meant for other services).
  const adjustMs = (account.stepAdjust ?? 0) * account.period * 1000;
  return async (awsTimeMs) => (await deps.vault.code(account.id, awsTimeMs - adjustMs)).code;
}

/**
 * Send two consecutive codes (Enable or Resync): first attempt 'previous-current'; on
 * InvalidAuthenticationCode re-measure AWS's clock with one cheap call and retry once, on fresh steps.
 * Rejects with the port's AwsError of the last attempt.
 */
async function submitCodes(
  deps: FlowDeps, account: Account, userName: string, kind: 'enable' | 'resync',
): Promise<{ attempts: number; pair: CodePair }> {
  const codeAt = codeSource(deps, account);
  const serial = account.awsSerial!;
  const call = (pair: CodePair) =>
    kind === 'enable'
      ? deps.iam.enableMfaDevice(userName, serial, pair.code1, pair.code2)
      : deps.iam.resyncMfaDevice(userName, serial, pair.code1, pair.code2);
  const pairDeps = {
    iam: deps.iam, clock: deps.clock, sleep: deps.sleep, ...(deps.timing ? { timing: deps.timing } : {}),
    onWait: (ms: number, reason: 'boundary' | 'fresh-step') =>
      emit(deps, 'wait', 'running', reason === 'boundary'
        ? `Waiting ${Math.ceil(ms / 1000)} s for the next 30-second step on AWS's clock, so the codes do not expire in transit…`
        : `Waiting ${Math.ceil(ms / 1000)} s for fresh codes (a code is never sent twice)…`, ms),
  };
  const verb = kind === 'enable' ? 'Enabling' : 'Resynchronizing';
  let lastStep = Number.NEGATIVE_INFINITY;
  const alignments: PairAlignment[] = ['previous-current', 'current-next'];
  const claimPair = async (alignment: PairAlignment): Promise<CodePair> => {
    if (!deps.ledger) return freshCodePair(codeAt, alignment, lastStep + 1, pairDeps);
    // Under the account's ledger lock: a step used elsewhere (a session, a code handed to aws-vault)
    // is never sent again. When the previous step is taken, 'current-next' avoids a 30 s wait.
    return deps.ledger.claim(account.id, async (used) => {
      const minStep = Math.max(lastStep + 1, used === undefined ? Number.NEGATIVE_INFINITY : used + 1);
      const periodMs = deps.timing?.PERIOD_MS ?? AWS_CODE_TIMING.PERIOD_MS;
      const previousTaken = minStep > Math.floor(awsNow(pairDeps) / periodMs) - 1;
      const pair = await freshCodePair(codeAt, previousTaken ? 'current-next' : alignment, minStep, pairDeps);
      return { value: pair, usedThrough: pair.step + 1 };
    });
  };
  for (let attempt = 1; attempt <= alignments.length; attempt++) {
    const pair = await claimPair(alignments[attempt - 1]!);
    lastStep = pair.step + 1;
    const offset = deps.iam.serverClockOffsetMs();
    const step: FlowStep = kind === 'enable' ? 'enable' : 'resync';
    emit(deps, step, 'running', `${verb} the device with two consecutive codes on AWS's clock (${formatOffset(offset)})${attempt > 1 ? ', second try' : ''}…`);
    try {
      await call(pair);
      emit(deps, step, 'done', kind === 'enable' ? 'AWS accepted the codes: the device is enabled.' : 'AWS accepted the codes: the device is in sync.');
      return { attempts: attempt, pair };
    } catch (error) {
      emit(deps, step, 'failed', isAuthdeskError(error) ? error.message : 'The call failed.');
      if (awsCodeOf(error) !== AWS_ERRORS.INVALID_CODE || attempt === alignments.length) throw error;
      emit(deps, 'remeasure', 'running', "AWS refused the codes; measuring AWS's clock again…");
      // The error response already carried a Date; one more cheap call confirms the offset.
      await deps.iam.getUser().catch(() => undefined);
      emit(deps, 'remeasure', 'done', `AWS's clock: ${formatOffset(deps.iam.serverClockOffsetMs())}.`);
    }
  }
  throw new AwsError(AWS_ERRORS.UNKNOWN, 'Enabling the device failed.');
}

export function formatOffset(offsetMs: number): string {
  const seconds = Math.round(offsetMs / 100) / 10;
  if (Math.abs(seconds) < 1) return 'in step with this computer';
  return `${Math.abs(seconds)} s ${seconds > 0 ? 'ahead of' : 'behind'} this computer`;
}

/** Is the device assigned to the user on AWS? undefined when that cannot be found out. */
async function assignedTo(deps: FlowDeps, serial: string, userName: string): Promise<boolean | undefined> {
  try {
    const devices = await deps.iam.listMfaDevices(userName);
    return devices.some((d) => d.serialNumber === serial);
  } catch {
    return undefined;
  }
}

async function findVirtualDevice(deps: FlowDeps, serial: string): Promise<VirtualMfaDeviceInfo | null | undefined> {
  try {
    const all = await deps.iam.listVirtualMfaDevices('Any');
    return all.find((d) => d.serialNumber === serial) ?? null;
  } catch (error) {
    // Without iam:ListVirtualMFADevices we cannot tell; other failures are real.
    if (awsCodeOf(error) === AWS_ERRORS.ACCESS_DENIED) return undefined;
    throw error;
  }
}

async function enableStored(deps: FlowDeps, account: Account, userName: string): Promise<EnrollResult> {
  const serial = account.awsSerial!;
  const ids = arnAccount(serial);
  try {
    await submitCodes(deps, account, userName, 'enable');
  } catch (error) {
    const code = awsCodeOf(error);
    // A request may have reached AWS even though its answer did not reach us (timeout, network, an SDK
    // retry that then met EntityAlreadyExists "already in use"): ask AWS before declaring failure.
    if (code === AWS_ERRORS.ENTITY_EXISTS || (code !== undefined && TRANSIENT_AWS_ERRORS.has(code))) {
      if ((await assignedTo(deps, serial, userName)) === true) return activate(deps, account, userName, ids?.accountId ?? '', true);
    }
    if (code === AWS_ERRORS.INVALID_CODE) {
      throw pendingFailure(error, account, userName, ['retry', 'delete-device', 'keep'],
        "AWS refused the codes twice, even after Authdesk measured AWS's clock again. Check that this computer's clock is not changing under it, then finish the enrollment again, or delete the device on AWS.");
    }
    if (code === AWS_ERRORS.LIMIT_EXCEEDED) {
      throw pendingFailure(error, account, userName, ['delete-device', 'keep'],
        `User ${userName} already has ${MFA_DEVICES_PER_USER} MFA devices, the most AWS allows. Remove one of them (deactivate it) and finish this enrollment, or delete this new device.`);
    }
    throw pendingFailure(error, account, userName, ['retry', 'delete-device', 'keep']);
  }
  return activate(deps, account, userName, ids?.accountId ?? '', false);
}

async function activate(deps: FlowDeps, account: Account, userName: string, accountId: string, alreadyEnabled: boolean): Promise<EnrollResult> {
  emit(deps, 'activate', 'running', 'Marking the account active…');
  const updated = await deps.vault.update(account.id, { status: 'active', awsUser: userName });
  emit(deps, 'activate', 'done', `Done: ${updated.issuer} (${updated.label}) is active.`);
  return { account: updated, serialNumber: account.awsSerial!, userName, accountId, ...(alreadyEnabled ? { alreadyEnabled } : {}) };
}

async function identify(deps: FlowDeps, userName: string | undefined): Promise<IamUser> {
  emit(deps, 'identify', 'running', userName ? `Looking up IAM user ${userName}…` : 'Asking AWS who these credentials belong to…');
  try {
    const user = await deps.iam.getUser(userName);
    emit(deps, 'identify', 'done', `IAM user ${user.userName} in account ${user.accountId}; AWS's clock is ${formatOffset(deps.iam.serverClockOffsetMs())}.`);
    return user;
  } catch (error) {
    emit(deps, 'identify', 'failed', isAuthdeskError(error) ? error.message : 'GetUser failed.');
    if (awsCodeOf(error) === AWS_ERRORS.NO_SUCH_ENTITY) {
      throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, userName ? `AWS has no IAM user named "${userName}" in this account. Check the name (it is case-sensitive).` : 'These credentials do not belong to an IAM user (a role or the root user?). Name the IAM user to enroll the device for.', { cause: error });
    }
    throw error;
  }
}

/** Enroll a new virtual MFA device for an IAM user (see the module comment for the invariant). */
export async function enrollVirtualMfaDevice(request: EnrollRequest, deps: FlowDeps): Promise<EnrollResult> {
  const name = checkDeviceName(request.deviceName);
  const path = checkDevicePath(request.path ?? '/');
  const user = await identify(deps, request.userName);
  const serial = serialFor(user.partition, user.accountId, path, name);

  const local = (await deps.vault.list()).find((a) => a.awsSerial === serial);
  if (local) {
    throw new AwsError(local.status === 'pending' ? 'AWS_ENROLL_ALREADY_PENDING' : 'AWS_ALREADY_LINKED',
      local.status === 'pending'
        ? `An enrollment of ${serial} is already pending in Authdesk ("${local.label}"). Finish it, or clean it up, instead of starting again.`
        : `Authdesk already has an account for ${serial} ("${local.label}"). Choose another device name, or remove that account first if the device was deleted.`,
      { details: { accountId: local.id, serialNumber: serial, choices: local.status === 'pending' ? ['retry', 'delete-device', 'keep'] : ['rename'] } });
  }

  emit(deps, 'check-devices', 'running', `Checking ${user.userName}'s MFA devices…`);
  const devices = await deps.iam.listMfaDevices(user.userName).catch((error: unknown) => {
    if (awsCodeOf(error) === AWS_ERRORS.ACCESS_DENIED) return undefined; // Enable will tell.
    throw error;
  });
  if (devices && devices.length >= MFA_DEVICES_PER_USER) {
    emit(deps, 'check-devices', 'failed', `${user.userName} already has ${devices.length} MFA devices.`);
    throw new AwsError(AWS_ERRORS.LIMIT_EXCEEDED,
      `User ${user.userName} already has ${devices.length} MFA devices, the most AWS allows (${MFA_DEVICES_PER_USER}). Deactivate one you no longer use, then try again. Nothing was created.`,
      { details: { userName: user.userName, devices: devices.map((d) => d.serialNumber) } });
  }
  emit(deps, 'check-devices', 'done', devices ? `${user.userName} has ${devices.length} MFA device${devices.length === 1 ? '' : 's'}.` : 'Could not list the MFA devices (no permission); continuing.');

  const created = await createDevice(deps, name, path, serial, request.replaceUnassigned === true);

  emit(deps, 'store', 'running', 'Saving the new key in the keychain (pending until AWS accepts it)…');
  let account: Account;
  try {
    account = await deps.vault.add({
      type: 'totp', issuer: AWS_ISSUER, label: `${name}@${user.accountId}`, secret: created.base32Seed,
      algorithm: 'SHA1', digits: 6, period: 30, awsSerial: created.serialNumber, awsUser: user.userName, status: 'pending',
    });
  } catch (error) {
    emit(deps, 'store', 'failed', isAuthdeskError(error) ? error.message : 'Saving failed.');
    // The seed cannot be kept, so the device must not stay behind on AWS either (it was never enabled).
    const deleted = await deps.iam.deleteVirtualMfaDevice(created.serialNumber).then(() => true, () => false);
    const reason = isAuthdeskError(error) ? error.message : 'Authdesk could not save the key.';
    throw new AwsError('AWS_ENROLL_NOT_SAVED', `${reason} ${deleted ? 'The new device was deleted on AWS again, so nothing is left half-done; fix this and enroll again.' : `The new device ${created.serialNumber} could not be deleted on AWS; delete it (authdesk aws delete) before enrolling again.`}`, { cause: error, details: { serialNumber: created.serialNumber, deviceDeleted: deleted } });
  }
  emit(deps, 'store', 'done', `Saved "${account.label}" (pending).`);
  return enableStored(deps, account, user.userName);
}

async function createDevice(deps: FlowDeps, name: string, path: string, serial: string, replaceUnassigned: boolean) {
  for (let round = 0; ; round++) {
    emit(deps, 'create', 'running', `Creating the virtual MFA device ${serial}…`);
    try {
      const created = await deps.iam.createVirtualMfaDevice(name, path);
      emit(deps, 'create', 'done', `AWS created ${created.serialNumber}.`);
      // AWS's serial is what gets stored (it wins should it ever differ from the one we derived).
      return created;
    } catch (error) {
      emit(deps, 'create', 'failed', isAuthdeskError(error) ? error.message : 'Create failed.');
      if (awsCodeOf(error) !== AWS_ERRORS.ENTITY_EXISTS || round > 0) throw error;
      emit(deps, 'find-existing', 'running', `A device named ${name} already exists; looking for it…`);
      const existing = await findVirtualDevice(deps, serial);
      emit(deps, 'find-existing', 'done', existing ? (existing.userName ? `It is assigned to ${existing.userName}.` : 'It is not assigned to anyone.') : 'It could not be listed.');
      if (existing && existing.userName) {
        throw new AwsError('AWS_DEVICE_NAME_IN_USE', `The MFA device ${serial} already exists and is assigned to IAM user ${existing.userName}. Choose another device name.`,
          { cause: error, details: { serialNumber: serial, assignedTo: existing.userName, choices: ['rename'] } });
      }
      if (existing === null) throw error; // vanished meanwhile: report AWS's own answer
      if (!replaceUnassigned || existing === undefined) {
        throw new AwsError('AWS_DEVICE_NAME_TAKEN',
          existing === undefined
            ? `AWS already has an MFA device named ${serial}, and these credentials may not list devices to check whether it is in use. If it was left by an enrollment cancelled in the console, delete it (iam:DeleteVirtualMFADevice) and try again, or choose another name.`
            : `AWS already has an unassigned MFA device named ${serial}: usually one left by an enrollment cancelled in the console. Its key was never saved anywhere, so it is useless: delete it and try again, or choose another device name.`,
          { cause: error, details: { serialNumber: serial, assigned: false, choices: ['delete-and-retry', 'rename'] } });
      }
      emit(deps, 'delete-device', 'running', `Deleting the unassigned device ${serial}…`);
      await deps.iam.deleteVirtualMfaDevice(serial);
      emit(deps, 'delete-device', 'done', 'Deleted; creating it again.');
    }
  }
}

function pendingAccount(account: Account): Account {
  if (!account.awsSerial) throw new AwsError('AWS_NOT_LINKED', `"${account.label}" is not linked to an AWS MFA device.`);
  if (account.status !== 'pending') {
    throw new AwsError('AWS_NOT_PENDING', `"${account.label}" is not a pending AWS enrollment (it is ${account.status}).`);
  }
  return account;
}

/** Pending AWS enrollments in the vault (e.g. after the process was killed between Create and Enable). */
export async function pendingEnrollments(vault: Pick<VaultApi, 'list'>): Promise<readonly Account[]> {
  return (await vault.list()).filter((a) => a.status === 'pending' && a.awsSerial !== undefined);
}

/**
 * Finish a pending enrollment: if AWS already assigned the device to the user (Enable went through
 * before a crash), just mark it active; if the device is unassigned, enable it with fresh codes.
 */
export async function finishPendingEnrollment(accountId: string, deps: FlowDeps): Promise<EnrollResult> {
  const account = pendingAccount(await deps.vault.get(accountId));
  const serial = account.awsSerial!;
  const user = await identify(deps, account.awsUser);
  emit(deps, 'check-device', 'running', `Checking ${serial} on AWS…`);
  const device = await findVirtualDevice(deps, serial);
  if (device === null) {
    emit(deps, 'check-device', 'failed', 'The device no longer exists on AWS.');
    throw new AwsError('AWS_PENDING_DEVICE_GONE',
      `The device ${serial} no longer exists on AWS (it was deleted), so the pending account's key is useless. Remove the pending account and enroll again.`,
      { details: { accountId, serialNumber: serial, choices: ['remove-local'] } });
  }
  if (device?.userName !== undefined) {
    if (device.userName === user.userName) {
      emit(deps, 'check-device', 'done', `AWS already accepted this device for ${user.userName}.`);
      return activate(deps, account, user.userName, user.accountId, true);
    }
    emit(deps, 'check-device', 'failed', `The device is assigned to ${device.userName}.`);
    throw new AwsError('AWS_DEVICE_ASSIGNED_ELSEWHERE', `The device ${serial} is assigned to IAM user ${device.userName}, not ${user.userName}. Finish it with that user (--user ${device.userName}).`,
      { details: { accountId, serialNumber: serial, assignedTo: device.userName } });
  }
  emit(deps, 'check-device', 'done', device ? 'The device exists and is not assigned yet.' : 'Could not list devices (no permission); trying to enable.');
  return enableStored(deps, account, user.userName);
}

/**
 * Undo a pending enrollment: delete the (unassigned) device on AWS, then the pending account.
 * Refuses when AWS already enabled the device (finishing is the right move then).
 */
export async function cleanupPendingEnrollment(accountId: string, deps: FlowDeps): Promise<{ deviceDeleted: boolean }> {
  const account = pendingAccount(await deps.vault.get(accountId));
  const serial = account.awsSerial!;
  emit(deps, 'check-device', 'running', `Checking ${serial} on AWS…`);
  const device = await findVirtualDevice(deps, serial);
  if (device?.userName !== undefined) {
    emit(deps, 'check-device', 'failed', `AWS already enabled it for ${device.userName}.`);
    throw new AwsError('AWS_PENDING_ALREADY_ENABLED',
      `AWS already accepted ${serial} for IAM user ${device.userName}, so its key is in use: finish the enrollment to mark it active. To get rid of it, deactivate it first, then delete it.`,
      { details: { accountId, serialNumber: serial, assignedTo: device.userName, choices: ['retry'] } });
  }
  let deviceDeleted = false;
  if (device !== null) {
    emit(deps, 'delete-device', 'running', `Deleting ${serial} on AWS…`);
    try {
      await deps.iam.deleteVirtualMfaDevice(serial);
      deviceDeleted = true;
    } catch (error) {
      if (awsCodeOf(error) !== AWS_ERRORS.NO_SUCH_ENTITY) {
        emit(deps, 'delete-device', 'failed', isAuthdeskError(error) ? error.message : 'Delete failed.');
        throw pendingFailure(error, account, account.awsUser ?? '', ['retry', 'delete-device', 'keep'],
          `${isAuthdeskError(error) ? error.message : 'Deleting the device failed.'} The pending account stays until the device is gone.`);
      }
    }
    emit(deps, 'delete-device', 'done', deviceDeleted ? 'Deleted on AWS.' : 'It was already gone.');
  }
  emit(deps, 'remove-local', 'running', `Removing the pending account "${account.label}"…`);
  await deps.vault.remove(accountId);
  emit(deps, 'remove-local', 'done', 'Removed.');
  return { deviceDeleted };
}

export interface ResyncResult {
  readonly account: Account;
  readonly userName: string;
  readonly attempts: number;
}

/** ResyncMFADevice with two consecutive codes on AWS's clock. */
export async function resyncDevice(accountId: string, deps: FlowDeps, options: { userName?: string } = {}): Promise<ResyncResult> {
  const account = await deps.vault.get(accountId);
  if (!account.awsSerial) {
    throw new AwsError('AWS_NOT_LINKED', `"${account.label}" is not linked to an AWS MFA device. Link it to the device's ARN first.`);
  }
  if (account.type !== 'totp') throw new AwsError('AWS_NOT_TOTP', `"${account.label}" is not a time-based account; AWS virtual devices are.`);
  // GetUser first: it names the user and gives AWS's clock before any code is computed.
  const user = await identify(deps, options.userName ?? account.awsUser);
  let attempts: number;
  try {
    ({ attempts } = await submitCodes(deps, account, user.userName, 'resync'));
  } catch (error) {
    if (awsCodeOf(error) === AWS_ERRORS.NO_SUCH_ENTITY) {
      throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, `AWS has no MFA device ${account.awsSerial} assigned to IAM user ${user.userName}. Check the user (--user) or the account's serial.`, { cause: error });
    }
    if (awsCodeOf(error) === AWS_ERRORS.INVALID_CODE) {
      throw new AwsError(AWS_ERRORS.INVALID_CODE, `AWS refused the codes twice, even on its own clock. The key in Authdesk may not belong to ${account.awsSerial}; check the account's serial.`, { cause: error });
    }
    throw error;
  }
  const patch = { ...(account.awsUser !== user.userName ? { awsUser: user.userName } : {}), ...(account.stepAdjust ? { stepAdjust: 0 } : {}) };
  const updated = Object.keys(patch).length ? await deps.vault.update(account.id, patch) : account;
  return { account: updated, userName: user.userName, attempts };
}

/** Link an existing account to its device's serial ARN (validated; catches the :user/ mistake). */
export async function linkAccount(vault: Pick<VaultApi, 'update'>, accountId: string, serialText: string, userName?: string): Promise<Account> {
  const serial = parseMfaSerial(serialText);
  return vault.update(accountId, { awsSerial: serial.arn, ...(userName ? { awsUser: userName } : {}) });
}

export interface DeviceRow {
  readonly serialNumber: string;
  readonly userName?: string;
  readonly enableDate?: string;
  readonly assigned: boolean;
  /** The vault account linked to this serial, if any. */
  readonly accountId?: string;
  readonly accountStatus?: Account['status'];
  readonly label?: string;
}

/** A user's MFA devices (ListMFADevices), or the account's unassigned virtual devices, joined with the vault. */
export async function listDevices(deps: Pick<FlowDeps, 'iam' | 'vault'>, options: { userName?: string; unassigned?: boolean } = {}): Promise<readonly DeviceRow[]> {
  const accounts = await deps.vault.list();
  const local = (serial: string) => accounts.find((a) => a.awsSerial === serial);
  const rows: Array<MfaDeviceInfo | VirtualMfaDeviceInfo> = options.unassigned
    ? [...(await deps.iam.listVirtualMfaDevices('Unassigned'))]
    : [...(await deps.iam.listMfaDevices(options.userName))];
  return rows.map((d) => {
    const account = local(d.serialNumber);
    return {
      serialNumber: d.serialNumber,
      ...(d.userName ? { userName: d.userName } : {}),
      ...(d.enableDate ? { enableDate: d.enableDate } : {}),
      assigned: !options.unassigned,
      ...(account ? { accountId: account.id, accountStatus: account.status, label: account.label } : {}),
    };
  });
}

export async function deactivateDevice(deps: Pick<FlowDeps, 'iam'>, serialText: string, userName?: string): Promise<void> {
  const serial = parseMfaSerial(serialText);
  try {
    await deps.iam.deactivateMfaDevice(userName, serial.arn);
  } catch (error) {
    if (awsCodeOf(error) === AWS_ERRORS.NO_SUCH_ENTITY) {
      throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, `${serial.arn} is not assigned to ${userName ? `IAM user ${userName}` : 'the caller'}. Name its user with --user, or list the devices.`, { cause: error });
    }
    throw error;
  }
}

export async function deleteDevice(deps: Pick<FlowDeps, 'iam'>, serialText: string): Promise<void> {
  const serial = parseMfaSerial(serialText);
  try {
    await deps.iam.deleteVirtualMfaDevice(serial.arn);
  } catch (error) {
    const code = awsCodeOf(error);
    if (code === AWS_ERRORS.DELETE_CONFLICT) {
      throw new AwsError(AWS_ERRORS.DELETE_CONFLICT, `${serial.arn} is still assigned to a user: deactivate it first, then delete it.`, { cause: error });
    }
    if (code === AWS_ERRORS.NO_SUCH_ENTITY) {
      throw new AwsError(AWS_ERRORS.NO_SUCH_ENTITY, `AWS has no virtual MFA device ${serial.arn}.`, { cause: error });
    }
    throw error;
  }
}

/** The console-assist pair: MFA code 1 and MFA code 2 at once, on the given (trusted) clock. */
export async function consolePair(vault: Pick<VaultApi, 'code'>, accountId: string, nowMs: number): Promise<{ code1: string; code2: string; code1ValidUntil: number; code2ValidUntil: number }> {
  const view = await vault.code(accountId, nowMs);
  const next = view.next ?? (await vault.code(accountId, view.validUntil)).code;
  return { code1: view.code, code2: next, code1ValidUntil: view.validUntil, code2ValidUntil: view.validUntil + view.period * 1000 };
}

export { awsNow };
