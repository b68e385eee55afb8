import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commandLine, isAuthdeskCredentialProcess, parseAwsIni, profileValues, quoteWord, renderProfile, sectionsOf, upsertProfile,
} from '../../core/aws/config-file.js';
import { isAuthdeskError } from '../../core/errors.js';

const ENTRIES = [['credential_process', '/opt/authdesk aws credentials --profile default'], ['region', 'eu-west-1']] as const;
const BLOCK = '[profile work]\ncredential_process = /opt/authdesk aws credentials --profile default\nregion = eu-west-1\n';

function added(text: string, name = 'work', force = false): string {
  const result = upsertProfile(text, name, ENTRIES, { force });
  if (result.kind === 'exists') throw new Error(`unexpected exists at line ${result.line}`);
  return result.text;
}

describe('upsertProfile: adding keeps every other byte', () => {
  const cases: Array<[string, string, string]> = [
    ['an empty file', '', BLOCK],
    ['a file with comments and odd spacing', '# my settings\n[default]\nregion=us-east-1   \n  ; indented comment\n', `# my settings\n[default]\nregion=us-east-1   \n  ; indented comment\n\n${BLOCK}`],
    ['a last profile without a final newline', '[default]\nregion = us-east-1', `[default]\nregion = us-east-1\n\n${BLOCK}`],
    ['a file ending in a blank line', '[default]\nregion = us-east-1\n\n', `[default]\nregion = us-east-1\n\n${BLOCK}`],
    ['a bare [work] section (not a profile in the config file)', '[work]\nregion = x\n', `[work]\nregion = x\n\n${BLOCK}`],
    ['nested service settings', '[default]\ns3 =\n  max_concurrent_requests = 4\n', `[default]\ns3 =\n  max_concurrent_requests = 4\n\n${BLOCK}`],
  ];
  it.each(cases)('%s', (_, before, after) => {
    expect(added(before)).toBe(after);
    expect(added(before).startsWith(before)).toBe(true);
  });

  it('a CRLF file gets CRLF lines and its own bytes unchanged', () => {
    const before = '[default]\r\nregion = us-east-1\r\n';
    const text = added(before);
    expect(text.startsWith(before)).toBe(true);
    expect(text.slice(before.length)).toBe(`\r\n${BLOCK.replace(/\n/g, '\r\n')}`);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('reports the 1-based line of the new header', () => {
    const result = upsertProfile('[default]\nregion = x\n', 'work', ENTRIES);
    expect(result).toMatchObject({ kind: 'added', line: 4 });
  });
});

describe('upsertProfile: an existing profile', () => {
  const before = '# top\n[default]\nregion = us-east-1\n\n[profile work]\nregion = old\nmfa_serial = arn:aws:iam::123456789012:mfa/old\n\n# about the next one\n[profile other]\nregion = x\n';

  it('is left alone without force, with its line', () => {
    expect(upsertProfile(before, 'work', ENTRIES)).toEqual({ kind: 'exists', line: 5, count: 1 });
  });

  it('is replaced in place with force; the next section keeps the comment above it', () => {
    const result = upsertProfile(before, 'work', ENTRIES, { force: true });
    expect(result).toMatchObject({ kind: 'replaced', line: 5, removedDuplicates: 0 });
    if (result.kind === 'exists') throw new Error('exists');
    expect(result.text).toBe(`# top\n[default]\nregion = us-east-1\n\n${BLOCK}\n# about the next one\n[profile other]\nregion = x\n`);
  });

  it('[profile   work] and a header comment are the same profile', () => {
    expect(upsertProfile('[profile   work]  # mine\nregion = x\n', 'work', ENTRIES)).toMatchObject({ kind: 'exists', line: 1 });
  });

  it('duplicate sections: reported with their count; force leaves one, at the first place', () => {
    const dup = '[profile work]\nregion = a\n[default]\nregion = b\n[profile work]\noutput = json\n';
    expect(upsertProfile(dup, 'work', ENTRIES)).toEqual({ kind: 'exists', line: 1, count: 2 });
    const result = upsertProfile(dup, 'work', ENTRIES, { force: true });
    expect(result).toMatchObject({ kind: 'replaced', removedDuplicates: 1 });
    if (result.kind === 'exists') throw new Error('exists');
    expect(result.text).toBe(`${BLOCK}[default]\nregion = b\n`);
  });

  it('default means [default] and [profile default]; it is written as [default]', () => {
    expect(upsertProfile('[profile default]\nregion = a\n', 'default', ENTRIES)).toMatchObject({ kind: 'exists' });
    expect(upsertProfile('[default]\nregion = a\n', 'default', ENTRIES)).toMatchObject({ kind: 'exists' });
    const result = upsertProfile('[default]\nregion = a\n', 'default', ENTRIES, { force: true });
    expect(result.kind === 'replaced' && result.text).toBe(BLOCK.replace('[profile work]', '[default]'));
  });

  it('a profile that ends the file without a newline is replaced whole', () => {
    const result = upsertProfile('[default]\nregion = a\n\n[profile work]\nregion = z', 'work', ENTRIES, { force: true });
    expect(result.kind === 'replaced' && result.text).toBe(`[default]\nregion = a\n\n${BLOCK}`);
  });
});

describe('what the AWS SDK reads back (its own parser as the oracle)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'authdesk-ini-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['LF', '[default]\nregion = us-east-1\n\n[profile other]\nregion = x\n'],
    ['CRLF', '[default]\r\nregion = us-east-1\r\n'],
    ['no final newline', '[default]\nregion = us-east-1'],
  ])('%s: the new profile and the old ones', async (_, before) => {
    const file = path.join(dir, `config-${_}`);
    writeFileSync(file, added(before));
    const { configFile } = await loadSharedConfigFiles({ configFilepath: file, filepath: path.join(dir, 'none'), ignoreCache: true });
    expect(configFile.work).toEqual({ credential_process: ENTRIES[0][1], region: 'eu-west-1' });
    expect(configFile.default?.region).toBe('us-east-1');
  });
});

