/**
 * The `aws` IPC area (docs/ipc.md, docs/aws.md): the "Add AWS MFA device" wizard, finish/clean up a
 * pending enrollment, resync, devices, link, and the console-assist pair. No response holds a seed
 * or an AWS credential. Long flows report each step with the `aws.progress` event, tagged with the
 * `operationId` the renderer chose, and resolve when AWS answered; failures are AwsErrors whose
 * `details.choices` say what the wizard offers next.
 */
import type { FlowEvent, DeviceRow } from '../../../core/iam/flows.js';
import type { Account } from '../../../core/vault/model.js';
import type { SessionSummary } from '../../../core/aws/session-policy.js';
import { channel, event, type HandlerFunction } from '../channel.js';
import { s } from '../schema.js';
import { accountId } from './common.js';
import { installCli, setupProfile } from './aws-profile.js';

export interface AwsProfileView {
  readonly name: string;
  readonly kind: 'static-keys' | 'sso' | 'assume-role' | 'process' | 'web-identity' | 'other';
  readonly region?: string;
  readonly endpointUrl?: string;
}

export interface AwsIdentity {
  readonly userName: string;
  readonly arn: string;
  readonly accountId: string;
  /** AWS's clock minus this computer's, as learned from IAM's answer. */
  readonly clockOffsetMs: number;
}

export interface AwsEnrollView {
  readonly account: Account;
  readonly serialNumber: string;
  readonly userName: string;
  readonly accountId: string;
  readonly alreadyEnabled: boolean;
}

/**
 * A cached MFA session as the app lists it (core/aws/session-policy.ts SessionSummary): profile,
 * device, role, expiry and time left. No credential ever crosses to the renderer.
 */
export type { SessionSummary as AwsSessionView } from '../../../core/aws/session-policy.js';

export interface AwsProgress {
  readonly operationId: string;
  readonly event: FlowEvent;
}

/** A sentence for the person about an AWS call main made, e.g. that it was retried with an automatic MFA session. */
export interface AwsNote {
  readonly message: string;
}

export interface ConsolePairView {
  readonly code1: string;
  readonly code2: string;
  /** Unix ms on the corrected clock. */
  readonly code1ValidUntil: number;
  readonly code2ValidUntil: number;
  /** main's corrected "now" when computed (the renderer derives its skew from it). */
  readonly now: number;
}

/** Profile names as the AWS CLI allows them. */
const profile = s.optional(s.string({ min: 1, max: 128, pattern: /^[\w+=,.@:/-]+$/, patternHint: 'an AWS profile name' }));
const userName = s.optional(s.string({ min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternHint: 'an IAM user name' }));
const operationId = s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'an operation id' });
/** Checked again in core (parseMfaSerial) for the precise message. */
const serial = s.string({ min: 1, max: 600 });

export const aws = {
  channels: {
    /** authdesk.aws.profiles() — names and kinds from the shared AWS files (never keys). */
    profiles: channel(s.none()).returns<readonly AwsProfileView[]>(),
    /** authdesk.aws.whoami({profile?}) — GetUser for the credentials. */
    whoami: channel(s.object({ profile })).returns<AwsIdentity>(),
    /** authdesk.aws.enroll({...}) — the wizard: create, store pending, enable, activate. */
    enroll: channel(s.object({
      operationId, profile, userName,
      deviceName: s.string({ min: 1, max: 226 }),
      path: s.optional(s.string({ min: 1, max: 512 })),
      replaceUnassigned: s.optional(s.boolean()),
    })).returns<AwsEnrollView>(),
    /** authdesk.aws.finish({id}) — finish a pending enrollment with fresh codes. */
    finish: channel(s.object({ operationId, id: accountId, profile })).returns<AwsEnrollView>(),
    /** authdesk.aws.cleanup({id}) — delete the pending enrollment's device on AWS, then the account. */
    cleanup: channel(s.object({ operationId, id: accountId, profile })).returns<{ readonly deviceDeleted: boolean }>(),
    /** authdesk.aws.resync({id}) — ResyncMFADevice with two consecutive codes on AWS's clock. */
    resync: channel(s.object({ operationId, id: accountId, profile, userName })).returns<{ readonly account: Account; readonly userName: string }>(),
    /** authdesk.aws.pending() — pending enrollments in the vault (no AWS call). */
    pending: channel(s.none()).returns<readonly Account[]>(),
    /** authdesk.aws.devices({userName?, unassigned?}) — joined with the vault by serial. */
    devices: channel(s.object({ profile, userName, unassigned: s.optional(s.boolean()) })).returns<readonly DeviceRow[]>(),
    deactivate: channel(s.object({ profile, userName, serial })).returns<void>(),
    deleteDevice: channel(s.object({ profile, serial })).returns<void>(),
    /** authdesk.aws.link({id, serial}) — link an account to its device's ARN (validated). */
    link: channel(s.object({ id: accountId, serial, userName })).returns<Account>(),
    /** authdesk.aws.consolePair({id}) — "MFA code 1" and "MFA code 2" at once (console assist). */
    consolePair: channel(s.object({ id: accountId })).returns<ConsolePairView>(),
    /** authdesk.aws.setupProfile({...}) — "Use with the AWS CLI…": preview or write the profile (aws-profile.ts). */
    setupProfile,
    /** authdesk.aws.installCli() — "Install the command-line tool" (aws-profile.ts). */
    installCli,
    /** authdesk.aws.sessions() — cached MFA sessions of this vault, without secrets (Settings › AWS). */
    sessions: channel(s.none()).returns<readonly SessionSummary[]>(),
    /** authdesk.aws.revokeSession({id}) — remove one cached session from the keychain. */
    revokeSession: channel(s.object({ id: s.string({ min: 1, max: 4096 }) })).returns<{ readonly removed: boolean }>(),
  },
  events: {
    /** One step of a running flow (enroll, finish, cleanup, resync). */
    progress: event<AwsProgress>(),
    /** A call was denied for lack of MFA under Force_MFA and retried with an automatic MFA session (docs/aws.md). */
    note: event<AwsNote>(),
  },
} as const;

export type AwsHandlers = { readonly [K in keyof typeof aws.channels]: HandlerFunction<(typeof aws.channels)[K]> };
