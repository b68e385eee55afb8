import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real Electron: `npm run test:electron` (vitest.electron.config.ts), never part of `npm test`.
    exclude: [...configDefaults.exclude, 'test/electron/**'],
    // The keyring probe: once per run, before any file starts (test/setup/global.ts).
    globalSetup: ['test/setup/global.ts'],
    // Keychain and Chromium tests share one gnome-keyring and one machine with 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    // These limits catch a test that hangs; they are not speed targets. CI runs on 2 cores that
    // another heavy job may share, where real work (scrypt, keychain writes, Chromium) takes many
    // times its idle duration: a limit that load can reach fails honest tests. Speed is measured by
    // `npm run bench`, never by a timeout. Tests should not set shorter limits of their own.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    teardownTimeout: 120_000,
    // A condition the UI reaches after real work (scrypt for the app lock and backups, a QR
    // search, a keychain round trip) takes well over vitest's 1 s default when both cores are
    // busy with other test files; CI failed on exactly that. Polls still end as soon as it holds.
    expect: { poll: { timeout: 60_000 } },
  },
});
