/**
 * `authdesk aws doctor`: from facts gathered over the network and from the files
 * (node/aws/doctor.ts), the findings in a fixed order, one per line, each with its fix. Pure and
 * table-tested (test/unit/aws-doctor.test.ts).
 */
import { parseAwsIni, isAuthdeskCredentialProcess } from './config-file.js';

export type FindingStatus = 'ok' | 'warn' | 'fail' | 'skip';
export type CheckName = 'credentials' | 'caller' | 'devices' | 'mfa-demanded' | 'clock' | 'profiles';

export interface Finding {
  readonly check: CheckName;
  readonly status: FindingStatus;
  readonly message: string;
  /** What to do about it (absent when nothing needs doing). */
  readonly fix?: string;
}

export interface VaultAwsAccount {
  readonly id: string;
  readonly label: string;
  readonly awsSerial: string | undefined;
  readonly awsUser?: string | undefined;
  readonly status: string;
}

export type ProbeResult = 'allowed' | 'denied' | 'error';

export interface DoctorFacts {
  /** The profile examined (undefined: the SDK's default chain). */
  readonly profile: string | undefined;
  readonly credentials:
    | { readonly ok: true; readonly temporary: boolean }
    | { readonly ok: false; readonly message: string };
  /** GetCallerIdentity; absent when credentials failed. */
  readonly caller?:
    | { readonly ok: true; readonly arn: string; readonly account: string; readonly userId: string }
    | { readonly ok: false; readonly message: string };
  /** ListMFADevices of the caller and the account's unassigned virtual devices. */
  readonly devices?:
    | { readonly ok: true; readonly assigned: readonly string[]; readonly unassigned: readonly string[] | undefined }
    | { readonly ok: false; readonly message: string };
  readonly vaultAccounts: readonly VaultAwsAccount[];
  /** An action tried without MFA, then (if refused) with an MFA session from the vault's device. */
  readonly probe?: {
    readonly action: string;
    readonly withoutMfa: ProbeResult;
    /** 'no-device': the vault holds no device of this user, so no session could be made. */
    readonly withMfa?: ProbeResult | 'no-device';
    readonly detail?: string;
  };
  /** AWS's clock minus the local clock (from the Date of AWS's responses). */
  readonly clockOffsetMs?: number;
  /** The AWS config file's text (for the profiles check) and its path. */
  readonly configText: string;
  /** Profile names of the credentials file (a source profile may be defined only there). */
  readonly credentialsProfiles: readonly string[];
  readonly configFile: string;
}

/** Local clock further off than this gets a warning (codes for AWS are computed on AWS's clock anyway). */
export const CLOCK_WARN_MS = 5_000;

/** POSIX-shell-like split (what Python's shlex does with the quotes the AWS CLI accepts). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? line.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
        i++;
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function optionValue(words: readonly string[], name: string): string | undefined {
  const i = words.indexOf(name);
  if (i >= 0) return words[i + 1];
  const eq = words.find((w) => w.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/** The user name of an IAM user ARN (arn:aws:iam::123456789012:user/path/alice -> alice). */
export function userNameOfArn(arn: string): string | undefined {
  const m = /^arn:[\w-]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m?.[1];
}

function accountOfSerial(serial: string): string | undefined {
  return /^arn:[\w-]+:iam::(\d{12}):/.exec(serial)?.[1];
}

