/**
 * Helpers for tests that talk STS/EC2 to test/iam-server: the real SDK clients pointed at the
 * server, Debian's AWS CLI (`aws`) run against it, and a raw EC2 DescribeInstances signed by the
 * SDK's own SigV4 signer (@smithy/signature-v4; the project has no @aws-sdk/client-ec2).
 *
 * Typical product test:
 *   const server = await IamServer.start();
 *   const tutorial = server.tutorialUser('alice-tutorial');   // Force_MFA + EC2MFA, keys, device
 *   ... put tutorial.key in a profile (writeProfiles in ./iam-env.ts), tutorial.device.seedBase32 in the vault ...
 *   expect(server.count('GetSessionToken', { ok: true })).toBe(1);
 */
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { runProcess, type CliResult } from './cli.js';
import type { IamServer, SessionRecord, TestKey } from '../iam-server/server.js';

export interface AwsCredentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Credentials for a client from a test key, an issued session, or SDK/CLI output. */
export function credentialsOf(source: TestKey | SessionRecord | AwsCredentials | { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): AwsCredentials {
  if ('AccessKeyId' in source) {
    return { accessKeyId: source.AccessKeyId!, secretAccessKey: source.SecretAccessKey!, ...(source.SessionToken ? { sessionToken: source.SessionToken } : {}) };
  }
  const s = source as AwsCredentials;
  return { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}) };
}

/** Real SDK clients aimed at the server; destroy them after the test (clients.destroyAll()). */
export function sdkClients(server: () => IamServer) {
  const made: Array<{ destroy(): void }> = [];
  return {
    sts(credentials: AwsCredentials, options: { region?: string; maxAttempts?: number } = {}): STSClient {
      const c = new STSClient({ region: options.region ?? 'us-east-1', endpoint: server().url, maxAttempts: options.maxAttempts ?? 1, credentials });
      made.push(c);
      return c;
    },
    iam(credentials: AwsCredentials, options: { maxAttempts?: number } = {}): IAMClient {
      const c = new IAMClient({ region: 'us-east-1', endpoint: server().url, maxAttempts: options.maxAttempts ?? 1, credentials });
      made.push(c);
      return c;
    },
    destroyAll(): void {
      for (const c of made.splice(0)) c.destroy();
    },
  };
}

/** node:crypto in the Checksum shape @smithy/signature-v4 expects (what @smithy/hash-node provides). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not needed');
  }
}

export interface RawResponse { status: number; body: string; headers: Headers }

/**
 * A Query-protocol request signed by the SDK's signer, as EC2 clients send it: POST / with a form
 * body. `tokenInQuery` puts X-Amz-Security-Token in the URL instead of a header.
 */
export interface SignOptions {
  region?: string;
  /** Put X-Amz-Security-Token in the URL instead of a header. */
  tokenInQuery?: boolean;
  /** Sign as of the server's clock (for a server skewed beyond the 15-minute signature window). */
  signingDate?: Date;
}

export async function signedQuery(server: IamServer, service: 'ec2' | 'sts' | 'iam', credentials: AwsCredentials, params: Record<string, string>, options: SignOptions = {}): Promise<RawResponse> {
  const url = new URL(server.url);
  const body = new URLSearchParams(params).toString();
  const { sessionToken, ...longTerm } = credentials;
  const signer = new SignatureV4({ service, region: options.region ?? 'us-east-1', credentials: options.tokenInQuery ? longTerm : credentials, sha256: NodeSha256, uriEscapePath: true });
  const query: Record<string, string> = options.tokenInQuery && sessionToken ? { 'X-Amz-Security-Token': sessionToken } : {};
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query,
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body,
  }, options.signingDate ? { signingDate: options.signingDate } : {});
  const qs = new URLSearchParams(query).toString();
  const response = await fetch(`${server.url}/${qs ? `?${qs}` : ''}`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** EC2 DescribeInstances with these credentials. */
export function describeInstancesRaw(server: IamServer, credentials: AwsCredentials, options: SignOptions = {}): Promise<RawResponse> {
  return signedQuery(server, 'ec2', credentials, { Action: 'DescribeInstances', Version: '2016-11-15' }, options);
}

/** A presigned GET (query-string SigV4, the token in the URL, as the SDK's presigner makes it), then fetched. */
export async function presignedGet(server: IamServer, service: 'sts' | 'iam' | 'ec2', credentials: AwsCredentials, params: Record<string, string>, expiresIn = 300): Promise<RawResponse & { url: string }> {
  const url = new URL(server.url);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: NodeSha256, uriEscapePath: true });
  const presigned = await signer.presign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: params, headers: { host: url.host } }, { expiresIn });
  const target = `${server.url}/?${new URLSearchParams(presigned.query as Record<string, string>).toString()}`;
  const response = await fetch(target);
  return { url: target, status: response.status, body: await response.text(), headers: response.headers };
}

/**
 * Env for Debian's `aws` with nothing of the real user's settings: its own config/credentials
 * files in `dir` (profile `default` with these credentials, region us-east-1), no IMDS, no pager.
 */
export function awsCliEnv(dir: string, credentials: AwsCredentials, options: { region?: string; base?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(options.base ?? process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  const config = path.join(dir, 'cli-config');
  const creds = path.join(dir, 'cli-credentials');
  writeFileSync(config, `[default]\nregion = ${options.region ?? 'us-east-1'}\noutput = json\n`, { mode: 0o600 });
  writeFileSync(creds, `[default]\naws_access_key_id = ${credentials.accessKeyId}\naws_secret_access_key = ${credentials.secretAccessKey}\n${credentials.sessionToken ? `aws_session_token = ${credentials.sessionToken}\n` : ''}`, { mode: 0o600 });
  return { ...env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds, AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '', HOME: dir };
}

/**
 * Run Debian's AWS CLI (`aws ... --endpoint-url <server>`) as a process; `clockOffsetSeconds` runs it
 * under Debian's faketime, so its clock (and its signatures) can follow a skewed server.
 */
export function runAwsCli(server: IamServer, args: string[], env: NodeJS.ProcessEnv, options: { clockOffsetSeconds?: number } = {}): Promise<CliResult> {
  const argv = [...args, '--endpoint-url', server.url];
  const offset = options.clockOffsetSeconds;
  const [command, commandArgs] = offset === undefined ? ['aws', argv] : ['faketime', ['-f', `${offset >= 0 ? '+' : ''}${offset}s`, 'aws', ...argv]];
  return runProcess(command, commandArgs, { cwd: process.cwd(), env });
}
