/**
 * Limits before work (issue 10 §6), on real files, devices, pipes and folders: a user's file is
 * refused by its type and size before it is read, a stream is cut at its cap, JSON nesting is
 * checked before JSON.parse, one key-derivation budget per file, and loose data folders are made
 * private. Nothing here measures time; memory is checked as "the refused input was never held".
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FILE_LIMITS, KDF_LIMITS, scryptWork } from '../../core/backup/format.js';
import { readImportText } from '../../core/backup/import/detect.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { parseVaultDocument } from '../../core/vault/document.js';
import { ensurePrivateDir, tightenExistingDir } from '../../node/data-dir.js';
import { FileDocumentStore } from '../../node/document-store.js';
import { readImportFile } from '../../node/backup/files.js';
import { readImport } from '../../node/backup/import.js';
import { PASSPHRASE_FILE_MAX_BYTES, readPassphraseFile } from '../../node/backup/passphrase.js';
import { loadImageFile } from '../../node/image/load.js';
import { readStreamCapped, readUserFile, UserFileError } from '../../node/user-file.js';
import { QR_LIMITS } from '../../core/qr/limits.js';
import { fixture, makeAegisEncrypted } from '../helpers/backup-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

/** A sparse file of `bytes` (no disk used): `truncate -s` as the issue did. */
function sparse(name: string, bytes: number): string {
  const p = file(name);
  writeFileSync(p, '');
  truncateSync(p, bytes);
  return p;
}

function fifo(name: string): string {
  const p = file(name);
  execFileSync('mkfifo', [p]);
  return p;
}

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserFileError) return error.problem;
    throw error;
  }
  return 'read';
}

describe('readUserFile: type and size from the opened handle, before reading', () => {
  it('refuses devices, pipes and folders without reading or blocking', async () => {
    expect(await problemOf(readUserFile('/dev/zero', 1024))).toBe('not-regular');
    expect(await problemOf(readUserFile('/dev/urandom', 1024))).toBe('not-regular');
    // A FIFO with no writer: opening must not hang (O_NONBLOCK), and it is refused.
    expect(await problemOf(readUserFile(fifo('pipe-1'), 1024))).toBe('not-regular');
    expect(await problemOf(readUserFile(dir, 1024))).toBe('directory');
    expect(await problemOf(readUserFile(file('missing'), 1024))).toBe('missing');
  });

  it('refuses a 1.5 GB sparse file by its size, without holding it in memory', async () => {
    const big = sparse('big.json', 1500 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const error = await readUserFile(big, FILE_LIMITS.MAX_FILE_BYTES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFileError);
    expect(error).toMatchObject({ problem: 'too-large', size: 1500 * 1024 * 1024 });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads a file of exactly the limit, and refuses one byte more', async () => {
    writeFileSync(file('exact'), Buffer.alloc(1000, 7));
    expect((await readUserFile(file('exact'), 1000)).length).toBe(1000);
    expect(await problemOf(readUserFile(file('exact'), 999))).toBe('too-large');
  });

  it('a passphrase may come through a pipe (process substitution), capped the same way', async () => {
    // The test holds the write end (O_RDWR never blocks on Linux), as the shell does for <(...).
    const p = fifo('pipe-2');
    const w = openSync(p, 'r+');
    const reading = readUserFile(p, 1024, { allowPipe: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeSync(w, 'pipe passphrase\n');
    closeSync(w);
    expect((await reading).toString()).toBe('pipe passphrase\n');
    const q = fifo('pipe-3');
    const flood = openSync(q, 'r+');
    writeSync(flood, Buffer.alloc(16 * 1024));
    expect(await problemOf(readUserFile(q, 4096, { allowPipe: true }))).toBe('too-large');
    closeSync(flood);
  });
});

describe('readStreamCapped: standard input with a running cap', () => {
  it('stops pulling an endless stream just past the limit', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 65536;
        this.push(Buffer.alloc(65536));
      },
    });
    const error = await readStreamCapped(endless, 1024 * 1024).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'too-large' });
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    expect(endless.destroyed).toBe(true);
  });

  it('returns a stream within the limit whole', async () => {
    expect((await readStreamCapped(Readable.from([Buffer.from('a'), Buffer.from('bc')]), 3)).toString()).toBe('abc');
  });
});

