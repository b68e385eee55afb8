/**
 * A profile's configured IAM endpoint, for a client created with `profile: P`.
 *
 * Measured with @aws-sdk/client-iam 3.1169: the SDK honours AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL and
 * the endpoint_url of the *active* profile (AWS_PROFILE or "default") by itself, but resolves
 * endpoint_url without the client's `profile` option (getEndpointFromConfig calls loadConfig() with
 * no profile). So for an explicit profile we apply the same rules ourselves and pass `endpoint`:
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls turn it off; the env
 * variables win (we then leave it to the SDK); then the profile's `services` section
 * (`iam = \n endpoint_url = ...`), then the profile's own endpoint_url.
 * Test: test/integration/iam-cli.test.ts (whoami --profile with endpoint_url and no default profile).
 */
export async function profileIamEndpoint(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return profileServiceEndpoint(profile, 'iam', env);
}

/** The same rules for any service id the SDK knows ("iam", "sts"): AWS_ENDPOINT_URL_<ID> first. */
export async function profileServiceEndpoint(profile: string, service: 'iam' | 'sts', env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL) return undefined;
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const section: Record<string, string | undefined> = { ...(credentialsFile[profile] ?? {}), ...(configFile[profile] ?? {}) };
  if (/^true$/i.test(section.ignore_configured_endpoint_urls ?? '')) return undefined;
  if (section.services) {
    const services = configFile[`services.${section.services}`] as Record<string, string | undefined> | undefined;
    const url = services?.[`${service}.endpoint_url`];
    if (url) return url;
  }
  return section.endpoint_url || undefined;
}
