/** `authdesk scan FILE...` as a real process, on images from the corpus and from Debian's qrencode. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQrCorpus, type Corpus, type DecodeCase } from '../helpers/qr-corpus.js';
import { ensureCliBuilt, runCli, tempDir } from '../helpers/cli.js';

let corpus: Corpus;
const tmp = tempDir('authdesk-qr-cli-');
const byId = (id: string) => corpus.cases.find((c) => c.id === id) as DecodeCase;
const file = (id: string) => path.join(corpus.dir, byId(id).file);

beforeAll(async () => {
  ensureCliBuilt();
  corpus = await buildQrCorpus();
});
afterAll(() => tmp.cleanup());

describe('authdesk scan', () => {
  it('prints the payload of a screenshot, exit 0', async () => {
    const r = await runCli(['scan', file('1440p-heavy-jpeg-qrencode')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`${byId('1440p-heavy-jpeg-qrencode').expected[0]}\n`);
  });

  it('prints every code in a frame, one per line, across several files', async () => {
    const r = await runCli(['scan', file('4K-two-codes-qrencode'), file('format-bmp32-top-down')]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').sort()).toEqual([...byId('4K-two-codes-qrencode').expected, ...byId('format-bmp32-top-down').expected].sort());
  });

  it('no code, unreadable file, missing file: a one-line reason, exit 1', async () => {
    const none = await runCli(['scan', file('4K-no-code')]);
    expect(none).toEqual({ code: 1, stdout: '', stderr: 'authdesk: No QR code was found in the image.\n' });
    const random = await runCli(['scan', path.join(corpus.dir, 'random.png')]);
    expect(random).toEqual({ code: 1, stdout: '', stderr: 'authdesk: This file is not a readable image. Authdesk reads PNG, JPEG, WebP, GIF or BMP images.\n' });
    const missing = await runCli(['scan', path.join(tmp.path, 'nope.png')]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'authdesk: There is no file "nope.png". Check the name and the folder.\n' });
    const huge = await runCli(['scan', path.join(corpus.dir, 'huge.png')]);
    expect(huge.code).toBe(1);
    expect(huge.stderr.split('\n').length).toBe(2);
    expect(huge.stderr).toMatch(/^authdesk: The image is 100000×100000 pixels/);
  });

  it('with several files, names the one that failed and still prints the others', async () => {
    const r = await runCli(['scan', file('1080p-clean-qrencode'), path.join(corpus.dir, 'empty.png')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${byId('1080p-clean-qrencode').expected[0]}\n`);
    expect(r.stderr).toBe('authdesk: empty.png: The image file is empty (0 bytes).\n');
  });

  it('a hostile payload stays on one line with terminal escapes neutralised', async () => {
    const png = path.join(tmp.path, 'hostile.png');
    execFileSync('qrencode', ['-o', png, '-s', '4', '--', 'hello\u001b]0;pwned\u0007\nsecond line']);
    const r = await runCli(['scan', png]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello\\u001b]0;pwned\\u0007\\u000asecond line\n');
  });

  it('--json reports payloads and errors per file', async () => {
    const r = await runCli(['scan', '--json', file('1080p-dark-mode-qrencode'), path.join(corpus.dir, 'truncated.png')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { file: file('1080p-dark-mode-qrencode'), payloads: byId('1080p-dark-mode-qrencode').expected },
      { file: path.join(corpus.dir, 'truncated.png'), error: expect.objectContaining({ code: 'IMAGE_TRUNCATED', domain: 'qr' }) },
    ]);
  });

  it('no file is a usage error (exit 2)', async () => {
    const r = await runCli(['scan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^authdesk: scan needs at least one image file\./);
  });
});
