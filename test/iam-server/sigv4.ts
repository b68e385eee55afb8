/**
 * AWS Signature Version 4 verification (header form), the way IAM checks a request:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * Only node:crypto; independent of the SDK's signer, which is the client under test.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  readonly method: string;
  /** Path and query as received (req.url). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; amzDate: string; securityToken?: string; presignedExpiresSeconds?: number }
  | { ok: false; code: 'MissingAuthenticationToken' | 'IncompleteSignature' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch'; message: string; accessKeyId?: string };

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX upper-case). */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k = '', v = ''] = pair.split('=');
      return [uriEncode(decodeURIComponent(k.replace(/\+/g, ' '))), uriEncode(decodeURIComponent(v.replace(/\+/g, ' ')))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalPath(path: string): string {
  // Non-S3 services double-encode: each segment as received (already percent-encoded) is encoded again.
  return path
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .map((segment) => uriEncode(segment))
    .join('/') || '/';
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export interface VerifyOptions {
  readonly region: string;
  readonly service: string;
  /** Secret for an access key id, undefined when the key is unknown. */
  readonly secretFor: (accessKeyId: string) => string | undefined;
}

const AUTH_PATTERN = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

function queryParams(url: string): URLSearchParams {
  return new URLSearchParams(url.split('?')[1] ?? '');
}

export interface CredentialScope { accessKeyId: string; date: string; region: string; service: string }

/**
 * The credential scope of a request, from the Authorization header or a presigned URL's
 * X-Amz-Credential, before any verification: the test server routes by its service (iam, sts, ec2)
 * exactly as AWS's endpoints differ by service.
 */
export function credentialScope(request: Pick<SignedRequest, 'url' | 'headers'>): CredentialScope | undefined {
  const authorization = request.headers.authorization;
  const credential = authorization ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : queryParams(request.url).get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const [accessKeyId = '', date = '', region = '', service = ''] = credential.split('/');
  return { accessKeyId, date, region, service };
}

interface ParsedAuth { credential: string; signedHeadersText: string; signature: string; amzDate: string; presigned?: { expiresSeconds: number } }

function parseAuth(request: SignedRequest): ParsedAuth | Exclude<SigV4Result, { ok: true }> {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = AUTH_PATTERN.exec(authorization);
    if (!match) {
      return { ok: false, code: 'IncompleteSignature', message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${authorization.split(' ')[0] ?? ''}` };
    }
    return { credential: match[1] ?? '', signedHeadersText: match[2] ?? '', signature: match[3] ?? '', amzDate: String(request.headers['x-amz-date'] ?? '') };
  }
  // Query-string authentication (a presigned request): the same signature, carried in the URL.
  const query = queryParams(request.url);
  if (!query.has('X-Amz-Algorithm')) return { ok: false, code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
  const credential = query.get('X-Amz-Credential');
  const signedHeadersText = query.get('X-Amz-SignedHeaders');
  const signature = query.get('X-Amz-Signature');
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !credential || !signedHeadersText || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, code: 'IncompleteSignature', message: "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'." };
  }
  return { credential, signedHeadersText, signature, amzDate: query.get('X-Amz-Date') ?? '', presigned: { expiresSeconds: Number(query.get('X-Amz-Expires') ?? '0') } };
}

export function verifySigV4(request: SignedRequest, options: VerifyOptions): SigV4Result {
  const parsed = parseAuth(request);
  if ('ok' in parsed) return parsed;
  const { credential, signedHeadersText, signature, amzDate } = parsed;
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = credential.split('/');
  const secret = options.secretFor(accessKeyId);
  if (secret === undefined) {
    return { ok: false, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', accessKeyId };
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return { ok: false, code: 'IncompleteSignature', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  }
  if (terminator !== 'aws4_request' || service !== options.service) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: `Credential should be scoped to correct service: '${options.service}'. `, accessKeyId };
  }
  if (region !== options.region) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: `Credential should be scoped to a valid region. `, accessKeyId };
  }
  if (date !== amzDate.slice(0, 8)) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`, accessKeyId };
  }
  const signedHeaders = signedHeadersText.split(';');
  if (!signedHeaders.includes('host')) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", accessKeyId };
  }
  const headerLines = signedHeaders.map((name) => {
    const raw = request.headers[name];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  const [path = '/', rawQuery = ''] = request.url.split('?');
  // A presigned request signs its query without the signature itself.
  const query = parsed.presigned ? rawQuery.split('&').filter((pair) => !pair.startsWith('X-Amz-Signature=')).join('&') : rawQuery;
  const payloadHash = typeof request.headers['x-amz-content-sha256'] === 'string' ? request.headers['x-amz-content-sha256'] : sha256Hex(request.body);
  const canonicalRequest = [request.method, canonicalPath(path), canonicalQuery(query), headerLines.join(''), signedHeadersText, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, date, region, service)).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      accessKeyId,
    };
  }
  // Session credentials carry their token in the X-Amz-Security-Token header, or in the query (presigned URLs).
  const header = request.headers['x-amz-security-token'];
  const token = typeof header === 'string' ? header : queryParams(request.url).get('X-Amz-Security-Token') ?? undefined;
  const base = { ok: true as const, accessKeyId, amzDate, ...(parsed.presigned ? { presignedExpiresSeconds: parsed.presigned.expiresSeconds } : {}) };
  return token !== undefined ? { ...base, securityToken: token } : base;
}

/** 20240102T030405Z -> Unix ms */
export function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
