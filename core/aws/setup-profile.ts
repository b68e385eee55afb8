/**
 * The policy of `authdesk aws setup-profile` (and the app's "Use with the AWS CLI…"): which MFA
 * device a new profile's sessions use, which source profiles are allowed, and the exact lines the
 * profile gets. Pure; the files and the vault are read by node/aws/setup-profile.ts.
 */
import { InputError } from '../errors.js';
import { parseMfaSerial } from '../iam/serial.js';
import { displayName, type Account } from '../vault/model.js';
import { checkProfileName, commandLine, isAuthdeskCredentialProcess, type ShellFlavour } from './config-file.js';

/** Accounts whose device can start a session: enrolled (active) with a serial ARN. */
export function sessionAccounts(accounts: readonly Account[]): Account[] {
  return accounts.filter((a) => a.status === 'active' && a.awsSerial !== undefined);
}

/**
 * The serial ARN a profile uses: `requested` (an ARN, which must be a device the vault holds, or
 * accounts already narrowed by a name query), else the only AWS account in the vault.
 */
export function chooseSerial(accounts: readonly Account[], requested: string | undefined): string {
  const candidates = sessionAccounts(accounts);
  const list = (as: readonly Account[]) => as.slice(0, 10).map((a) => `  ${a.awsSerial}  ${displayName(a)}`).join('\n');
  if (requested !== undefined && requested.startsWith('arn:')) {
    const arn = parseMfaSerial(requested).arn;
    if (candidates.some((a) => a.awsSerial === arn)) return arn;
    throw new InputError('AWS_SERIAL_NOT_IN_VAULT', `The vault holds no enrolled device ${arn}: Authdesk can only make sessions with a device whose key it has.${candidates.length ? ` Its AWS devices:\n${list(candidates)}` : ' Enroll one with "authdesk aws enroll" or add its key first.'}`);
  }
  if (candidates.length === 1) return candidates[0]!.awsSerial!;
  if (!candidates.length) {
    throw new InputError('AWS_NO_DEVICE', requested !== undefined
      ? `No enrolled AWS account matches "${requested}". Run "authdesk list" to see your accounts.`
      : 'The vault holds no enrolled AWS MFA device. Enroll one first ("authdesk aws enroll --name NAME"), or link an existing account ("authdesk aws link").');
  }
  throw new InputError('AWS_DEVICE_AMBIGUOUS', `The vault holds ${candidates.length} AWS MFA devices; choose one with --serial:\n${list(candidates)}`);
}

export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface ProfileRequest {
  readonly name: string;
  readonly sourceProfile: string;
  readonly serial: string;
  readonly roleArn?: string;
  readonly region?: string;
}

export interface SourceProfileFacts {
  /** Merged values of the source profile from the config and credentials files; undefined when absent. */
  readonly values: Readonly<Record<string, string>> | undefined;
  /** Every profile name found, for the error message. */
  readonly known: readonly string[];
}

export function checkProfileRequest(request: ProfileRequest, source: SourceProfileFacts): void {
  checkProfileName(request.name);
  checkProfileName(request.sourceProfile);
  if (request.name === request.sourceProfile) {
    throw new InputError('AWS_PROFILE_SELF', `The new profile cannot be its own source: name it differently from "${request.sourceProfile}" (e.g. ${request.sourceProfile}-mfa).`);
  }
  if (!source.values) {
    const known = source.known.length ? ` Profiles found: ${source.known.join(', ')}.` : ' No profiles were found.';
    throw new InputError('AWS_SOURCE_PROFILE_MISSING', `There is no AWS profile "${request.sourceProfile}" to take long-term keys from. Create it with "aws configure --profile ${request.sourceProfile}".${known}`);
  }
  if (isAuthdeskCredentialProcess(source.values.credential_process)) {
    throw new InputError('AWS_SOURCE_PROFILE_IS_AUTHDESK', `The profile "${request.sourceProfile}" already gets its credentials from Authdesk; a profile made from it would call itself. Use the profile that holds your access keys as --source-profile.`);
  }
  if (request.roleArn !== undefined && !ROLE_ARN_PATTERN.test(request.roleArn)) {
    throw new InputError('AWS_ROLE_ARN_INVALID', `"${request.roleArn}" is not a role ARN (arn:aws:iam::123456789012:role/NAME).`);
  }
  if (request.region !== undefined && !REGION_PATTERN.test(request.region)) {
    throw new InputError('AWS_REGION_INVALID', `"${request.region}" is not an AWS region (e.g. us-east-1).`);
  }
}

/** The key/value lines of the new profile: credential_process first, then region. */
export function profileEntries(request: ProfileRequest, invocation: readonly string[], flavour: ShellFlavour): Array<[string, string]> {
  const words = [...invocation, 'aws', 'credentials', '--profile', request.sourceProfile, '--serial', request.serial];
  if (request.roleArn) words.push('--role-arn', request.roleArn);
  const entries: Array<[string, string]> = [['credential_process', commandLine(words, flavour)]];
  if (request.region) entries.push(['region', request.region]);
  return entries;
}

export function profileComment(request: ProfileRequest): string {
  return `Authdesk: MFA sessions from profile ${request.sourceProfile}'s keys (authdesk aws setup-profile; check with authdesk aws doctor)`;
}
