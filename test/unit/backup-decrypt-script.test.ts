/**
 * scripts/decrypt-backup.mjs (the recovery path without Authdesk): it reads what Authdesk writes,
 * and refuses wrong passphrases, tampering, other versions and costly parameters with a message
 * and exit status 1, before deriving anything.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encryptBackup } from '../../node/backup/crypto.js';
import { flipBase64Bit } from '../helpers/backup-fixtures.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/decrypt-backup.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-decrypt-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(file: object | string, passphrase: string, extra: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const backup = path.join(dir, `b-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(backup, typeof file === 'string' ? file : JSON.stringify(file));
  const r = spawnSync(process.execPath, [SCRIPT, backup, '--passphrase-file', '-', ...extra], { input: `${passphrase}\n`, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const accounts = [
  { type: 'totp' as const, issuer: 'Space & Co: Ltd', label: 'ünïcode@example.com', secret: 'CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE', algorithm: 'SHA256' as const, digits: 8, period: 60 },
  { type: 'hotp' as const, issuer: '', label: 'plain', secret: 'BEVTFES7IUIQVMQY', algorithm: 'SHA1' as const, digits: 6, period: 30, counter: 7 },
];

describe('scripts/decrypt-backup.mjs', async () => {
  const text = await encryptBackup(accounts, 'script pass phrase', { params: { N: 2 ** 14, r: 8, p: 1 } });
  const file = JSON.parse(text);

  it('prints otpauth:// links (passphrase from stdin, one newline stripped), or the JSON', () => {
    const ok = script(text, 'script pass phrase');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(
      'otpauth://totp/Space%20%26%20Co%3A%20Ltd:%C3%BCn%C3%AFcode%40example.com?secret=CKHPZK4CSAE4BUOSNUECTKUOAT4O33PE&issuer=Space%20%26%20Co%3A%20Ltd&algorithm=SHA256&digits=8&period=60\n' +
      'otpauth://hotp/plain?secret=BEVTFES7IUIQVMQY&counter=7\n',
    );
    expect(ok.stderr).toMatch(/2 account\(s\)/);
    const json = script(text, 'script pass phrase', ['--json']);
    expect(JSON.parse(json.stdout).accounts).toEqual(accounts);
  });

  it.each([
    ['a wrong passphrase', text, 'Script pass phrase', /decryption failed/],
    ['a tampered ciphertext', { ...file, ciphertext: flipBase64Bit(file.ciphertext, 9) }, 'script pass phrase', /decryption failed/],
    ['a tampered date (AAD)', { ...file, createdAt: '2000-01-01T00:00:00.000Z' }, 'script pass phrase', /decryption failed/],
    ['another version', { ...file, version: 2 }, 'script pass phrase', /version 2 is not the version 1/],
    ['a costly N', { ...file, kdf: { ...file.kdf, N: 2 ** 22 } }, 'script pass phrase', /outside the format's limits/],
    ['a short salt', { ...file, kdf: { ...file.kdf, salt: 'AAAA' } }, 'script pass phrase', /kdf.salt" is not 32 bytes/],
    ['a truncated file', text.slice(0, 200), 'script pass phrase', /not complete JSON/],
    ['not a backup', { hello: 1 }, 'x', /not an Authdesk backup/],
  ])('refuses %s with exit 1', (_what, input, passphrase, message) => {
    const r = script(input, passphrase);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});
