/**
 * `authdesk aws ...`: enroll, resync and manage AWS IAM virtual MFA devices with the user's own
 * AWS credentials (the SDK's default chain, --profile). Exit 0 only when AWS accepted the operation.
 * The AWS SDK is loaded only here (node/aws/iam-client.ts imports it lazily).
 */
import { isAuthdeskError } from '../../core/errors.js';
import {
  cleanupPendingEnrollment, deactivateDevice, deleteDevice, enrollVirtualMfaDevice, finishPendingEnrollment, formatOffset,
  linkAccount, listDevices, pendingEnrollments, resyncDevice, type FlowDeps, type FlowEvent,
} from '../../core/iam/flows.js';
import { parseMfaSerial } from '../../core/iam/serial.js';
import { escapeForTerminal } from '../../core/text/terminal.js';
import type { VaultApi } from '../../core/vault/api.js';
import { displayName, type Account } from '../../core/vault/model.js';
import { openVault } from '../../node/open-vault.js';
import { FileCodeLedger } from '../../node/aws/code-ledger.js';
import { defaultDataDir } from '../../node/data-dir.js';
import { resolveAccount } from '../accounts.js';
import { EXIT, parseCommandArgs, printJson, printLine, reportError, UsageError, type CliContext, type Command } from '../io.js';
import { doctorUsage, setupProfileUsage } from './aws/usage.js';

const usage = `Usage: authdesk aws <subcommand> [options]

Enroll and manage AWS IAM virtual MFA devices with your AWS credentials (the AWS SDK's default
chain; --profile P picks a profile of ~/.aws/config). Endpoints follow AWS_ENDPOINT_URL_IAM,
AWS_ENDPOINT_URL and the profile's endpoint_url, as the AWS CLI does. Authdesk never stores AWS credentials.

  whoami [--profile P] [--json]                    the IAM user of the credentials, and AWS's clock
  profiles [--json]                                profiles in the shared config/credentials files
  enroll --name N [--user U] [--path /p/] [--profile P] [--replace-unassigned] [--json]
                                                   create a virtual MFA device, keep its key, enable it
  resync QUERY [--user U] [--profile P]            resynchronize a linked account's device
  devices [--user U] [--unassigned] [--profile P] [--json]
                                                   a user's MFA devices, or the unassigned virtual ones
  deactivate SERIAL [--user U] [--yes] [--profile P]
  delete SERIAL [--yes] [--profile P]              delete an unassigned virtual device
  pending [--json]                                 enrollments left pending (no AWS call)
  finish QUERY [--profile P]                       finish a pending enrollment (fresh codes)
  cleanup QUERY [--yes] [--profile P]              delete a pending enrollment's device on AWS and the account
  link QUERY SERIAL [--user U]                     link an account to its device's ARN
${setupProfileUsage}
${doctorUsage}
  credentials [--profile SOURCE] [--serial ARN|QUERY] [--role-arn ARN [--role-session-name N] [--external-id X]]
              [--duration S] [--no-cache] [--json]
                                                   an MFA session as credential_process JSON (cached in the keychain)
  sessions [--json]                                cached MFA sessions (no secrets): profile, device, role, time left
  sessions clear [--profile P] [--serial S] [--role-arn R] [--all]
                                                   remove cached sessions from the keychain

Codes sent to AWS are computed on AWS's own clock (learned from its responses), so a wrong
local clock does not break enrollment or resync, and no code is ever sent twice (docs/aws.md).

For a Force_MFA user, in ~/.aws/config (or with setup-profile):
  [profile work]
  credential_process = authdesk aws credentials --profile default`;

const SUBCOMMANDS = ['whoami', 'profiles', 'enroll', 'resync', 'devices', 'deactivate', 'delete', 'pending', 'finish', 'cleanup', 'link'] as const;
/** Subcommands in modules of their own (cli/commands/aws/), loaded only when run. */
const MODULE_SUBCOMMANDS: Record<string, () => Promise<(args: string[], ctx: CliContext) => Promise<number>>> = {
  'setup-profile': async () => (await import('./aws/setup-profile.js')).runSetupProfile,
  doctor: async () => (await import('./aws/doctor.js')).runDoctor,
  credentials: async () => (await import('./aws/credentials.js')).runCredentials,
  sessions: async () => (await import('./aws/sessions.js')).runSessions,
};
type Sub = (typeof SUBCOMMANDS)[number];

