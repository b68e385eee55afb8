// TOTP generation throughput: ours (core/otp with node:crypto HMAC injected) against a plain
// node:crypto baseline written here, and otplib 13 (the design card's choice) with its default
// pure-JS crypto and with node:crypto plugged in. All must agree on RFC 6238 Appendix B first.
// Target (issue 2, Performance): ours >= 0.7x the baseline.
//   npm run bench -- otp      (or: npx esbuild bench/otp.ts --bundle --platform=node --format=esm
//                              --packages=external --outfile=.bench/otp.mjs && node .bench/otp.mjs)
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { generate, generateSync, type CryptoPlugin } from 'otplib';
import { totp } from '../core/otp/otp.js';
import type { HashAlgorithm } from '../core/otp/types.js';
import { nodeHmac } from '../node/crypto.js';
import { RFC6238_SEEDS_ASCII, RFC6238_TOTP, asciiBytes } from '../test/vectors/rfc.js';

const CODES_PER_ROUND = 100_000;
const ROUNDS = 5;
const TARGET_RATIO = 0.7;

// ---- baseline: the 10-line TOTP everyone writes with node:crypto --------------------------------
function baselineTotp(key: Uint8Array, unixSeconds: number, algorithm: string, digits: number, period: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / period)));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

// ---- otplib with node:crypto instead of its default noble (pure JS) HMAC ------------------------
const nodeCryptoForOtplib: CryptoPlugin = {
  name: 'node',
  hmac: (algorithm, key, data) => createHmac(algorithm.toLowerCase().replace(/[-_]/, ''), key).update(data).digest(),
  randomBytes: (length: number) => randomBytes(length),
  constantTimeEqual: (a, b) => {
    const x = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a);
    const y = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  },
};

const lower = (a: HashAlgorithm) => a.toLowerCase() as 'sha1' | 'sha256' | 'sha512';

type Impl = { readonly name: string; readonly code: (key: Uint8Array, unixSeconds: number, algorithm: HashAlgorithm, digits: number) => string };
const IMPLS: readonly Impl[] = [
  { name: 'ours (core/otp + nodeHmac)', code: (key, s, algorithm, digits) => totp(key, s * 1000, { algorithm, digits, period: 30 }, nodeHmac) },
  { name: 'baseline (inline node:crypto)', code: (key, s, algorithm, digits) => baselineTotp(key, s, lower(algorithm), digits, 30) },
  { name: 'otplib 13 generateSync (noble)', code: (key, s, algorithm, digits) => generateSync({ secret: key, epoch: s, algorithm: lower(algorithm), digits: digits as 6 | 7 | 8, period: 30 }) },
  { name: 'otplib 13 generateSync (node:crypto plugin)', code: (key, s, algorithm, digits) => generateSync({ secret: key, epoch: s, algorithm: lower(algorithm), digits: digits as 6 | 7 | 8, period: 30, crypto: nodeCryptoForOtplib }) },
];

// ---- correctness first: every implementation on every RFC 6238 vector ---------------------------
let disagreements = 0;
for (const impl of IMPLS) {
  for (const v of RFC6238_TOTP) {
    const got = impl.code(asciiBytes(RFC6238_SEEDS_ASCII[v.algorithm]), v.time, v.algorithm, 8);
    if (got !== v.totp) {
      disagreements++;
      console.log(`DISAGREE ${impl.name}: ${v.algorithm} @${v.time} gave ${got}, RFC says ${v.totp}`);
    }
  }
}
const asyncCode = await generate({ secret: asciiBytes(RFC6238_SEEDS_ASCII.SHA1), epoch: 59, digits: 8 });
if (asyncCode !== '94287082') disagreements++;
console.log(`RFC 6238 Appendix B: ${RFC6238_TOTP.length} vectors x ${IMPLS.length} implementations (+ otplib async) — ${disagreements === 0 ? 'all agree' : `${disagreements} DISAGREE`}`);
if (disagreements > 0) process.exit(1);

// ---- throughput -----------------------------------------------------------------------------------
// A 20-byte secret (otplib refuses < 16 bytes by default), SHA1, 6 digits: the common account.
const key = asciiBytes(RFC6238_SEEDS_ASCII.SHA1);
const start = 1_700_000_000;
let sink = 0;

function round(impl: Impl, algorithm: HashAlgorithm, codes: number): number {
  const t0 = performance.now();
  for (let i = 0; i < codes; i++) sink += impl.code(key, start + i * 30, algorithm, 6).charCodeAt(0);
  return codes / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(algorithm: HashAlgorithm, rounds: number, codes: number): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(IMPLS.map((impl) => [impl.name, []]));
  for (const impl of IMPLS) round(impl, algorithm, codes / 5); // warm-up (JIT)
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no implementation always runs after the same neighbour.
    for (let k = 0; k < IMPLS.length; k++) {
      const impl = IMPLS[(k + r) % IMPLS.length]!;
      samples.get(impl.name)!.push(round(impl, algorithm, codes));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} codes/s`;

// otplib async: one round only (it is much slower and its cost is per-promise).
async function otplibAsyncRate(): Promise<number> {
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += (await generate({ secret: key, epoch: start + i * 30 })).charCodeAt(0);
  return n / ((performance.now() - t0) / 1000);
}

console.log(`TOTP throughput: ${CODES_PER_ROUND.toLocaleString('en-US')} codes per round, median of ${ROUNDS} rounds, Node ${process.version}`);
const sha1 = await measure('SHA1', ROUNDS, CODES_PER_ROUND);
const base = sha1.get(IMPLS[1]!.name)!;
for (const [name, rate] of sha1) console.log(`  SHA1  ${name.padEnd(44)} ${fmt(rate).padStart(20)}  ${(rate / base).toFixed(2)}x baseline`);
const asyncRate = await otplibAsyncRate();
console.log(`  SHA1  ${'otplib 13 generate (async, noble)'.padEnd(44)} ${fmt(asyncRate).padStart(20)}  ${(asyncRate / base).toFixed(2)}x baseline`);
const sha512 = await measure('SHA512', 3, 30_000);
const base512 = sha512.get(IMPLS[1]!.name)!;
console.log('  (SHA512: 30,000 codes per round, 3 rounds, for information)');
for (const [name, rate] of sha512) console.log(`  SHA512 ${name.padEnd(43)} ${fmt(rate).padStart(20)}  ${(rate / base512).toFixed(2)}x baseline`);

const ratio = sha1.get(IMPLS[0]!.name)! / base;
console.log(`TARGET ours/baseline TOTP throughput >= ${TARGET_RATIO}: ${ratio.toFixed(2)} ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}`);
console.log(`INFO otplib 13 (default)/baseline: ${(sha1.get(IMPLS[2]!.name)! / base).toFixed(2)}; with node:crypto plugin: ${(sha1.get(IMPLS[3]!.name)! / base).toFixed(2)}`);
if (sink === 0) console.log('(sink)');