describe('every place a user file is read', () => {
  it('import / restore: one sentence, by type and by size', async () => {
    await expect(readImportFile('/dev/zero')).rejects.toMatchObject({ code: 'IMPORT_NOT_A_FILE', message: expect.stringContaining('not an ordinary file') });
    const big = sparse('import-big.json', 1500 * 1024 * 1024);
    await expect(readImportFile(big)).rejects.toMatchObject({ code: 'IMPORT_TOO_LARGE', message: `${big} is 1.5 GiB; an export or backup is at most 32.0 MiB. Is it the right file?` });
    await expect(readImportFile(dir)).rejects.toMatchObject({ code: 'IMPORT_NOT_A_FILE' });
    await expect(readImportFile(file('nope'))).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE', message: `${file('nope')} does not exist.` });
    expect((await readImportFile(path.join(path.dirname(fileURLPath()), '../fixtures/import/aegis-plain.json'))).length).toBeGreaterThan(100);
  });

  it('passphrase files: refused by size and type; a pipe is fine', async () => {
    const noStdin = async () => 'unused';
    await expect(readPassphraseFile('/dev/zero', noStdin)).rejects.toMatchObject({ code: 'PASSPHRASE_FILE_NOT_A_FILE' });
    await expect(readPassphraseFile(sparse('pass-big', 1500 * 1024 * 1024), noStdin)).rejects.toMatchObject({ code: 'PASSPHRASE_FILE_TOO_LARGE' });
    writeFileSync(file('pass-ok'), 'my pass\n');
    expect(await readPassphraseFile(file('pass-ok'), noStdin)).toBe('my pass');
    // "-" asks standard input for at most the passphrase limit.
    let asked: unknown;
    expect(await readPassphraseFile('-', async (limit) => ((asked = limit), 'typed\n'))).toBe('typed');
    expect(asked).toMatchObject({ maxBytes: PASSPHRASE_FILE_MAX_BYTES });
  });

  it('images (add --image, scan, the app\'s image dialog): a device or a huge file is refused before reading', async () => {
    await expect(loadImageFile('/dev/zero')).rejects.toMatchObject({ code: 'IMAGE_NOT_A_FILE' });
    await expect(loadImageFile(sparse('huge.png', QR_LIMITS.MAX_FILE_BYTES + 1))).rejects.toMatchObject({ code: 'IMAGE_FILE_TOO_LARGE' });
    await expect(loadImageFile(fifo('pipe.png'))).rejects.toMatchObject({ code: 'IMAGE_NOT_A_FILE' });
  });
});

function fileURLPath(): string {
  return new URL(import.meta.url).pathname;
}