async function iamPort(profile: string | undefined, vault: VaultApi | undefined, ctx: CliContext) {
  // The SDK warns on Node 20 that its releases after January 2027 need Node 22: a note for whoever
  // packages Authdesk (docs/aws.md), not for a person running `authdesk aws`. Their own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { createIamPort } = await import('../../node/aws/iam-client.js');
  let chosen = profile;
  // The app's chosen profile applies when neither --profile nor AWS_PROFILE says otherwise.
  if (chosen === undefined && !ctx.env.AWS_PROFILE && vault) chosen = (await vault.settings()).awsProfile;
  // Under Force_MFA, a call denied for lack of MFA is retried once with an MFA session made from
  // the vault's device of the caller (docs/aws.md, "The automatic MFA session").
  const mfaSession = vault
    ? (await import('../../node/aws/mfa-session.js')).mfaSessionProvider({
      vault, ...(chosen ? { profile: chosen } : {}), env: ctx.env, dataDir: defaultDataDir(ctx.env),
      onWait: (_ms, _reason, message) => ctx.stderr.write(`${message}\n`),
    })
    : undefined;
  return createIamPort({ ...(chosen ? { profile: chosen } : {}), ...(mfaSession ? { mfaSession, onNote: (message: string) => ctx.stderr.write(`${message}\n`) } : {}) });
}

function progress(ctx: CliContext, json: boolean) {
  return (event: FlowEvent) => {
    if (json) return;
    const mark = event.state === 'done' ? '✓' : event.state === 'failed' ? '✗' : '…';
    ctx.stderr.write(`${mark} ${escapeForTerminal(event.message)}\n`);
  };
}

function flowDeps(iam: FlowDeps['iam'], vault: VaultApi, ctx: CliContext, json: boolean): FlowDeps {
  return {
    iam, vault, clock: { now: () => Date.now() },
    ledger: new FileCodeLedger(defaultDataDir(ctx.env)),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onProgress: progress(ctx, json),
  };
}

