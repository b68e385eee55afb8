/**
 * AWS profiles from the shared config and credentials files (~/.aws/config, ~/.aws/credentials, or
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), for a profile picker. Only names and what kind of
 * profile each is: never a key, token or secret.
 */
export interface AwsProfileInfo {
  readonly name: string;
  /** Where the profile is defined. */
  readonly sources: ReadonlyArray<'config' | 'credentials'>;
  readonly kind: 'static-keys' | 'sso' | 'assume-role' | 'process' | 'web-identity' | 'other';
  readonly region?: string;
  /** endpoint_url of the profile, if any (non-secret; shown so people see where calls go). */
  readonly endpointUrl?: string;
}

export async function listAwsProfiles(): Promise<readonly AwsProfileInfo[]> {
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  // Non-profile sections keep their type prefix ("sso-session.x", "services.x"); profiles do not.
  const isProfile = (key: string) => !/^(sso-session|services)\./.test(key);
  const names = new Set([...Object.keys(configFile).filter(isProfile), ...Object.keys(credentialsFile)]);
  const out: AwsProfileInfo[] = [];
  for (const name of [...names].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))) {
    const config = configFile[name] ?? {};
    const creds = credentialsFile[name] ?? {};
    const merged: Record<string, string | undefined> = { ...config, ...creds };
    const kind: AwsProfileInfo['kind'] = merged.aws_access_key_id ? 'static-keys'
      : merged.sso_session || merged.sso_start_url ? 'sso'
        : merged.role_arn && merged.web_identity_token_file ? 'web-identity'
          : merged.role_arn ? 'assume-role'
            : merged.credential_process ? 'process' : 'other';
    const sources: Array<'config' | 'credentials'> = [];
    if (name in configFile) sources.push('config');
    if (name in credentialsFile) sources.push('credentials');
    out.push({
      name, sources, kind,
      ...(merged.region ? { region: merged.region } : {}),
      ...(merged.endpoint_url ? { endpointUrl: merged.endpoint_url } : {}),
    });
  }
  return out;
}
