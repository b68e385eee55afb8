#!/usr/bin/env node
// Decrypt an Authdesk backup WITHOUT Authdesk: Node.js >= 18 and this one file, nothing else
// (only node:crypto and node:fs). Prints the accounts as otpauth:// links, one per line, which any
// authenticator app imports (or turn each into a QR code, e.g. `qrencode -t ansiutf8 < line`).
//
//   node decrypt-backup.mjs backup.json                       asks for the passphrase
//   node decrypt-backup.mjs backup.json --passphrase-file F   reads it from F ("-" = standard input)
//   node decrypt-backup.mjs backup.json --json                prints the decrypted JSON instead
//
// The format is specified in docs/vault-format.md; this script is its independent reference reader
// and deliberately shares no code with Authdesk.
import { createDecipheriv, scrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';

const USAGE = 'usage: node decrypt-backup.mjs BACKUP.json [--passphrase-file FILE|-] [--json]';

function die(message, status = 1) {
  process.stderr.write(`decrypt-backup: ${message}\n`);
  process.exit(status);
}

const args = process.argv.slice(2);
let file;
let passphraseFile;
let json = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--passphrase-file') passphraseFile = args[++i] ?? die(USAGE, 2);
  else if (a.startsWith('--passphrase-file=')) passphraseFile = a.slice('--passphrase-file='.length);
  else if (a === '--json') json = true;
  else if (a === '-h' || a === '--help') { process.stdout.write(`${USAGE}\n`); process.exit(0); }
  else if (a.startsWith('-')) die(`unknown option ${a}\n${USAGE}`, 2);
  else if (file === undefined) file = a;
  else die(USAGE, 2);
}
if (file === undefined) die(USAGE, 2);

// Limits of the format (docs/vault-format.md, "Limits"): refuse costly parameters before any work.
const LIMITS = { minLog2N: 14, maxLog2N: 20, maxR: 16, maxP: 4, maxMemory: 256 * 1024 * 1024, maxWork: 512 * 1024 * 1024 };

function b64(text, field, length) {
  if (typeof text !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) die(`the file is damaged: "${field}" is not base64.`);
  const bytes = Buffer.from(text, 'base64');
  if (length !== undefined && bytes.length !== length) die(`the file is damaged: "${field}" is not ${length} bytes.`);
  return bytes;
}

let envelope;
try {
  envelope = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  die(error.code === 'ENOENT' ? `${file} does not exist.` : `${file} is not complete JSON (truncated or damaged).`);
}
if (envelope?.format !== 'authdesk-backup') die('this is not an Authdesk backup.');
if (envelope.version !== 1) die(`backup format version ${JSON.stringify(envelope.version)} is not the version 1 this script reads.`);
const { kdf, cipher } = envelope;
if (kdf?.name !== 'scrypt') die(`unsupported key derivation ${JSON.stringify(kdf?.name)}.`);
if (cipher?.name !== 'AES-256-GCM') die(`unsupported cipher ${JSON.stringify(cipher?.name)}.`);
const { N, r, p } = kdf;
const log2N = Math.log2(N);
if (!Number.isInteger(log2N) || log2N < LIMITS.minLog2N || log2N > LIMITS.maxLog2N || !Number.isInteger(r) || r < 1 || r > LIMITS.maxR
  || !Number.isInteger(p) || p < 1 || p > LIMITS.maxP || 128 * N * r > LIMITS.maxMemory || 128 * N * r * p > LIMITS.maxWork) {
  die(`scrypt parameters N=${N}, r=${r}, p=${p} are outside the format's limits; refusing.`);
}
const salt = b64(kdf.salt, 'kdf.salt', 32);
const nonce = b64(cipher.nonce, 'cipher.nonce', 12);
const tag = b64(cipher.tag, 'cipher.tag', 16);
const ciphertext = b64(envelope.ciphertext, 'ciphertext');

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function askHidden(prompt) {
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let text = '';
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false); stdin.pause(); stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(text);
          return;
        }
        if (ch === '\u0003') { process.stderr.write('\n'); process.exit(130); }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

// A passphrase file loses ONE trailing line ending (what editors and `echo` add), nothing else.
const stripEol = (text) => text.replace(/\r?\n$/, '');
let passphrase;
if (passphraseFile === '-') passphrase = stripEol(await readAll(process.stdin));
else if (passphraseFile !== undefined) {
  try { passphrase = stripEol(readFileSync(passphraseFile, 'utf8')); } catch { die(`cannot read the passphrase file ${passphraseFile}.`); }
} else if (process.stdin.isTTY) passphrase = await askHidden('Backup passphrase: ');
else passphrase = stripEol(await readAll(process.stdin));
if (!passphrase) die('the passphrase is empty.');

const key = await new Promise((resolve, reject) =>
  scrypt(Buffer.from(passphrase.normalize('NFC'), 'utf8'), salt, 32, { N, r, p, maxmem: 128 * N * r * (p + 1) + 1024 * 1024 }, (e, k) => (e ? reject(e) : resolve(k))));
// Associated data: the header fields as a compact JSON array, in this order.
const aad = JSON.stringify([envelope.format, envelope.version, envelope.createdAt, kdf.name, N, r, p, kdf.salt, cipher.name, cipher.nonce]);
let plaintext;
try {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
} catch {
  die('decryption failed: the passphrase is wrong, or the file was changed or damaged.');
} finally {
  key.fill(0);
}
const payload = JSON.parse(plaintext);
if (payload.version !== 1) die(`the contents are version ${JSON.stringify(payload.version)}, not the version 1 this script reads.`);
if (json) {
  process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  process.exit(0);
}

// Key Uri Format (github.com/google/google-authenticator/wiki/Key-Uri-Format).
const enc = encodeURIComponent;
for (const a of payload.accounts) {
  const label = a.issuer ? `${enc(a.issuer)}:${enc(a.label)}` : enc(a.label);
  const query = [`secret=${a.secret}`];
  if (a.issuer) query.push(`issuer=${enc(a.issuer)}`);
  if (a.algorithm && a.algorithm !== 'SHA1') query.push(`algorithm=${a.algorithm}`);
  if (a.digits && a.digits !== 6) query.push(`digits=${a.digits}`);
  if (a.type === 'totp' && a.period && a.period !== 30) query.push(`period=${a.period}`);
  if (a.type === 'hotp') query.push(`counter=${a.counter ?? 0}`);
  process.stdout.write(`otpauth://${a.type}/${label}?${query.join('&')}\n`);
}
process.stderr.write(`decrypt-backup: ${payload.accounts.length} account(s). These links contain your secret keys: do not save them in plain files.\n`);
