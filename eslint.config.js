// Lint, and the layering rule of docs/ARCHITECTURE.md: imports point down only.
//   core      <- node <- electron/main, cli
//   renderer  imports only types from core and electron/ipc, never Node or Electron.
// test/unit/layering.test.ts proves each restriction fires.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'dgram', 'http', 'https', 'url', 'util', 'worker_threads', 'stream', 'events', 'buffer', 'zlib', 'tls', 'dns'];

export const layerRules = {
  core: {
    patterns: [
      { group: NODE_BUILTINS, message: 'core/ is pure TypeScript: no Node built-ins (put I/O in node/ behind a port).' },
      { group: ['electron', 'electron/*'], message: 'core/ must not import Electron.' },
      { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'core/ must not import React.' },
      { group: ['**/node/**', '../node/*', '**/electron/**', '**/renderer/**', '**/cli/**'], message: 'core/ imports nothing above it.' },
    ],
  },
  node: {
    patterns: [
      { group: ['electron', 'electron/*'], message: 'node/ adapters are shared with the CLI: no Electron.' },
      { group: ['**/electron/**', '**/renderer/**', '**/cli/**'], message: 'node/ imports only core/.' },
    ],
  },
  cli: {
    patterns: [
      { group: ['electron', 'electron/*'], message: 'The CLI runs in plain Node: no Electron.' },
      { group: ['**/electron/**', '**/renderer/**'], message: 'The CLI imports core/ and node/ only.' },
    ],
  },
  renderer: {
    patterns: [
      { group: NODE_BUILTINS, message: 'The renderer has no Node: talk to main through window.authdesk.' },
      // A regex, not a glob: the glob 'electron/*' also matched '../../electron/ipc/...', which is allowed.
      { regex: '^electron(/.*)?$', message: 'The renderer must not import Electron; use window.authdesk.' },
      { group: ['**/node/**', '**/cli/**', '**/electron/main/**', '**/electron/preload/**'], message: 'The renderer may import only types from core/ and electron/ipc/.' },
      { group: ['**/core/**', '**/electron/ipc/**'], allowTypeImports: true, message: 'The renderer may import only types from core/ and electron/ipc/.' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test/.tmp/**', 'coverage/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['core/**/*.ts'], rules: { 'no-restricted-imports': ['error', layerRules.core] } },
  { files: ['node/**/*.ts'], rules: { 'no-restricted-imports': ['error', layerRules.node] } },
  { files: ['cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', layerRules.cli] } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', layerRules.renderer],
      // Only type imports may cross from core/ and the IPC contract into the renderer bundle.
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
