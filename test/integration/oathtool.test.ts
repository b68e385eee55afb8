// Cross-check against Debian's oathtool (OATH Toolkit), an independent C implementation, on random
// secrets (10–64 bytes), times (1970 to far future), hashes, digit counts and periods. Each oathtool
// call prints a window of consecutive codes (-w), so ~300 processes check ~900 codes. Secrets go to
// oathtool on stdin (KEY "-"), never on a command line other users could read.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToBase32, decodeBase32Secret } from '../../core/otp/base32.js';
import { hotp, totp, totpPair } from '../../core/otp/otp.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../../core/otp/types.js';
import { parseOtpauthUri, formatOtpauthUri } from '../../core/otpauth/uri.js';
import { nodeHmac } from '../../node/crypto.js';
import { RFC6238_SEEDS_ASCII, RFC6238_TOTP, asciiBytes } from '../vectors/rfc.js';

const CONCURRENCY = 4;

/** Run oathtool with the base32 key on stdin; resolve with the printed codes. */
function oathtool(args: readonly string[], base32: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('oathtool', [...args, '-b', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => reject(new Error(`oathtool could not start (Debian package "oathtool"): ${error.message}`)));
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`oathtool ${args.join(' ')} exited ${status}: ${stderr.trim()}`));
      else resolve(stdout.split('\n').filter((line) => line !== ''));
    });
    child.stdin.end(`${base32}\n`);
  });
}

/** Map with at most `limit` promises in flight (2 shared cores: no process storm). */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  }));
  return results;
}

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;

/** Random Unix seconds: around now, anywhere since 1970, beyond 2038 (2^31), and far future. */
function randomTime(i: number): number {
  switch (i % 5) {
    case 0: return Math.floor(Date.now() / 1000) + randomInt(-86_400, 86_400);
    case 1: return randomInt(0, 2 ** 31);
    case 2: return randomInt(2 ** 31, 2 ** 32 + 1_000_000); // past 2038 and 2106 (32-bit time_t, uint32)
    case 3: return randomInt(253_402_300_799 - 1_000_000_000, 253_402_300_799); // up to year 9999
    default: return randomInt(1_000_000_000_000, 5_000_000_000_000); // ~ year 33,000 to 160,000
  }
}

function randomPeriod(i: number): number {
  switch (i % 6) {
    case 0: case 1: return 30;
    case 2: return 60;
    case 3: return pick([1, 5, 10, 15, 20, 45, 90, 120, 300, 3_600, 86_400]);
    default: return randomInt(1, 7_200);
  }
}

interface TotpCase {
  readonly secret: Uint8Array;
  readonly base32: string;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
  readonly period: number;
  readonly time: number;
  readonly window: number;
}

describe('oathtool agrees', () => {
  it('on the RFC 6238 vectors (sanity of the harness)', async () => {
    for (const v of RFC6238_TOTP) {
      const base32 = bytesToBase32(asciiBytes(RFC6238_SEEDS_ASCII[v.algorithm]));
      const [code] = await oathtool([`--totp=${v.algorithm}`, '-d', '8', '-N', `@${v.time}`], base32);
      expect(code).toBe(v.totp);
    }
  });

  it('TOTP: 240 random secrets, times, hashes, 6–8 digits, periods (each with a window of codes)', async () => {
    const cases: TotpCase[] = Array.from({ length: 240 }, (_, i) => {
      const secret = randomBytes(randomInt(10, 65));
      const period = randomPeriod(i);
      return {
        secret, base32: bytesToBase32(secret),
        algorithm: HASH_ALGORITHMS[i % 3]!, digits: 6 + (Math.floor(i / 3) % 3),
        period, time: randomTime(i), window: randomInt(0, 5),
      };
    });
    // Every combination of hash and digit count appears, and all period kinds.
    expect(new Set(cases.map((c) => `${c.algorithm}/${c.digits}`)).size).toBe(9);

    let compared = 0;
    await mapLimited(cases, CONCURRENCY, async (c) => {
      const expected = await oathtool(
        [`--totp=${c.algorithm}`, '-d', String(c.digits), '-s', `${c.period}s`, '-N', `@${c.time}`, '-w', String(c.window)],
        c.base32,
      );
      expect(expected).toHaveLength(c.window + 1);
      const options = { algorithm: c.algorithm, digits: c.digits, period: c.period };
      const what = `${c.algorithm} ${c.digits} digits ${c.period}s @${c.time} (${c.secret.length}-byte secret)`;
      // oathtool -w prints the codes of the current step and the next `window` steps.
      const ours = Array.from({ length: c.window + 1 }, (_, k) => totp(c.secret, (c.time + k * c.period) * 1000, options, nodeHmac));
      expect(ours, what).toEqual(expected);
      // The same secret pasted the way people do (lower case, groups) decodes to the same codes.
      const pasted = c.base32.toLowerCase().replace(/(.{4})/g, '$1 ');
      expect(totp(decodeBase32Secret(pasted), c.time * 1000, options, nodeHmac), what).toBe(expected[0]);
      // Through an otpauth:// link and back.
      const data = parseOtpauthUri(formatOtpauthUri({ type: 'totp', issuer: 'Test', label: 'x', secret: c.base32, ...options }));
      expect(totp(decodeBase32Secret(data.secret), c.time * 1000 + 999, data, nodeHmac), what).toBe(expected[0]);
      if (c.window >= 1) {
        const pair = totpPair(c.secret, c.time * 1000, options, nodeHmac);
        expect([pair.first, pair.second], what).toEqual(expected.slice(0, 2));
      }
      compared += expected.length;
    });
    expect(compared).toBeGreaterThanOrEqual(240);
  });

  it('HOTP: 60 random secrets and counters, including above 2^32', async () => {
    const cases = Array.from({ length: 60 }, (_, i) => {
      const secret = randomBytes(randomInt(10, 65));
      const counter = [randomInt(0, 1_000), randomInt(0, 2 ** 32), 2 ** 32 - 2 + randomInt(0, 4), randomInt(2 ** 32, 2 ** 48), 2 ** 53 - 1 - 5 - randomInt(0, 1_000)][i % 5]!;
      return { secret, base32: bytesToBase32(secret), digits: 6 + (i % 3), counter, window: randomInt(0, 5) };
    });
    await mapLimited(cases, CONCURRENCY, async (c) => {
      const expected = await oathtool(['--hotp', '-d', String(c.digits), '-c', String(c.counter), '-w', String(c.window)], c.base32);
      const ours = Array.from({ length: c.window + 1 }, (_, k) => hotp(c.secret, c.counter + k, { algorithm: 'SHA1', digits: c.digits }, nodeHmac));
      expect(ours, `counter ${c.counter}, ${c.digits} digits`).toEqual(expected);
    });
  });
});
