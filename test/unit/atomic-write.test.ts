// node/atomic-write.ts on the real filesystem: the mode from the first byte and after the umask,
// no temp file left after a success or a failure, and the old file intact when the replace fails.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTempOf, writeFileAtomic } from '../../node/atomic-write.js';
import { tempDir } from '../helpers/cli.js';

const base = tempDir('authdesk-atomic-');
afterAll(() => base.cleanup());
let count = 0;
function freshDir(): string {
  const dir = path.join(base.path, String(++count));
  mkdirSync(dir);
  return dir;
}

describe('writeFileAtomic', () => {
  it('creates the file 0600 by default and replaces an existing looser one, leaving no temp file', async () => {
    const dir = freshDir();
    const file = path.join(dir, 'doc.json');
    await writeFileAtomic(file, 'one');
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'loose', { mode: 0o644 });
    await writeFileAtomic(file, new TextEncoder().encode('two'));
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['doc.json']);
  });

  it('keeps a mode the caller asks for even when the umask would narrow it (the AWS config file\'s 0644)', async () => {
    const dir = freshDir();
    const file = path.join(dir, 'config');
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(file, '[default]\n', { mode: 0o644 });
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it('a failed replace leaves what was there, and no temp file (the errno reaches the caller)', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'kept');
    const error = await writeFileAtomic(target, 'new').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
    // A folder that does not exist: nothing is created.
    const missing = await writeFileAtomic(path.join(dir, 'no', 'file'), 'x').catch((e: unknown) => e);
    expect((missing as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('names its temp files so a crash\'s leftover is recognised for that file only', () => {
    expect(isTempOf('.vault.json.1234.a1b2c3d4e5f6.tmp', 'vault.json')).toBe(true);
    expect(isTempOf('vault.json', 'vault.json')).toBe(false);
    expect(isTempOf('.vault.json.bak', 'vault.json')).toBe(false);
    expect(isTempOf('.vault.jsonx.1.tmp', 'vault.json')).toBe(false);
    expect(isTempOf('.activity.log.1.ab.tmp', 'vault.json')).toBe(false);
  });
});
