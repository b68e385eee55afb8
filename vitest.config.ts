import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Keychain and Chromium tests share one gnome-keyring and one machine with 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A condition the UI reaches after real work (scrypt for the app lock and backups, a QR
    // search, a keychain round trip) takes well over vitest's 1 s default when both cores are
    // busy with other test files; CI failed on exactly that. Polls still end as soon as it holds.
    expect: { poll: { timeout: 10_000 } },
  },
});
