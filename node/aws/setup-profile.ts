/**
 * `authdesk aws setup-profile` and the app's "Use with the AWS CLI…": read the AWS files and the
 * vault, work out the profile's exact lines (a preview), then write them. Policy:
 * core/aws/setup-profile.ts; text edit: core/aws/config-file.ts; the write: ./config-file-store.ts.
 */
import { InputError } from '../../core/errors.js';
import { parseAwsIni, profileValues, upsertProfile } from '../../core/aws/config-file.js';
import { checkProfileRequest, chooseSerial, profileComment, profileEntries, sessionAccounts } from '../../core/aws/setup-profile.js';
import type { VaultApi } from '../../core/vault/api.js';
import type { CliInvocation } from '../cli-invocation.js';
import { awsConfigPath, awsCredentialsPath, readAwsFile, replaceAwsFile, type ReplaceResult } from './config-file-store.js';

export interface SetupProfileInput {
  readonly name: string;
  readonly sourceProfile: string;
  /** A serial ARN, or an account query (id, name); default: the vault's only AWS device. */
  readonly serial?: string;
  readonly roleArn?: string;
  /** Default: the source profile's region, if it has one. */
  readonly region?: string;
  readonly force?: boolean;
}

export interface SetupProfilePlan {
  readonly configFile: string;
  readonly name: string;
  readonly sourceProfile: string;
  readonly serial: string;
  readonly region: string | undefined;
  /** The exact lines the profile gets (with the file's own line ending). */
  readonly lines: string;
  /** 'added' or 'replaced' (only with force). */
  readonly action: 'added' | 'replaced';
  /** 1-based line of the profile's header in the new file. */
  readonly line: number;
  readonly before: string;
  readonly after: string;
}

export interface SetupProfileDeps {
  readonly vault: Pick<VaultApi, 'list' | 'find'>;
  readonly invocation: CliInvocation;
  readonly env?: NodeJS.ProcessEnv;
}

/** Every profile name in the two files (config: [default]/[profile x]; credentials: [x]). */
export function profileNames(config: string, credentials: string): string[] {
  const names = new Set<string>();
  for (const s of parseAwsIni(config, 'config').sections) if (s.profile) names.add(s.profile);
  for (const s of parseAwsIni(credentials, 'credentials').sections) if (s.profile) names.add(s.profile);
  return [...names];
}

export async function planSetupProfile(input: SetupProfileInput, deps: SetupProfileDeps): Promise<SetupProfilePlan> {
  const env = deps.env ?? process.env;
  const configFile = awsConfigPath(env);
  const [config, credentials] = await Promise.all([readAwsFile(configFile), readAwsFile(awsCredentialsPath(env))]);
  const configDoc = parseAwsIni(config, 'config');
  const credentialsDoc = parseAwsIni(credentials, 'credentials');
  const fromConfig = profileValues(configDoc, input.sourceProfile);
  const fromCredentials = profileValues(credentialsDoc, input.sourceProfile);
  const sourceValues = fromConfig || fromCredentials ? { ...fromCredentials, ...fromConfig } : undefined;

  const requested = input.serial?.trim() || undefined;
  const accounts = requested !== undefined && !requested.startsWith('arn:')
    ? sessionAccounts(await deps.vault.find(requested))
    : await deps.vault.list();
  const serial = chooseSerial(accounts, requested);
  const region = input.region?.trim() || sourceValues?.region || undefined;
  const request = { name: input.name, sourceProfile: input.sourceProfile, serial, ...(input.roleArn ? { roleArn: input.roleArn } : {}), ...(region ? { region } : {}) };
  checkProfileRequest(request, { values: sourceValues, known: profileNames(config, credentials) });

  const entries = profileEntries(request, deps.invocation.words, deps.invocation.flavour);
  const result = upsertProfile(config, input.name, entries, { force: input.force === true, comment: profileComment(request) });
  if (result.kind === 'exists') {
    throw new InputError('AWS_PROFILE_EXISTS', `${configFile} already has a profile "${input.name}" (line ${result.line}${result.count > 1 ? `, and ${result.count - 1} more section${result.count > 2 ? 's' : ''} of that name` : ''}). Nothing was changed; add --force to replace it, or choose another name.`, {
      details: { file: configFile, line: result.line },
    });
  }
  const lines = result.text.split(/(?<=\n)/).slice(result.line - 1, result.line - 1 + 2 + entries.length).join('');
  return { configFile, name: input.name, sourceProfile: input.sourceProfile, serial, region, lines, action: result.kind, line: result.line, before: config, after: result.text };
}

export function applySetupProfile(plan: SetupProfilePlan): Promise<ReplaceResult> {
  return replaceAwsFile(plan.configFile, plan.before, plan.after);
}
