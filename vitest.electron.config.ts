import { defineConfig } from 'vitest/config';

// `npm run test:electron` only (scripts/test-electron.mjs): the shell in real Electron.
export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    expect: { poll: { timeout: 60_000 } },
  },
});
