// The layering rule of docs/ARCHITECTURE.md, proven to fire: ESLint's no-restricted-imports as
// configured in eslint.config.js (through ESLint's Node API, on code given as text with a path in
// each layer), tsconfig.core.json's missing Node/DOM types, and the current tree passing both.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.js') });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file at `filePath`. */
async function layerViolations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  expect(result, filePath).toBeDefined();
  // A parse error would also mean "no violation": make sure the snippet itself is valid.
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

// [file as if in the tree, code, must be refused?]
const CASES: readonly (readonly [string, string, boolean])[] = [
  // core/: pure TypeScript.
  ['core/x.ts', "import fs from 'node:fs';\nexport const a = fs;", true],
  ['core/otp/x.ts', "import { readFile } from 'node:fs/promises';\nexport const a = readFile;", true],
  ['core/x.ts', "import { createHmac } from 'crypto';\nexport const a = createHmac;", true],
  ['core/x.ts', "import path from 'path';\nexport const a = path;", true],
  ['core/x.ts', "import { app } from 'electron';\nexport const a = app;", true],
  ['core/x.ts', "import { useState } from 'react';\nexport const a = useState;", true],
  ['core/vault/x.ts', "import { nodeHmac } from '../../node/crypto.js';\nexport const a = nodeHmac;", true],
  ['core/x.ts', "import { nodeHmac } from '../node/crypto.js';\nexport const a = nodeHmac;", true],
  ['core/x.ts', "import { x } from '../cli/io.js';\nexport const a = x;", true],
  ['core/otp/x.ts', "import { InputError } from '../errors.js';\nexport const a = InputError;", false],
  // node/: adapters, no Electron.
  ['node/x.ts', "import { app } from 'electron';\nexport const a = app;", true],
  ['node/x.ts', "import { safeStorage } from 'electron/main';\nexport const a = safeStorage;", true],
  ['node/x.ts', "import { x } from '../cli/io.js';\nexport const a = x;", true],
  ['node/x.ts', "import fs from 'node:fs';\nexport const a = fs;", false],
  ['node/x.ts', "import { hotp } from '../core/otp/otp.js';\nexport const a = hotp;", false],
  // cli/: plain Node.
  ['cli/x.ts', "import { app } from 'electron';\nexport const a = app;", true],
  ['cli/commands/x.ts', "import { app } from 'electron';\nexport const a = app;", true],
  ['cli/x.ts', "import { x } from '../electron/main/y.js';\nexport const a = x;", true],
  ['cli/commands/x.ts', "import { nodeHmac } from '../../node/crypto.js';\nimport fs from 'node:fs';\nexport const a = [nodeHmac, fs];", false],
  // renderer/: no Node, no Electron, only types from below.
  ['renderer/x.ts', "import { nodeHmac } from '../node/x.js';\nexport const a = nodeHmac;", true],
  ['renderer/src/x.tsx', "import { nodeHmac } from '../../node/crypto.js';\nexport const a = nodeHmac;", true],
  ['renderer/src/x.tsx', "import fs from 'node:fs';\nexport const a = fs;", true],
  ['renderer/src/x.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;", true],
  ['renderer/src/x.tsx', "import { x } from '../../electron/main/y.js';\nexport const a = x;", true],
  ['renderer/src/x.tsx', "import { x } from '../../cli/io.js';\nexport const a = x;", true],
  ['renderer/x.ts', "import type { OtpauthData } from '../core/otpauth/uri.js';\nexport const a: OtpauthData | null = null;", false],
  ['renderer/src/x.tsx', "import type { HashAlgorithm } from '../../core/otp/types.js';\nexport const a: HashAlgorithm = 'SHA1';", false],
];

describe('ESLint layering rule (eslint.config.js)', () => {
  it.each(CASES)('%s: %j refused=%s', async (filePath, code, refused) => {
    const violations = await layerViolations(filePath, code);
    if (refused) {
      expect(violations.length, violations.join('\n')).toBeGreaterThan(0);
      // The message explains the layer, not just "restricted".
      expect(violations.join('\n')).toMatch(/core\/|node\/|renderer|CLI|Electron|React/);
    } else {
      expect(violations).toEqual([]);
    }
  });

  it('a type-only import in the renderer that is written as a value import is flagged', async () => {
    // consistent-type-imports keeps type-only uses from turning into runtime imports of core/.
    const [result] = await eslint.lintText(
      "import { OtpauthData } from '../core/otpauth/uri.js';\nexport const a: OtpauthData | null = null;",
      { filePath: path.join(root, 'renderer/x.ts') },
    );
    expect(result!.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/consistent-type-imports');
  });

  it('the current tree breaks no layer rule (core, node, cli, renderer)', async () => {
    const linter = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.js'), errorOnUnmatchedPattern: false });
    const results = await linter.lintFiles(['core/**/*.ts', 'node/**/*.ts', 'cli/**/*.ts', 'renderer/**/*.{ts,tsx}']);
    expect(results.some((r) => r.filePath.includes(`${path.sep}core${path.sep}otp${path.sep}`))).toBe(true);
    const violations = results.flatMap((r) => r.messages
      .filter((m) => m.ruleId === 'no-restricted-imports')
      .map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`));
    expect(violations).toEqual([]);
  });
});

describe('tsconfig.core.json has no Node or DOM types', () => {
  let dir = '';
  beforeAll(async () => {
    await mkdir(path.join(root, 'test/.tmp'), { recursive: true });
    dir = await mkdtemp(path.join(root, 'test/.tmp/layering-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('rejects process, node:* imports, Buffer and document, and accepts pure code', async () => {
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({
      extends: path.join(root, 'tsconfig.core.json'),
      include: ['*.ts'],
    }));
    await writeFile(path.join(dir, 'pure.ts'), "import { hotp } from '../../../core/otp/otp.js';\nexport const f = hotp;\nexport const n: number = Math.floor(1.5);\n");
    await writeFile(path.join(dir, 'uses-process.ts'), 'export const env = process.env.HOME;\n');
    await writeFile(path.join(dir, 'uses-fs.ts'), "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n");
    await writeFile(path.join(dir, 'uses-dynamic-fs.ts'), "export const r = await import('node:fs');\n");
    await writeFile(path.join(dir, 'uses-buffer.ts'), "export const b = Buffer.from('x');\n");
    await writeFile(path.join(dir, 'uses-document.ts'), "export const d = document.title;\n");
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const output = await promisify(execFile)(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: root })
      .then(({ stdout }) => stdout, (error: { stdout?: string }) => error.stdout ?? '');
    const erroredFiles = new Set([...output.matchAll(/^(?:.*[\\/])?([\w-]+\.ts)\(\d+,\d+\): error TS\d+/gm)].map((m) => m[1]));
    expect([...erroredFiles].sort(), output).toEqual(['uses-buffer.ts', 'uses-document.ts', 'uses-dynamic-fs.ts', 'uses-fs.ts', 'uses-process.ts']);
  });
});