function choicesHint(error: unknown, account?: string): string {
  if (!isAuthdeskError(error)) return '';
  const choices = (error.details?.choices as string[] | undefined) ?? [];
  const id = (error.details?.accountId as string | undefined) ?? account;
  const serial = error.details?.serialNumber as string | undefined;
  const lines: string[] = [];
  if (choices.includes('retry') && id) lines.push(`  authdesk aws finish ${id}     try again with fresh codes`);
  if (choices.includes('delete-device') && id) lines.push(`  authdesk aws cleanup ${id}    delete the device on AWS and the pending account`);
  if (choices.includes('keep')) lines.push('  or leave it pending: "authdesk aws pending" lists it.');
  if (choices.includes('delete-and-retry')) lines.push('  run enroll again with --replace-unassigned to delete it and create it again');
  if (choices.includes('rename')) lines.push('  or choose another name with --name');
  if (choices.includes('remove-local') && id) lines.push(`  authdesk remove ${id}     remove the pending account`);
  if (error.code === 'AWS_LIMIT_EXCEEDED' && Array.isArray(error.details?.devices)) {
    lines.unshift(...(error.details.devices as string[]).map((d) => `  ${d}`));
    lines.push('  authdesk aws deactivate SERIAL --user USER   frees a slot');
  }
  if (serial && error.code === 'AWS_DEVICE_NAME_TAKEN') lines.push(`  authdesk aws delete ${serial}   deletes it`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

async function confirmOrYes(ctx: CliContext, yes: boolean | undefined, question: string): Promise<boolean> {
  if (yes) return true;
  if (!ctx.stdinIsTTY) throw new UsageError(`${question} Add --yes to confirm when not at a terminal.`);
  return ctx.confirm(question);
}

function accountLine(account: Account): string {
  return `${displayName(account)}  [${account.id}]${account.awsSerial ? `  ${account.awsSerial}` : ''}${account.status !== 'active' ? `  (${account.status})` : ''}`;
}

async function run(sub: Sub, args: string[], ctx: CliContext): Promise<number> {
  const common = { profile: { type: 'string' }, json: { type: 'boolean' }, user: { type: 'string' }, yes: { type: 'boolean' } } as const;
  switch (sub) {
    case 'whoami': {
      const { values, positionals } = parseCommandArgs(args, { profile: common.profile, json: common.json });
      if (positionals.length) throw new UsageError('whoami takes no arguments.');
      const iam = await iamPort(values.profile, undefined, ctx);
      try {
        const user = await iam.getUser();
        const offsetMs = iam.serverClockOffsetMs();
        if (values.json) printJson(ctx, { ...user, clockOffsetMs: Math.round(offsetMs) });
        else printLine(ctx, `${user.userName}  ${user.arn}\nAccount ${user.accountId}; AWS's clock is ${formatOffset(offsetMs)}.`);
        return EXIT.OK;
      } finally {
        iam.destroy();
      }
    }
    case 'profiles': {
      const { values } = parseCommandArgs(args, { json: common.json }, false);
      const { listAwsProfiles } = await import('../../node/aws/profiles.js');
      const profiles = await listAwsProfiles();
      if (values.json) printJson(ctx, profiles);
      else if (!profiles.length) printLine(ctx, 'No AWS profiles found (~/.aws/config, ~/.aws/credentials). Run "aws configure" to create one.');
      else for (const p of profiles) printLine(ctx, `${p.name}  (${p.kind}${p.region ? `, ${p.region}` : ''}${p.endpointUrl ? `, endpoint ${p.endpointUrl}` : ''})`);
      return EXIT.OK;
    }
    case 'enroll': {
      const { values, positionals } = parseCommandArgs(args, {
        ...common, name: { type: 'string' }, path: { type: 'string' }, 'replace-unassigned': { type: 'boolean' },
      });
      if (positionals.length) throw new UsageError(`enroll takes no positional arguments (got "${positionals[0]}"); name the device with --name.`);
      if (!values.name) throw new UsageError('enroll needs --name: the device name AWS will show (e.g. --name laptop).');
      const vault = await openVault();
      const iam = await iamPort(values.profile, vault, ctx);
      const deps = flowDeps(iam, vault, ctx, values.json === true);
      const request = { deviceName: values.name, ...(values.user ? { userName: values.user } : {}), ...(values.path ? { path: values.path } : {}) };
      try {
        let result;
        try {
          result = await enrollVirtualMfaDevice({ ...request, replaceUnassigned: values['replace-unassigned'] === true }, deps);
        } catch (error) {
          if (!isAuthdeskError(error, 'AWS_DEVICE_NAME_TAKEN') || error.details?.assigned !== false || !ctx.stdinIsTTY || values['replace-unassigned']) throw error;
          ctx.stderr.write(`${escapeForTerminal(error.message)}\n`);
          if (!(await ctx.confirm(`Delete ${String(error.details.serialNumber)} and create it again?`))) throw error;
          result = await enrollVirtualMfaDevice({ ...request, replaceUnassigned: true }, deps);
        }
        if (values.json) {
          printJson(ctx, { serialNumber: result.serialNumber, userName: result.userName, accountId: result.accountId, account: { id: result.account.id, issuer: result.account.issuer, label: result.account.label, status: result.account.status } });
        } else {
          printLine(ctx, `Enabled ${result.serialNumber} for IAM user ${result.userName}.`);
          printLine(ctx, `Account: ${accountLine(result.account)}`);
        }
        return EXIT.OK;
      } catch (error) {
        const status = reportError(ctx, error, values.json === true);
        if (!values.json) ctx.stderr.write(choicesHint(error));
        return status;
      } finally {
        iam.destroy();
      }
    }
    case 'finish':
    case 'resync':
    case 'cleanup': {
      const { values, positionals } = parseCommandArgs(args, { ...common });
      if (positionals.length !== 1) throw new UsageError(`${sub} needs exactly one QUERY (the account's id, name or serial ARN).`);
      const vault = await openVault();
      const account = await resolveAccount(vault, positionals[0]!);
      if (sub === 'cleanup' && !(await confirmOrYes(ctx, values.yes, `Delete the device ${account.awsSerial ?? ''} on AWS and the pending account "${account.label}"?`))) {
        printLine(ctx, 'Nothing was changed.');
        return EXIT.FAILED;
      }
      const iam = await iamPort(values.profile, vault, ctx);
      const deps = flowDeps(iam, vault, ctx, values.json === true);
      try {
        if (sub === 'finish') {
          const result = await finishPendingEnrollment(account.id, deps);
          if (values.json) printJson(ctx, { serialNumber: result.serialNumber, userName: result.userName, alreadyEnabled: result.alreadyEnabled === true, account: { id: result.account.id, status: result.account.status } });
          else printLine(ctx, `${result.alreadyEnabled ? 'AWS had already enabled' : 'Enabled'} ${result.serialNumber} for IAM user ${result.userName}.\nAccount: ${accountLine(result.account)}`);
        } else if (sub === 'resync') {
          const result = await resyncDevice(account.id, deps, values.user ? { userName: values.user } : {});
          if (values.json) printJson(ctx, { serialNumber: result.account.awsSerial, userName: result.userName, attempts: result.attempts });
          else printLine(ctx, `Resynchronized ${result.account.awsSerial ?? ''} (IAM user ${result.userName}).`);
        } else {
          const result = await cleanupPendingEnrollment(account.id, deps);
          if (values.json) printJson(ctx, result);
          else printLine(ctx, `${result.deviceDeleted ? `Deleted ${account.awsSerial ?? ''} on AWS and` : 'The device was already gone on AWS;'} removed the pending account "${account.label}".`);
        }
        return EXIT.OK;
      } catch (error) {
        const status = reportError(ctx, error, values.json === true);
        if (!values.json) ctx.stderr.write(choicesHint(error, account.id));
        return status;
      } finally {
        iam.destroy();
      }
    }
    case 'devices': {
      const { values, positionals } = parseCommandArgs(args, { ...common, unassigned: { type: 'boolean' } });
      if (positionals.length) throw new UsageError('devices takes no positional arguments; use --user U.');
      if (values.unassigned && values.user) throw new UsageError('--unassigned lists the account\'s unassigned devices, which belong to no user: drop --user.');
      const vault = await openVault();
      const iam = await iamPort(values.profile, vault, ctx);
      try {
        const rows = await listDevices({ iam, vault }, { ...(values.user ? { userName: values.user } : {}), unassigned: values.unassigned === true });
        if (values.json) printJson(ctx, rows);
        else if (!rows.length) printLine(ctx, values.unassigned ? 'No unassigned virtual MFA devices.' : 'No MFA devices.');
        else {
          for (const r of rows) {
            const local = r.accountId ? `  Authdesk: ${r.label ?? ''} [${r.accountId}]${r.accountStatus !== 'active' ? ` (${r.accountStatus})` : ''}` : '';
            printLine(ctx, `${r.serialNumber}${r.userName ? `  user ${r.userName}` : ''}${r.enableDate ? `  enabled ${r.enableDate}` : ''}${local}`);
          }
        }
        return EXIT.OK;
      } finally {
        iam.destroy();
      }
    }
    case 'deactivate':
    case 'delete': {
      const { values, positionals } = parseCommandArgs(args, { ...common });
      if (positionals.length !== 1) throw new UsageError(`${sub} needs exactly one SERIAL (arn:aws:iam::123456789012:mfa/name).`);
      const serial = parseMfaSerial(positionals[0]!).arn;
      if (sub === 'delete' && values.user) throw new UsageError('delete takes no --user: an unassigned device belongs to no user.');
      const question = sub === 'deactivate'
        ? `Deactivate ${serial}${values.user ? ` for IAM user ${values.user}` : ''}? Signing in will no longer ask for it.`
        : `Delete the virtual MFA device ${serial} on AWS? Its key becomes useless.`;
      if (!(await confirmOrYes(ctx, values.yes, question))) {
        printLine(ctx, 'Nothing was changed.');
        return EXIT.FAILED;
      }
      const iam = await iamPort(values.profile, await openVault({ reconcile: 'skip' }), ctx);
      try {
        if (sub === 'deactivate') await deactivateDevice({ iam }, serial, values.user);
        else await deleteDevice({ iam }, serial);
        printLine(ctx, sub === 'deactivate' ? `Deactivated ${serial}. Its Authdesk account (if any) stays until you remove it.` : `Deleted ${serial}.`);
        return EXIT.OK;
      } finally {
        iam.destroy();
      }
    }
    case 'pending': {
      const { values } = parseCommandArgs(args, { json: common.json }, false);
      const vault = await openVault();
      const pending = await pendingEnrollments(vault);
      if (values.json) printJson(ctx, pending.map((a) => ({ id: a.id, issuer: a.issuer, label: a.label, awsSerial: a.awsSerial, awsUser: a.awsUser, createdAt: a.createdAt })));
      else if (!pending.length) printLine(ctx, 'No pending AWS enrollments.');
      else {
        for (const a of pending) printLine(ctx, accountLine(a));
        printLine(ctx, '\nFinish one with "authdesk aws finish ID", or undo it with "authdesk aws cleanup ID".');
      }
      return EXIT.OK;
    }
    case 'link': {
      const { values, positionals } = parseCommandArgs(args, { user: common.user, json: common.json });
      if (positionals.length !== 2) throw new UsageError('link needs QUERY and SERIAL: authdesk aws link laptop arn:aws:iam::123456789012:mfa/laptop');
      const vault = await openVault();
      const account = await resolveAccount(vault, positionals[0]!);
      const updated = await linkAccount(vault, account.id, positionals[1]!, values.user);
      if (values.json) printJson(ctx, { id: updated.id, awsSerial: updated.awsSerial, awsUser: updated.awsUser });
      else printLine(ctx, `Linked ${accountLine(updated)}`);
      return EXIT.OK;
    }
  }
}

const aws: Command = {
  summary: 'enroll, resync and manage AWS IAM virtual MFA devices',
  usage,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('aws needs a subcommand: whoami, enroll, resync, devices, deactivate, delete, pending, finish, cleanup, link, profiles, setup-profile, doctor, credentials, sessions.');
    const own = MODULE_SUBCOMMANDS[sub];
    if (own) return (await own())(rest, ctx);
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`aws has no subcommand "${sub}". Run "authdesk help aws".`);
    return run(sub as Sub, rest, ctx);
  },
};

export default aws;