describe('parseAwsIni', () => {
  it('profiles of the config and credentials files, values merged, nested blocks skipped', () => {
    const config = parseAwsIni('[default]\nregion = a\ns3 =\n  region = nested\n[profile x]\ncredential_process = run me\n[sso-session s]\nsso_region = b\n[x]\nregion = bare\n', 'config');
    expect(config.sections.map((s) => s.profile)).toEqual(['default', 'x', undefined, undefined]);
    expect(profileValues(config, 'default')).toEqual({ region: 'a', s3: '' });
    expect(profileValues(config, 'x')).toEqual({ credential_process: 'run me' });
    expect(profileValues(config, 'missing')).toBeUndefined();
    const credentials = parseAwsIni('[x]\naws_access_key_id = AKIA\n', 'credentials');
    expect(sectionsOf(credentials, 'x')).toHaveLength(1);
  });
});

describe('renderProfile refuses what would be read otherwise', () => {
  it.each([
    ['a name with a space', 'my work', ENTRIES],
    ['a name with brackets', 'w]x', ENTRIES],
    ['a value with an inline comment', 'work', [['credential_process', '/home/a #1/authdesk']]],
    ['a value with a line break', 'work', [['region', 'a\nb']]],
  ] as const)('%s', (_, name, entries) => {
    let error: unknown;
    try {
      renderProfile(name, entries, '\n');
    } catch (e) {
      error = e;
    }
    expect(isAuthdeskError(error)).toBe(true);
  });
});

describe('quoteWord / commandLine', () => {
  it.each([
    ['/usr/bin/authdesk', 'posix', '/usr/bin/authdesk'],
    ['/home/a b/node', 'posix', '"/home/a b/node"'],
    ['/home/$HOME/x y', 'posix', `'/home/$HOME/x y'`],
    ["/home/it's/x", 'posix', `"/home/it's/x"`],
    ["/home/it's \"q\"", 'posix', `'/home/it'\\''s "q"'`],
    ['arn:aws:iam::123456789012:mfa/a+b=c,d.e@f-g', 'posix', 'arn:aws:iam::123456789012:mfa/a+b=c,d.e@f-g'],
    ['C:\\Program Files\\Authdesk\\authdesk.exe', 'win32', '"C:\\Program Files\\Authdesk\\authdesk.exe"'],
    ['C:\\Tools\\', 'win32', 'C:\\Tools\\'],
    ['C:\\My Tools\\', 'win32', '"C:\\My Tools\\\\"'],
    ['', 'posix', '""'],
  ] as const)('%s (%s) -> %s', (word, flavour, quoted) => {
    expect(quoteWord(word, flavour)).toBe(quoted);
  });

  // The AWS CLI splits credential_process with Python's shlex on POSIX; the JS SDK runs it with /bin/sh.
  const words = ['/home/a b/node', "/tmp/it's $x/authdesk.cjs", 'aws', 'credentials', '--profile', 'default'];
  it('Python shlex (the AWS CLI) splits the line back into the same words', () => {
    const line = commandLine(words, 'posix');
    const out = execFileSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', line], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(words);
  });
  it('/bin/sh (the JS SDK) splits the line back into the same words', () => {
    const line = commandLine(words, 'posix');
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' });
    expect(out.trimEnd().split('\n')).toEqual(words);
  });
});

describe('isAuthdeskCredentialProcess', () => {
  it.each([
    ['/usr/bin/authdesk aws credentials --profile default', true],
    ['"/usr/bin/node" "/src/authdesk/dist/cli/authdesk.cjs" aws credentials', true],
    ['C:\\Program Files\\Authdesk\\authdesk.exe aws credentials --profile x', true],
    ['aws-vault exec work --json', false],
    ['/usr/bin/authdesk code work', false],
    [undefined, false],
  ])('%s -> %s', (value, expected) => {
    expect(isAuthdeskCredentialProcess(value)).toBe(expected);
  });
});