describe('JSON nesting depth, checked before JSON.parse', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

  it.each([
    ['{}', 1, false],
    [deep(64), 64, false],
    [deep(65), 64, true],
    ['{"a":"[[[[[[[[[["}', 2, false],
    ['{"a":"\\"[[[[["}', 2, false],
    ['[[["\\\\"]]]', 3, false],
    ['[[["\\\\"],[[]]]]', 3, true],
  ])('%s (limit %i) -> %s', (text, limit, expected) => {
    expect(jsonNestsDeeperThan(text, limit)).toBe(expected);
    // The same on the UTF-8 bytes (judged before decoding), with multi-byte characters around.
    expect(jsonNestsDeeperThan(Buffer.from(`${text}`.replace(/"(?=\w)/, '"é€😀'), 'utf8'), limit)).toBe(expected);
  });

  it('imports: a deeply nested file is refused with a sentence', async () => {
    const text = `{"a":${deep(100_000)}}`;
    expect(() => readImportText(text)).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_DEEP' }));
    await expect(readImport(Buffer.from(text))).rejects.toMatchObject({ code: 'IMPORT_TOO_DEEP', message: expect.stringContaining(`more than ${MAX_JSON_DEPTH} levels`) });
    // Real files are far below the limit.
    expect(jsonNestsDeeperThan(fixture('aegis-plain.json').toString())).toBe(false);
    expect(jsonNestsDeeperThan(fixture('twofas-plain.2fas').toString())).toBe(false);
    expect(jsonNestsDeeperThan(fixture('bitwarden.json').toString())).toBe(false);
  });

  it('a planted vault.json nested deeply is "damaged", not a memory bomb', () => {
    expect(() => parseVaultDocument(`{"format":"authdesk-vault","x":${deep(10_000)}}`)).toThrow(expect.objectContaining({ code: 'VAULT_CORRUPT' }));
  });
});

describe('one key-derivation budget per file', () => {
  it('refuses a slot with absurd parameters before any work', async () => {
    const db = JSON.parse(fixture('aegis-plain.json').toString()).db;
    const vault = JSON.parse(makeAegisEncrypted(db, 'right', { N: 2 ** 14, extraSlots: 1 }));
    vault.header.slots[2].n = 2 ** 30;
    await expect(readImport(Buffer.from(JSON.stringify(vault)), { passphrase: 'wrong' })).rejects.toMatchObject({ code: 'BACKUP_UNSUPPORTED_KDF_PARAMS' });
  });

  it('an Aegis vault whose slots together exceed the budget: slots are tried in order until it is spent, then a sentence', async () => {
    const db = JSON.parse(fixture('aegis-plain.json').toString()).db;
    // A cheap file to build; then its slots are given the costliest parameters a single slot may have.
    const vault = JSON.parse(makeAegisEncrypted(db, 'right', { N: 2 ** 14, extraSlots: 7 }));
    const costly = { n: 2 ** 17, r: 8, p: 4 };
    expect(scryptWork({ N: costly.n, r: costly.r, p: costly.p })).toBe(KDF_LIMITS.MAX_WORK_PER_FILE);
    const passwordSlots = vault.header.slots.filter((s: { type: number }) => s.type === 1);
    expect(passwordSlots).toHaveLength(8);
    for (const slot of passwordSlots) Object.assign(slot, costly);
    const error = await readImport(Buffer.from(JSON.stringify(vault)), { passphrase: 'not the password' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IMPORT_KDF_BUDGET', details: { tried: 1, slots: 8 } });
    expect((error as Error).message).toMatch(/^Authdesk tried 1 of the 8 password slots of this Aegis vault and stopped/);
  });

  it('ordinary slots all fit: the right password in the last of 8 still opens the file', async () => {
    const db = JSON.parse(fixture('aegis-plain.json').toString()).db;
    const vault = JSON.parse(makeAegisEncrypted(db, 'right', { N: 2 ** 14, extraSlots: 7 }));
    // Move the slot of the right password to the end.
    const slots = vault.header.slots;
    slots.push(slots.splice(1, 1)[0]);
    const parsed = await readImport(Buffer.from(JSON.stringify(vault)), { passphrase: 'right' });
    expect(parsed.accounts.length).toBeGreaterThan(0);
  });
});

describe('data and backups folders are private (0700), also when they already existed', () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  it.each([0o755, 0o777, 0o750, 0o701])('an existing %o folder is tightened to 0700', async (loose) => {
    const p = file(`data-${loose.toString(8)}`);
    mkdirSync(p);
    chmodSync(p, loose);
    await ensurePrivateDir(p);
    expect(mode(p)).toBe(0o700);
  });

  it('a new folder (and its parents) is 0700; a 0700 one is left alone; missing stays missing for a read', async () => {
    const p = file('new/deeper');
    await ensurePrivateDir(p);
    expect(mode(p)).toBe(0o700);
    await expect(tightenExistingDir(file('absent'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('the vault store tightens its folder on read and on write', async () => {
    const p = file('vault-dir');
    mkdirSync(p);
    chmodSync(p, 0o777);
    const store = new FileDocumentStore(p);
    expect(await store.load()).toBeNull();
    expect(mode(p)).toBe(0o700);
    chmodSync(p, 0o755);
    await store.withLock(async () => undefined);
    expect(mode(p)).toBe(0o700);
  });
});
