/**
 * The facts `authdesk aws doctor` judges (core/aws/doctor.ts), gathered in order:
 * credentials (the SDK's default chain for the profile), GetCallerIdentity (needs no permission),
 * the caller's MFA devices and the account's unassigned virtual ones (IAM), a probe action
 * (ec2:DescribeInstances, the tutorial's "only with MFA" action) without MFA and — if refused and
 * the vault holds the caller's device — with a 15-minute MFA session made here with a fresh code
 * (the used-code ledger, so the code is never sent twice; the session is used once and dropped,
 * never cached, printed or written), AWS's clock (the Date of its responses), and the config file.
 * Nothing secret leaves this module: findings carry ARNs, names and AWS's messages only.
 */
import { createHash, createHmac } from 'node:crypto';
import { parseAwsIni } from '../../core/aws/config-file.js';
import type { DoctorFacts, ProbeResult, VaultAwsAccount } from '../../core/aws/doctor.js';
import { userNameOfArn } from '../../core/aws/doctor.js';
import type { VaultApi } from '../../core/vault/api.js';
import { defaultDataDir } from '../data-dir.js';
import { awsConfigPath, awsCredentialsPath, readAwsFile } from './config-file-store.js';

interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }

const REQUEST_TIMEOUT_MS = 15_000;
/** The shortest session STS gives: the doctor uses it for one call. */
const PROBE_SESSION_SECONDS = 900;
export const PROBE_ACTION = 'ec2:DescribeInstances';

function messageOf(error: unknown): string {
  const e = error as { name?: string; message?: string; Code?: string } | null;
  const text = (e?.message ?? String(error)).split('\n')[0]!;
  return e?.name && e.name !== 'Error' && !text.includes(e.name) ? `${e.name}: ${text}` : text;
}

