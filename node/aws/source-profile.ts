/**
 * The source of an MFA session must be long-term credentials, never Authdesk itself: a profile
 * whose credential_process runs `authdesk aws credentials` as --profile would make Authdesk call
 * itself for its own source credentials, forever. Two guards:
 * - the profile's own settings are read first, and such a profile is refused with a sentence;
 * - while resolving source credentials, AUTHDESK_RESOLVING_SOURCE=1 is in the environment that
 *   the SDK hands to any credential_process it runs, so a nested Authdesk refuses at once.
 */
import { AwsError } from '../../core/errors.js';

export const NESTED_ENV = 'AUTHDESK_RESOLVING_SOURCE';

export function refuseNested(env: NodeJS.ProcessEnv): void {
  if (env[NESTED_ENV] === '1') {
    throw new AwsError('AWS_SOURCE_IS_AUTHDESK', 'Authdesk was asked for session credentials while it was itself looking for the source credentials of a session: the source profile\'s credential_process runs Authdesk. Point --profile (source_profile) at the profile with the IAM user\'s long-term access keys.');
  }
}

/** Does a credential_process line run Authdesk's `aws credentials`? */
export function runsAuthdeskCredentials(line: string | undefined): boolean {
  return line !== undefined && /authdesk/i.test(line) && /\baws\s+credentials\b/.test(line);
}

export async function checkSourceProfile(profile: string | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  refuseNested(env);
  const name = profile ?? env.AWS_PROFILE ?? (env.AWS_ACCESS_KEY_ID ? undefined : 'default');
  if (name !== undefined) {
    const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
    const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
    const section: Record<string, string | undefined> = { ...(credentialsFile[name] ?? {}), ...(configFile[name] ?? {}) };
    if (runsAuthdeskCredentials(section.credential_process)) {
      throw new AwsError('AWS_SOURCE_IS_AUTHDESK', `The profile "${name}" gets its credentials from Authdesk itself (credential_process), so it cannot be the source of a session. Use the profile with the IAM user's long-term access keys as --profile (e.g. --profile default).`);
    }
  }
  // Any credential_process the SDK runs from here on sees this and refuses to recurse.
  process.env[NESTED_ENV] = '1';
}
