/**
 * AWS environments for tests against test/iam-server: env keys + AWS_ENDPOINT_URL_IAM, or a temp
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE profile with endpoint_url. Nothing of the real
 * user's ~/.aws can leak in: every AWS_* variable is replaced, and IMDS is disabled.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { createIamPort, type AwsClientOptions, type SdkIamPort } from '../../node/aws/iam-client.js';
import { IamServer, type TestKey } from '../iam-server/server.js';

/** An env with no AWS settings at all (config files pointed at empty temp files). */
export function cleanAwsEnv(base: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('AWS_')) env[k] = v;
  const config = path.join(dir, 'empty-config');
  const credentials = path.join(dir, 'empty-credentials');
  writeFileSync(config, '');
  writeFileSync(credentials, '');
  return { ...env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_EC2_METADATA_DISABLED: 'true' };
}

export function keyEnv(key: TestKey, endpoint: string, variable: 'AWS_ENDPOINT_URL_IAM' | 'AWS_ENDPOINT_URL' = 'AWS_ENDPOINT_URL_IAM'): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    ...(key.sessionToken ? { AWS_SESSION_TOKEN: key.sessionToken } : {}),
    [variable]: endpoint,
  };
}

/** Shared config + credentials files with one profile per entry; endpoint_url in the config file. */
export function writeProfiles(dir: string, profiles: Record<string, { key: TestKey; endpoint?: string; region?: string }>): NodeJS.ProcessEnv {
  const config: string[] = [];
  const credentials: string[] = [];
  for (const [name, p] of Object.entries(profiles)) {
    config.push(name === 'default' ? '[default]' : `[profile ${name}]`, `region = ${p.region ?? 'us-east-1'}`);
    if (p.endpoint) config.push(`endpoint_url = ${p.endpoint}`);
    config.push('');
    credentials.push(`[${name}]`, `aws_access_key_id = ${p.key.accessKeyId}`, `aws_secret_access_key = ${p.key.secretAccessKey}`);
    if (p.key.sessionToken) credentials.push(`aws_session_token = ${p.key.sessionToken}`);
    credentials.push('');
  }
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  writeFileSync(configFile, config.join('\n'), { mode: 0o600 });
  writeFileSync(credentialsFile, credentials.join('\n'), { mode: 0o600 });
  return { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
}

export function awsTempDir(): { path: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-aws-'));
  return { path: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run `fn` with process.env replaced (the SDK reads env when a client is created). */
export async function withEnv<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/**
 * The shared set-up of the SDK-level IAM tests: one test IAM server and one temp AWS config dir per
 * file, clock reset and SDK clients destroyed after each test. Call at the top level of a test file.
 */
export function iamSdkFixture() {
  let server: IamServer | undefined;
  let dir: ReturnType<typeof awsTempDir> | undefined;
  const ports: SdkIamPort[] = [];
  beforeAll(async () => {
    server = await IamServer.start();
    dir = awsTempDir();
  });
  afterEach(() => {
    server?.setClockOffsetMs(0);
    for (const p of ports.splice(0)) p.destroy();
  });
  afterAll(async () => {
    await server?.close();
    dir?.cleanup();
  });
  const fixture = {
    get server(): IamServer { return server!; },
    get dir(): { path: string } { return dir!; },
    env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
      return { ...cleanAwsEnv(process.env, dir!.path), ...extra };
    },
    async port(options: AwsClientOptions = {}): Promise<SdkIamPort> {
      const p = await createIamPort({ maxAttempts: 2, ...options });
      ports.push(p);
      return p;
    },
    withKey<T>(key: TestKey, fn: (p: SdkIamPort) => Promise<T>, options: AwsClientOptions = {}): Promise<T> {
      return withEnv(fixture.env(keyEnv(key, server!.url)), async () => fn(await fixture.port(options)));
    },
    /** The AuthdeskError a promise rejects with (anything else, or success, fails the test). */
    async failure(promise: Promise<unknown>) {
      try {
        await promise;
      } catch (error) {
        if (!isAuthdeskError(error)) throw error;
        return error;
      }
      throw new Error('expected a failure');
    },
  };
  return fixture;
}
