/**
 * Issue 10 §4: text from files, links, QR codes and arguments never reaches a terminal raw.
 * Hostile names and values (ESC/CSI both as ESC [ and as the one-character U+009B, OSC 0 window
 * title, OSC 52 clipboard write, BEL, backspace, CR, C1 controls, bidirectional overrides and
 * isolates) go through every importer, `add`, `parse`, `list`, `code`, `scan`, `help` and the error
 * paths of the BUILT CLI as a real process, with the real keychain (run under
 * scripts/with-keyring.sh). Every stdout and stderr must be free of raw control/bidi characters,
 * and the escaped form (`\u001b`, `\u202e`...) must be there, so the name is still recognisable.
 * The confirm question (which the real CLI asks only at a terminal) is checked in process, through
 * the same runCli the binary runs, with a context that records the question.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as runCliInProcess } from '../../cli/main.js';
import type { CliContext } from '../../cli/io.js';
import { ensureCliBuilt, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { oracleUri } from '../helpers/qr-protobuf.js';

/** What must never reach a terminal raw: C0 (but newline and tab, our own layout), DEL, C1,
 * bidi embeddings/overrides/isolates/marks, invisible format characters, line separators. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2028\u2029]/u;

/** Everything an attacker would put in a name a terminal shows. Contains C0, so a vault refuses
 * it as a name (core/vault): it reaches output through errors, previews of unusable entries... */
const ATTACK = 'x\u001b[2J\u001b]0;owned title\u0007\u001b]52;c;aGVsbG8=\u0007\b\b\rReal\u009b31m\u202ey';
const ATTACK_SHOWN = 'x\\u001b[2J\\u001b]0;owned title\\u0007\\u001b]52;c;aGVsbG8=\\u0007\\u0008\\u0008\\u000dReal\\u009b31m\\u202ey';
/** A name a vault accepts today (no C0): C1 controls (CSI, OSC, ST, NEL) and bidi characters. */
const NAME = 'Evil\u009b2J\u009d0;t\u009c\u0085\u202eCorp\u2066\u200f';
const NAME_SHOWN = 'Evil\\u009b2J\\u009d0;t\\u009c\\u0085\\u202eCorp\\u2066\\u200f';
const LABEL = 'bob\u202egro.live\u2069';
const LABEL_SHOWN = 'bob\\u202egro.live\\u2069';