/** endpoint_url for a service as the AWS CLI reads it (env per service, env, profile's services section, profile). */
async function serviceEndpoint(profile: string | undefined, service: string, envName: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  const fromEnv = env[`AWS_ENDPOINT_URL_${envName}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const config = parseAwsIni(await readAwsFile(awsConfigPath(env)), 'config');
  const values = Object.assign({}, ...config.sections.filter((s) => s.profile === (profile ?? env.AWS_PROFILE ?? 'default')).map((s) => s.values)) as Record<string, string>;
  if (values.services) {
    const block = config.sections.find((s) => s.header.replace(/\s+/g, ' ') === `services ${values.services}`);
    if (block) {
      // Nested "ec2 =\n  endpoint_url = ..." lines: read the raw lines of that section.
      const lines = config.lines.slice(block.startLine + 1, block.endLine).map((l) => l.replace(/\r?\n$/, ''));
      let inService = false;
      for (const line of lines) {
        if (/^\S/.test(line)) inService = new RegExp(`^${service}\\s*=`).test(line);
        else if (inService) {
          const m = /^\s+endpoint_url\s*=\s*(\S+)/.exec(line);
          if (m) return m[1];
        }
      }
    }
  }
  return values.endpoint_url || undefined;
}

async function regionOf(profile: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.AWS_REGION || env.AWS_DEFAULT_REGION) return (env.AWS_REGION || env.AWS_DEFAULT_REGION)!;
  const config = parseAwsIni(await readAwsFile(awsConfigPath(env)), 'config');
  const section = config.sections.find((s) => s.profile === (profile ?? env.AWS_PROFILE ?? 'default'));
  return section?.values.region || 'us-east-1';
}

/** One EC2 Query call signed with SigV4 (the EC2 client is not a dependency; one action does not justify it). */
async function ec2Call(action: string, credentials: Credentials, region: string, endpoint: string | undefined, clockOffsetMs: number): Promise<{ status: number; body: string }> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  class Sha256 {
    private readonly hash;
    constructor(secret?: Uint8Array | string) {
      this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
    }
    update(data: Uint8Array | string) {
      this.hash.update(data);
    }
    digest() {
      return Promise.resolve(new Uint8Array(this.hash.digest()));
    }
  }
  const url = new URL(endpoint ?? `https://ec2.${region}.amazonaws.com/`);
  const body = new URLSearchParams({ Action: action, Version: '2016-11-15', MaxResults: '5' }).toString();
  const signer = new SignatureV4({ service: 'ec2', region, credentials, sha256: Sha256 as never });
  const signed = await signer.sign({
    method: 'POST', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname || '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body,
  }, { signingDate: new Date(Date.now() + clockOffsetMs) });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch {
    // fetch says only "fetch failed": name the endpoint, which is what a person can check.
    throw new Error(`could not reach ${url.origin} (offline, or a wrong endpoint_url / AWS_ENDPOINT_URL)`);
  }
  return { status: response.status, body: await response.text() };
}

function probeResult(result: { status: number; body: string }): { result: ProbeResult; detail?: string } {
  if (result.status === 200) return { result: 'allowed' };
  const code = /<Code>([^<]+)<\/Code>/.exec(result.body)?.[1];
  if (result.status === 403 || code === 'UnauthorizedOperation' || code === 'AccessDenied') return { result: 'denied', ...(code ? { detail: code } : {}) };
  return { result: 'error', detail: `${code ?? 'HTTP'} ${result.status}` };
}

export interface DoctorOptions {
  readonly profile?: string;
  readonly vault: Pick<VaultApi, 'list' | 'code'>;
  readonly env?: NodeJS.ProcessEnv;
  /** Told when a fresh code is awaited (the ledger refuses a code already used). */
  readonly onWait?: (message: string) => void;
}

export async function gatherDoctorFacts(options: DoctorOptions): Promise<DoctorFacts> {
  const env = options.env ?? process.env;
  const profile = options.profile;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const configFile = awsConfigPath(env);
  const [configText, credentialsText] = await Promise.all([readAwsFile(configFile), readAwsFile(awsCredentialsPath(env))]);
  const credentialsProfiles = parseAwsIni(credentialsText, 'credentials').sections.map((s) => s.profile!).filter(Boolean);
  const vaultAccounts: VaultAwsAccount[] = (await options.vault.list())
    .filter((a) => a.awsSerial)
    .map((a) => ({ id: a.id, label: a.label, awsSerial: a.awsSerial, awsUser: a.awsUser, status: a.status }));
  const base = { profile, vaultAccounts, configText, configFile, credentialsProfiles };

  // 1. Credentials: the STS client's own default chain for the profile (env, files, SSO, process...).
  const region = await regionOf(profile, env);
  const sts = await import('@aws-sdk/client-sts');
  const stsEndpoint = await serviceEndpoint(profile, 'sts', 'STS', env);
  const client = new sts.STSClient({ region, maxAttempts: 2, ...(profile ? { profile } : {}), ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) });
  let credentials: Credentials;
  try {
    credentials = await client.config.credentials();
  } catch (error) {
    client.destroy();
    return { ...base, credentials: { ok: false, message: messageOf(error) } };
  }
  const temporary = Boolean(credentials.sessionToken);

  // 2. Caller (GetCallerIdentity needs no permission), and AWS's clock from the response's Date.
  let caller: NonNullable<DoctorFacts['caller']>;
  try {
    const id = await client.send(new sts.GetCallerIdentityCommand({}));
    caller = { ok: true, arn: id.Arn ?? '', account: id.Account ?? '', userId: id.UserId ?? '' };
  } catch (error) {
    client.destroy();
    return { ...base, credentials: { ok: true, temporary }, caller: { ok: false, message: messageOf(error) } };
  }
  const clockOffsetMs = client.config.systemClockOffset ?? 0;
  const userName = userNameOfArn(caller.arn);

  // 3. Devices
  let devices: DoctorFacts['devices'];
  if (userName) {
    const { createIamPort } = await import('./iam-client.js');
    const iam = await createIamPort({ ...(profile ? { profile } : {}), maxAttempts: 2 });
    try {
      const assigned = (await iam.listMfaDevices(userName)).map((d) => d.serialNumber);
      let unassigned: string[] | undefined;
      try {
        unassigned = (await iam.listVirtualMfaDevices('Unassigned')).map((d) => d.serialNumber);
      } catch {
        unassigned = undefined; // not allowed to list the account's devices: not a finding of its own
      }
      devices = { ok: true, assigned, unassigned };
    } catch (error) {
      devices = { ok: false, message: messageOf(error) };
    } finally {
      iam.destroy();
    }
  }

  // 4. Is MFA demanded? The probe without MFA, then with a session from the vault's device.
  const ec2Endpoint = await serviceEndpoint(profile, 'ec2', 'EC2', env);
  let probe: DoctorFacts['probe'];
  try {
    const first = probeResult(await ec2Call('DescribeInstances', credentials, region, ec2Endpoint, clockOffsetMs));
    probe = { action: PROBE_ACTION, withoutMfa: first.result, ...(first.detail ? { detail: first.detail } : {}) };
    if (first.result === 'denied' && !temporary) {
      const device = devices?.ok ? vaultAccounts.find((a) => a.status === 'active' && devices.assigned.includes(a.awsSerial!)) : undefined;
      if (!device) probe = { ...probe, withMfa: 'no-device' };
      else {
        try {
          const session = await mfaSession(client, sts, device, options, clockOffsetMs);
          const second = probeResult(await ec2Call('DescribeInstances', session, region, ec2Endpoint, clockOffsetMs));
          probe = { ...probe, withMfa: second.result, ...(second.detail ? { detail: second.detail } : {}) };
        } catch (error) {
          probe = { ...probe, withMfa: 'error', detail: messageOf(error) };
        }
      }
    }
  } catch (error) {
    probe = { action: PROBE_ACTION, withoutMfa: 'error', detail: messageOf(error) };
  } finally {
    client.destroy();
  }
  return { ...base, credentials: { ok: true, temporary }, caller, ...(devices ? { devices } : {}), probe, clockOffsetMs };
}

async function mfaSession(client: import('@aws-sdk/client-sts').STSClient, sts: typeof import('@aws-sdk/client-sts'), device: VaultAwsAccount, options: DoctorOptions, clockOffsetMs: number): Promise<Credentials> {
  const [{ releaseCodes }, { FileCodeLedger }] = await Promise.all([import('./release.js'), import('./code-ledger.js')]);
  const account = (await options.vault.list()).find((a) => a.id === device.id)!;
  const fresh = await releaseCodes({ account, count: 1, recipient: 'authdesk aws doctor (one MFA session for a check)' }, {
    ledger: new FileCodeLedger(defaultDataDir(options.env ?? process.env)),
    // Codes for AWS are computed on AWS's clock (learned from GetCallerIdentity's Date).
    codeAt: async (t) => (await options.vault.code(account.id, t)).code,
    now: () => Date.now() + clockOffsetMs,
    ...(options.onWait ? { onWait: (_ms: number, _reason: unknown, message: string) => options.onWait!(message) } : {}),
  });
  const out = await client.send(new sts.GetSessionTokenCommand({ SerialNumber: device.awsSerial, TokenCode: fresh.codes[0], DurationSeconds: PROBE_SESSION_SECONDS }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('STS returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}