function formatSeconds(ms: number): string {
  const s = Math.abs(ms) / 1000;
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s ${ms >= 0 ? 'behind' : 'ahead of'} AWS`;
}

export function diagnose(facts: DoctorFacts): Finding[] {
  const out: Finding[] = [];
  const profileArg = facts.profile ? ` --profile ${facts.profile}` : '';
  const who = facts.profile ? `profile "${facts.profile}"` : 'the default profile';
  const held = facts.vaultAccounts.filter((a) => a.awsSerial);
  const heldSerials = new Set(held.map((a) => a.awsSerial!));

  // 1. Credentials
  if (!facts.credentials.ok) {
    out.push({ check: 'credentials', status: 'fail', message: `No usable AWS credentials for ${who}: ${facts.credentials.message}`, fix: `aws configure${profileArg} (access key of your IAM user), or pick another with --profile` });
  } else if (facts.caller && !facts.caller.ok) {
    out.push({ check: 'credentials', status: 'fail', message: `AWS refused the credentials of ${who}: ${facts.caller.message}`, fix: `check the access key in the IAM console (it may be deleted or inactive), then aws configure${profileArg}` });
  } else {
    out.push({ check: 'credentials', status: 'ok', message: `Credentials of ${who} found and accepted by AWS (${facts.credentials.temporary ? 'temporary: a session' : 'long-term access keys'}).` });
  }

  // 2. Caller
  const caller = facts.caller?.ok ? facts.caller : undefined;
  const userName = caller ? userNameOfArn(caller.arn) : undefined;
  if (!caller) out.push({ check: 'caller', status: 'skip', message: 'Caller unknown (no accepted credentials).' });
  else if (caller.arn.endsWith(':root')) out.push({ check: 'caller', status: 'warn', message: `You are the account's root user (${caller.account}).`, fix: 'use an IAM user for everyday work; root sessions last at most 1 hour' });
  else out.push({ check: 'caller', status: 'ok', message: `Caller ${caller.arn} (account ${caller.account}).` });

  // 3. Devices against the vault
  if (!caller) out.push({ check: 'devices', status: 'skip', message: 'MFA devices not checked (no caller).' });
  else if (!facts.devices) out.push({ check: 'devices', status: 'skip', message: 'MFA devices not checked (the caller is not an IAM user).' });
  else if (!facts.devices.ok) out.push({ check: 'devices', status: 'warn', message: `Could not list the MFA devices: ${facts.devices.message}`, fix: 'the policy must allow iam:ListMFADevices on your own user (Force_MFA does)' });
  else {
    const devices = facts.devices;
    const unknown = devices.assigned.filter((s) => !heldSerials.has(s));
    const linked = devices.assigned.filter((s) => heldSerials.has(s));
    const stale = held.filter((a) => accountOfSerial(a.awsSerial!) === caller.account && (a.awsUser === undefined || a.awsUser === userName) && !devices.assigned.includes(a.awsSerial!) && a.status === 'active');
    const unassigned = (devices.unassigned ?? []).filter((s) => !userName || s.split('/').pop()?.toLowerCase().includes(userName.toLowerCase()) || heldSerials.has(s));
    if (!devices.assigned.length) out.push({ check: 'devices', status: 'warn', message: `${userName ?? 'The caller'} has no MFA device.`, fix: 'authdesk aws enroll --name NAME' });
    for (const s of linked) {
      const a = held.find((x) => x.awsSerial === s)!;
      out.push({ check: 'devices', status: a.status === 'active' ? 'ok' : 'warn', message: `${s} is in the vault as "${a.label}"${a.status !== 'active' ? ` (${a.status})` : ''}.`, ...(a.status === 'pending' ? { fix: `authdesk aws finish ${a.id}` } : {}) });
    }
    for (const s of unknown) out.push({ check: 'devices', status: 'warn', message: `${s} is enabled for ${userName ?? 'the caller'} but Authdesk does not hold its key: Authdesk cannot make sessions with it.`, fix: `if you added its key to Authdesk without the ARN: authdesk aws link QUERY ${s}; otherwise sessions need another device` });
    for (const a of stale) out.push({ check: 'devices', status: 'warn', message: `The vault's "${a.label}" (${a.awsSerial}) is not among ${userName ?? 'the caller'}'s MFA devices on AWS (deactivated, or another user's).`, fix: `authdesk aws devices${profileArg}; remove it with authdesk remove ${a.id} if it is gone` });
    for (const s of unassigned) out.push({ check: 'devices', status: 'warn', message: `${s} is an unassigned virtual device (left by a cancelled enrollment); a new enrollment of that name fails until it is deleted.`, fix: `authdesk aws delete ${s}${profileArg} (needs iam:DeleteVirtualMFADevice: an administrator may have to)` });
  }

  // 4. Is MFA demanded?
  const p = facts.probe;
  if (!p) out.push({ check: 'mfa-demanded', status: 'skip', message: 'Whether MFA is demanded was not checked (no accepted credentials).' });
  else if (p.withoutMfa === 'error') out.push({ check: 'mfa-demanded', status: 'warn', message: `Could not tell whether MFA is demanded: ${p.action} failed (${p.detail ?? 'error'}).` });
  else if (p.withoutMfa === 'allowed') {
    out.push({ check: 'mfa-demanded', status: 'ok', message: facts.credentials.ok && facts.credentials.temporary
      ? `${p.action} is allowed with these credentials (an MFA session works).`
      : `${p.action} is allowed without MFA: these keys need no MFA session for it.` });
  } else if (p.withMfa === 'allowed') {
    out.push({ check: 'mfa-demanded', status: 'ok', message: `MFA is demanded: ${p.action} is refused without MFA and allowed with an MFA session from Authdesk.`, fix: `use a profile whose credentials come from Authdesk: authdesk aws setup-profile work --source-profile ${facts.profile ?? 'default'}` });
  } else if (p.withMfa === 'no-device') {
    out.push({ check: 'mfa-demanded', status: 'warn', message: `${p.action} is refused without MFA, and the vault holds none of this user's devices to try with one.`, fix: 'authdesk aws enroll --name NAME (or link the device you have)' });
  } else if (p.withMfa === 'denied') {
    out.push({ check: 'mfa-demanded', status: 'warn', message: `${p.action} is refused with and without MFA: a policy forbids it outright, MFA will not help.`, fix: 'ask an administrator for the permission' });
  } else if (p.withMfa === 'error') {
    out.push({ check: 'mfa-demanded', status: 'fail', message: `${p.action} is refused without MFA, and an MFA session could not be made: ${p.detail ?? 'error'}`, fix: `authdesk aws resync QUERY${profileArg} if AWS refuses the codes` });
  } else {
    out.push({ check: 'mfa-demanded', status: 'warn', message: `${p.action} is refused with these credentials.` });
  }

  // 5. Clock
  if (facts.clockOffsetMs === undefined) out.push({ check: 'clock', status: 'skip', message: "AWS's clock unknown (no answer from AWS)." });
  else if (Math.abs(facts.clockOffsetMs) > CLOCK_WARN_MS) {
    out.push({ check: 'clock', status: 'warn', message: `This computer's clock is ${formatSeconds(facts.clockOffsetMs)}. Authdesk computes AWS codes on AWS's clock, but other tools and the console do not.`, fix: 'turn on automatic time (Linux: timedatectl set-ntp true), or authdesk time sync' });
  } else out.push({ check: 'clock', status: 'ok', message: `This computer's clock agrees with AWS's (${formatSeconds(facts.clockOffsetMs)}).` });

  // 6. Profiles naming devices Authdesk does not hold
  const doc = parseAwsIni(facts.configText, 'config');
  const known = new Set([...doc.sections.map((s) => s.profile).filter((n): n is string => n !== undefined), ...facts.credentialsProfiles]);
  let profileFindings = 0;
  for (const section of doc.sections) {
    if (!section.profile) continue;
    const name = section.profile;
    const v = section.values;
    if (v.mfa_serial && !heldSerials.has(v.mfa_serial) && /^arn:/.test(v.mfa_serial)) {
      profileFindings++;
      out.push({ check: 'profiles', status: 'warn', message: `Profile "${name}": mfa_serial ${v.mfa_serial} is not a device Authdesk holds; the AWS CLI will ask for its codes.`, fix: `authdesk aws link QUERY ${v.mfa_serial}, or authdesk aws setup-profile ${name} --source-profile SOURCE --force` });
    }
    if (v.mfa_process) {
      const words = splitCommandLine(v.mfa_process);
      const codeAt = words.indexOf('code');
      const query = codeAt >= 0 ? words.slice(codeAt + 1).find((w) => !w.startsWith('-')) : undefined;
      if (/authdesk/i.test(v.mfa_process) && query !== undefined && !facts.vaultAccounts.some((a) => a.awsSerial === query || a.id === query || a.label.toLowerCase().includes(query.toLowerCase()))) {
        profileFindings++;
        out.push({ check: 'profiles', status: 'warn', message: `Profile "${name}": mfa_process asks Authdesk for "${query}", which no account matches.`, fix: 'authdesk list, then fix the query in mfa_process' });
      }
    }
    if (isAuthdeskCredentialProcess(v.credential_process)) {
      const words = splitCommandLine(v.credential_process!);
      const serial = optionValue(words, '--serial');
      const source = optionValue(words, '--profile');
      if (serial && serial.startsWith('arn:') && !heldSerials.has(serial)) {
        profileFindings++;
        out.push({ check: 'profiles', status: 'fail', message: `Profile "${name}": its credential_process uses ${serial}, a device Authdesk does not hold; every command with this profile fails.`, fix: `authdesk aws setup-profile ${name} --source-profile ${source ?? 'SOURCE'} --force` });
      }
      if (source && !known.has(source)) {
        out.push({ check: 'profiles', status: 'warn', message: `Profile "${name}": its source profile "${source}" was not found.`, fix: `aws configure --profile ${source}` });
        profileFindings++;
      }
    }
  }
  if (!profileFindings) out.push({ check: 'profiles', status: 'ok', message: `Profiles in ${facts.configFile} name only devices Authdesk holds.` });
  return out;
}