const randomBase32 = (chars: number) => Array.from({ length: chars }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('');

function show(text: string): string {
  return JSON.stringify(text).slice(0, 2000);
}

/** No raw control/bidi character in stdout or stderr, and each escaped form somewhere in them. */
function expectEscaped(r: CliResult, ...shown: string[]): void {
  expect(RAW.test(r.stdout), `raw character in stdout: ${show(r.stdout)}`).toBe(false);
  expect(RAW.test(r.stderr), `raw character in stderr: ${show(r.stderr)}`).toBe(false);
  for (const s of shown) expect(`${r.stdout}${r.stderr}`, `escaped form ${s} missing`).toContain(s);
}

/** A failure: exit 1 or 2 and its message on one line (a quoted value cannot add lines). */
function expectOneLineFailure(r: CliResult, ...shown: string[]): void {
  expect(r.code, r.stderr).toBeGreaterThan(0);
  expect(r.stderr.trimEnd().split('\n')[0]).toMatch(/^authdesk: /);
  if (r.code === 1) expect(r.stderr.trimEnd().split('\n'), show(r.stderr)).toHaveLength(1);
  expectEscaped(r, ...shown);
}

describe('no input reaches the terminal raw (the built CLI, real keychain)', () => {
  const data = tempDir('authdesk-escape-');
  const files = tempDir('authdesk-escape-files-');
  const file = (name: string, text: string | Buffer): string => {
    const p = path.join(files.path, name);
    writeFileSync(p, text);
    return p;
  };
  const cli = (args: string[], input?: string) => runCli(args, { dataDir: data.path, ...(input === undefined ? {} : { input }) });
  beforeAll(() => ensureCliBuilt(), 120_000);
  afterAll(() => {
    data.cleanup();
    files.cleanup();
  });

  it('add --secret with a hostile issuer and label prints them escaped', async () => {
    const r = await cli(['add', '--secret', randomBase32(32), '--issuer', NAME, '--label', LABEL]);
    expect(r.code, r.stderr).toBe(0);
    expectEscaped(r, `Added ${NAME_SHOWN}: ${LABEL_SHOWN}`);
    // A name with C0 controls is refused, and the refusal is clean too.
    const refused = await cli(['add', '--secret', randomBase32(32), '--issuer', 'ok', '--label', ATTACK]);
    expectOneLineFailure(refused);
  });

  it('list, plain and --json: escaped, and the JSON still carries the true names', async () => {
    const plain = await cli(['list']);
    expect(plain.code, plain.stderr).toBe(0);
    expectEscaped(plain, `${NAME_SHOWN}: ${LABEL_SHOWN}`);
    const json = await cli(['list', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expectEscaped(json, NAME_SHOWN, LABEL_SHOWN);
    const accounts = JSON.parse(json.stdout) as Array<{ issuer: string; label: string }>;
    expect(accounts.find((a) => a.label === LABEL)?.issuer).toBe(NAME);
  });

  it('code: the --json account, an unknown query and an ambiguous one', async () => {
    const ok = await cli(['code', 'gro.live', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expectEscaped(ok, NAME_SHOWN);
    expect((JSON.parse(ok.stdout) as { account: { issuer: string } }).account.issuer).toBe(NAME);

    expectOneLineFailure(await cli(['code', ATTACK]), ATTACK_SHOWN);
    const jsonFailure = await cli(['code', ATTACK, '--json']);
    expectEscaped(jsonFailure, ATTACK_SHOWN.replace('\\u0008\\u0008\\u000d', '\\b\\b\\r'));
    expect((JSON.parse(jsonFailure.stderr) as { error: { message: string } }).error.message).toContain(ATTACK);

    const second = await cli(['add', '--secret', randomBase32(32), '--issuer', NAME, '--label', 'carol\u202e']);
    expect(second.code, second.stderr).toBe(0);
    const ambiguous = await cli(['code', 'Evil']);
    expect(ambiguous.code).toBe(1);
    expectEscaped(ambiguous, `${NAME_SHOWN}: ${LABEL_SHOWN}`, `${NAME_SHOWN}: carol\\u202e`);
    // The message, then one line per candidate: "  <id>  <name>".
    expect(ambiguous.stderr.trimEnd().split('\n')).toHaveLength(3);
    expect(ambiguous.stderr).toMatch(/\n {2}\S+ {2}Evil\\u009b/);
  });

  const badUris: Array<[string, string]> = [
    ['algorithm', `otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&algorithm=${encodeURIComponent(ATTACK)}`],
    ['digits', `otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&digits=6${encodeURIComponent(ATTACK)}`],
    ['period', `otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&period=30${encodeURIComponent(ATTACK)}`],
    ['counter', `otpauth://hotp/Acme:alice?secret=JBSWY3DPEHPK3PXP&counter=1${encodeURIComponent(ATTACK)}`],
  ];
  it('parse and add --uri: a bad type carrying raw escapes is refused cleanly', async () => {
    const uri = `otpauth://x\u001b]0;t\u0007\u009b2J\u202e/Acme:alice?secret=JBSWY3DPEHPK3PXP`;
    expectOneLineFailure(await cli(['parse', uri]));
    expectOneLineFailure(await cli(['add', '--uri', uri]));
  });

  it.each(badUris)('parse and add --uri: a bad %s carrying escapes is quoted escaped', async (_what, uri) => {
    for (const args of [['parse', uri], ['parse', uri, '--json'], ['add', '--uri', uri], ['add', '--uri', '-']]) {
      const r = await cli(args, args.includes('-') ? uri : undefined);
      expect(r.code, r.stderr).toBe(1);
      expectEscaped(r, args.includes('--json') ? '\\u009b' : '\\u009b');
      expect(`${r.stdout}${r.stderr}`).toMatch(/\\u001b|\\u009b/);
      if (!args.includes('--json')) expectOneLineFailure(r);
    }
  });

  it('the options of add and otp quote a bad --algorithm/--digits/--period escaped', async () => {
    expectOneLineFailure(await cli(['add', '--secret', randomBase32(32), '--label', 'a', '--algorithm', ATTACK]), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['otp', '--secret', randomBase32(32), '--digits', ATTACK]), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['otp', '--secret', randomBase32(32), '--period', ATTACK]), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['otp', '--secret', randomBase32(32), '--time', ATTACK]), ATTACK_SHOWN);
  });

  it('unknown commands, bad options, help and --format carrying escapes', async () => {
    expectOneLineFailure(await cli([ATTACK]), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['help', ATTACK]), ATTACK_SHOWN);
    // parseArgs names the option up to its first "=".
    expectOneLineFailure(await cli(['list', `--${ATTACK}`]), ATTACK_SHOWN.slice(0, ATTACK_SHOWN.indexOf('=')));
    expectOneLineFailure(await cli(['list', ATTACK]), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['import', '--format', ATTACK, 'x']), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['import', path.join(files.path, `${ATTACK}.json`)]), ATTACK_SHOWN);
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expectEscaped(help);
  });

  describe('every importer', () => {
    const secret = () => randomBase32(32);
    const aegis = (entries: unknown[]) => JSON.stringify({ version: 1, header: { slots: null, params: null }, db: { version: 3, entries } });
    const aegisEntry = (name: string, issuer: string, info: Record<string, unknown> = {}, type = 'totp') =>
      ({ type, uuid: crypto.randomUUID(), name, issuer, note: '', icon: null, info: { secret: secret(), algo: 'SHA1', digits: 6, period: 30, ...info } });
    const twofas = (services: unknown[]) => JSON.stringify({ services, groups: [], updatedAt: 1708958781890, schemaVersion: 4, appVersionCode: 5000017, appVersionName: '5.3.5', appOrigin: 'android' });
    const twofasService = (name: string, account: string, otp: Record<string, unknown> = {}) =>
      ({ name, secret: secret(), updatedAt: 1702934567518, otp: { label: account, account, issuer: name, digits: 6, period: 30, algorithm: 'SHA1', tokenType: 'TOTP', source: 'Manual', ...otp }, order: { position: 0 } });
    const bitwarden = (items: unknown[]) => JSON.stringify({ encrypted: false, folders: [], items });
    const bitwardenItem = (name: string, username: string, totp: string) =>
      ({ id: crypto.randomUUID(), organizationId: null, folderId: null, type: 1, name, notes: null, favorite: false, login: { uris: [], username, password: null, totp } });
    const uri = (issuer: string, label: string, params = '') => `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(label)}?secret=${secret()}&issuer=${encodeURIComponent(issuer)}${params}`;

    /** Preview and import (the names a vault accepts) with --yes: the "+" lines escaped. */
    async function importsEscaped(format: string, name: string, text: string | Buffer, shown: string[]) {
      const r = await cli(['import', '--format', format, '--yes', '--skip-unsupported', file(name, text)]);
      expect(r.code, r.stderr).toBe(0);
      expectEscaped(r, ...shown);
      return r;
    }

    it('Aegis: accepted names, an unusable (Steam) entry named with escapes, bad algo/digits/period', async () => {
      await importsEscaped('aegis', 'aegis-ok.json', aegis([aegisEntry(LABEL, `Aegis ${NAME}`)]), [`+ Aegis ${NAME_SHOWN}: ${LABEL_SHOWN}`]);
      const steam = await cli(['import', '--format', 'aegis', file('aegis-steam.json', aegis([aegisEntry('fine', 'Fine'), aegisEntry(ATTACK, 'Steam', {}, 'steam')]))]);
      expect(steam.code).toBe(1);
      expectEscaped(steam, `! Steam: ${ATTACK_SHOWN}`);
      expectOneLineFailure(await cli(['import', '--format', 'aegis', file('aegis-algo.json', aegis([aegisEntry('a', ATTACK, { algo: ATTACK })]))]), ATTACK_SHOWN);
      expectOneLineFailure(await cli(['import', '--format', 'aegis', file('aegis-digits.json', aegis([aegisEntry('a', 'b', { digits: ATTACK })]))]), ATTACK_SHOWN);
      expectOneLineFailure(await cli(['import', '--format', 'aegis', file('aegis-period.json', aegis([aegisEntry('a', 'b', { period: ATTACK })]))]), ATTACK_SHOWN);
      const json = await cli(['import', '--format', 'aegis', '--json', file('aegis-steam.json', aegis([aegisEntry('fine', 'Fine'), aegisEntry(ATTACK, 'Steam', {}, 'steam')]))]);
      expectEscaped(json, '\\u202e', '\\u009b');
      expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(`Steam: ${ATTACK}`).slice(1, -1));
    });

    it('2FAS: accepted names, a Steam service named with escapes, bad algorithm/digits/period', async () => {
      await importsEscaped('twofas', 'ok.2fas', twofas([twofasService(`2FAS ${NAME}`, LABEL)]), [`+ 2FAS ${NAME_SHOWN}: ${LABEL_SHOWN}`]);
      const steam = await cli(['import', '--format', 'twofas', file('steam.2fas', twofas([twofasService('Fine', 'f'), twofasService(ATTACK, 'me', { tokenType: 'STEAM', issuer: ATTACK })]))]);
      expect(steam.code).toBe(1);
      expectEscaped(steam, `! ${ATTACK_SHOWN}: me`);
      expectOneLineFailure(await cli(['import', '--format', 'twofas', file('algo.2fas', twofas([twofasService(ATTACK, 'me', { algorithm: ATTACK })]))]), ATTACK_SHOWN);
      expectOneLineFailure(await cli(['import', '--format', 'twofas', file('digits.2fas', twofas([twofasService('a', 'b', { digits: ATTACK })]))]), ATTACK_SHOWN);
      expectOneLineFailure(await cli(['import', '--format', 'twofas', file('period.2fas', twofas([twofasService('a', 'b', { period: ATTACK })]))]), ATTACK_SHOWN);
    });

    it('Bitwarden: accepted names, a steam:// item named with escapes, a bad otpauth algorithm', async () => {
      await importsEscaped('bitwarden', 'bw-ok.json', bitwarden([bitwardenItem(`BW ${NAME}`, LABEL, secret())]), [`+ BW ${NAME_SHOWN}: ${LABEL_SHOWN}`]);
      const steam = await cli(['import', '--format', 'bitwarden', file('bw-steam.json', bitwarden([bitwardenItem('Fine', 'f', secret()), bitwardenItem(ATTACK, 'me', `steam://${secret()}`)]))]);
      expect(steam.code).toBe(1);
      expectEscaped(steam, `! ${ATTACK_SHOWN}: me`);
      expectOneLineFailure(await cli(['import', '--format', 'bitwarden', file('bw-algo.json', bitwarden([bitwardenItem(ATTACK, 'me', uri('a', 'b', `&algorithm=${encodeURIComponent(ATTACK)}`))]))]), ATTACK_SHOWN);
    });

    it('Ente and otpauth lists: bad algorithm/digits/period and an unusable link named with escapes', async () => {
      for (const format of ['ente', 'otpauth']) {
        for (const param of ['algorithm', 'digits', 'period']) {
          const text = `${uri('Fine', 'f')}\n${uri('a', 'b', `&${param}=${encodeURIComponent(ATTACK)}`)}\n`;
          expectOneLineFailure(await cli(['import', '--format', format, file(`${format}-${param}.txt`, text)]), '\\u001b');
        }
        const steam = await cli(['import', '--format', format, file(`${format}-steam.txt`, `${uri('Fine', 'f')}\notpauth://steam/${encodeURIComponent(ATTACK)}?secret=${secret()}\n`)]);
        expect(steam.code).toBe(1);
        expectEscaped(steam, ATTACK_SHOWN.slice(0, 20));
      }
    });

    const migration = () => oracleUri({
      otp: [
        { secret: Uint8Array.from({ length: 20 }, (_, i) => i + 7), issuer: 'Git\u202eHub\u2066', name: `alice\u200f${'\u2067'}`, algorithm: 1, digits: 1, type: 2 },
        { secret: Uint8Array.from({ length: 20 }, (_, i) => i + 9), issuer: 'C1', name: 'x\u009b2J\u0085', algorithm: 1, digits: 1, type: 2 },
      ],
      version: 1, batchSize: 1, batchIndex: 0, batchId: 4242,
    });
    const GOOGLE_SHOWN = 'Git\\u202eHub\\u2066: alice\\u200f\\u2067';

    it('Google Authenticator export text: bidi names escaped in the preview', async () => {
      const r = await importsEscaped('google', 'google.txt', `${migration()}\n`, [GOOGLE_SHOWN]);
      expect(r.stdout).toContain('Imported');
    });

    it('Google Authenticator export QR image: bidi names escaped in the preview', async () => {
      const png = path.join(files.path, 'google-qr.png');
      execFileSync('qrencode', ['-o', png, '-s', '4', '--', migration()]);
      const r = await cli(['import', '--format', 'google', '--yes', '--skip-unsupported', png]);
      expect(r.code, r.stderr).toBe(0);
      expectEscaped(r, GOOGLE_SHOWN);
    });
  });

  it('scan: a hostile payload (plain and --json) and a hostile file name', async () => {
    const png = path.join(files.path, 'hostile.png');
    execFileSync('qrencode', ['-o', png, '-s', '4', '--', `hello${ATTACK}`]);
    const plain = await cli(['scan', png]);
    expect(plain.code, plain.stderr).toBe(0);
    expectEscaped(plain, `hello${ATTACK_SHOWN}`);
    const json = await cli(['scan', '--json', png]);
    expect(json.code, json.stderr).toBe(0);
    expectEscaped(json, '\\u202e', '\\u001b]52');
    expect((JSON.parse(json.stdout) as Array<{ payloads: string[] }>)[0]?.payloads).toEqual([`hello${ATTACK}`]);
    expectOneLineFailure(await cli(['scan', path.join(files.path, `${ATTACK}.png`)]), ATTACK_SHOWN);
    expectOneLineFailure(await cli(['add', '--image', path.join(files.path, `${ATTACK}.png`)]), ATTACK_SHOWN);
  });

  it('add --image: the names found are escaped', async () => {
    const png = path.join(files.path, 'add-image.png');
    execFileSync('qrencode', ['-o', png, '-s', '4', '--', (() => oracleUri({ otp: [{ secret: Uint8Array.from({ length: 20 }, (_, i) => i + 3), issuer: 'Img\u202eCo', name: 'dave\u2066', algorithm: 1, digits: 1, type: 2 }], version: 1, batchSize: 1, batchIndex: 0, batchId: 77 }))()]);
    const r = await cli(['add', '--image', png, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expectEscaped(r, 'Img\\u202eCo: dave\\u2066');
  });

  it('the confirm question and every line of an in-process run are escaped (remove)', async () => {
    const added = await cli(['add', '--secret', randomBase32(32), '--issuer', NAME, '--label', 'erin\u202eremove-me']);
    expect(added.code, added.stderr).toBe(0);
    const written: string[] = [];
    const questions: string[] = [];
    const ctx: CliContext = {
      stdout: { write: (t: string) => written.push(t) },
      stderr: { write: (t: string) => written.push(t) },
      env: { ...process.env, AUTHDESK_DATA_DIR: data.path },
      stdinIsTTY: true,
      readStdin: async () => '',
      confirm: async (q: string) => {
        questions.push(q);
        return false;
      },
    };
    const previous = process.env.AUTHDESK_DATA_DIR;
    process.env.AUTHDESK_DATA_DIR = data.path;
    try {
      const status = await runCliInProcess(['remove', 'remove-me'], ctx);
      expect(status, written.join('')).toBe(1);
    } finally {
      if (previous === undefined) delete process.env.AUTHDESK_DATA_DIR;
      else process.env.AUTHDESK_DATA_DIR = previous;
    }
    expect(questions, written.join('')).toHaveLength(1);
    expect(RAW.test(questions[0] ?? ''), show(questions[0] ?? '')).toBe(false);
    expect(questions[0]).toContain(`Remove ${NAME_SHOWN}: erin\\u202eremove-me and its secret?`);
    expect(RAW.test(written.join('')), show(written.join(''))).toBe(false);
    expect(written.join('')).toContain('Nothing removed.');
  });
});
