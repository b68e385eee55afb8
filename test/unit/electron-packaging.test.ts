// electron-builder.yml cannot be exercised here (packaging needs Electron's binaries), so it is loaded
// and validated the way `electron-builder` itself does (app-builder-lib's getConfig +
// validateConfiguration against its JSON schema), then checked for the choices docs/packaging.md promises.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');

interface BuilderConfig {
  [key: string]: unknown;
  appId?: string;
  productName?: string;
  files?: Array<string | { filter?: string[] }>;
  asar?: boolean;
  electronFuses?: Record<string, boolean>;
  mac?: { target?: Array<{ target: string }>; hardenedRuntime?: boolean; entitlements?: string; entitlementsInherit?: string; extendInfo?: Record<string, string> };
  win?: { target?: Array<{ target: string }>; icon?: string };
  nsis?: { deleteAppDataOnUninstall?: boolean };
  linux?: { target?: string[]; category?: string; icon?: string; executableName?: string };
  directories?: { buildResources?: string };
}

const configModule = require(path.join(root, 'node_modules/app-builder-lib/out/util/config/config.js')) as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const minimatchModule = require('minimatch') as ((p: string, pattern: string, o?: object) => boolean) | { minimatch: (p: string, pattern: string, o?: object) => boolean };
const minimatch = typeof minimatchModule === 'function' ? minimatchModule : minimatchModule.minimatch;

let config: BuilderConfig;

beforeAll(async () => {
  config = await configModule.getConfig(root, null, null);
});

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema validation', async () => {
    await expect(configModule.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validation rejects a wrong option (so the test above can fail)', async () => {
    const broken = { ...config, linux: { ...config.linux, categry: 'Utility' } };
    await expect(configModule.validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
    const badFuse = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(configModule.validateConfiguration(badFuse, new DebugLogger(false))).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('names the app as node/data-dir and the docs expect', () => {
    expect(config.appId).toBe('dev.authdesk.app');
    expect(config.productName).toBe('Authdesk');
    expect(config.asar).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/main/main.cjs');
    expect(pkg.scripts['dist']).toContain('electron-builder');
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds dmg, nsis, AppImage and deb', () => {
    expect(config.mac?.target?.map((t) => t.target)).toEqual(['dmg']);
    expect(config.win?.target?.map((t) => t.target)).toEqual(['nsis']);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Utility');
    // The CLI is called authdesk: the desktop binary must not take that name in /usr/bin.
    expect(config.linux?.executableName).not.toBe('authdesk');
    expect(config.nsis?.deleteAppDataOnUninstall).toBe(false);
  });

  it('signs macOS with the hardened runtime and minimal entitlements, and explains the camera', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    const plist = require('plist') as { parse(xml: string): Record<string, unknown> };
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(file).toBeDefined();
      const entitlements = plist.parse(readFileSync(path.join(root, file ?? ''), 'utf8'));
      expect(entitlements).toEqual({ 'com.apple.security.cs.allow-jit': true, 'com.apple.security.device.camera': true });
    }
    expect(config.mac?.extendInfo?.['NSCameraUsageDescription']).toMatch(/camera only while you scan a QR code/);
  });

  it('packages built output only, never sources, tests or source maps', () => {
    // getConfig normalizes `files` to [{ filter: [...] }].
    const files = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files.length).toBeGreaterThan(3);
    const included = (file: string) => {
      let result = false;
      for (const pattern of files) {
        if (pattern.startsWith('!')) {
          if (minimatch(file, pattern.slice(1), { dot: true })) result = false;
        } else if (minimatch(file, pattern, { dot: true })) {
          result = true;
        }
      }
      return result;
    };
    for (const file of ['package.json', 'dist/main/main.cjs', 'dist/preload/preload.cjs', 'dist/renderer/index.html', 'dist/renderer/assets/zxing_reader-abc.wasm', 'assets/tray/trayTemplate.png', 'assets/icon.png']) {
      expect(included(file), file).toBe(true);
    }
    for (const file of ['electron/main/main.ts', 'core/otp/otp.ts', 'renderer/App.tsx', 'test/unit/security.test.ts', 'dist/main/main.cjs.map', 'dist/cli/authdesk.cjs', 'docs/SECURITY.md', 'assets/icon.svg', 'build/entitlements.mac.plist', 'vault.json', '.env']) {
      expect(included(file), file).toBe(false);
    }
  });
});

describe('icons', () => {
  it('has the Linux icon set at every size, square, with transparency', async () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const meta = await sharp(path.join(root, config.linux?.icon ?? 'build/icons', `${size}x${size}.png`)).metadata();
      expect([meta.width, meta.height, meta.format, meta.hasAlpha]).toEqual([size, size, 'png', true]);
    }
  });

  it('has a 1024 px icon for macOS (electron-builder makes the .icns from it)', async () => {
    const meta = await sharp(path.join(root, config.directories?.buildResources ?? 'build', 'icon.png')).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 1024]);
  });

  it('has a Windows .ico with the sizes Explorer and the taskbar use', () => {
    // ImageMagick's identify is an independent reader of the .ico container.
    const out = execFileSync('identify', ['-format', '%wx%h\n', path.join(root, config.win?.icon ?? 'build/icon.ico')], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(['16x16', '24x24', '32x32', '48x48', '64x64', '128x128', '256x256']);
  });

  it('has tray icons: a macOS template (black and alpha only) and a coloured one, at 1x and 2x', async () => {
    for (const [name, size] of [['trayTemplate.png', 16], ['trayTemplate@2x.png', 32], ['tray.png', 32], ['tray@2x.png', 64]] as const) {
      const file = path.join(root, 'assets/tray', name);
      expect(existsSync(file), name).toBe(true);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height], name).toEqual([size, size]);
    }
    const { data, info } = await sharp(path.join(root, 'assets/tray/trayTemplate@2x.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let opaque = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if ((data[i + 3] ?? 0) > 0) {
        opaque++;
        expect(Math.max(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0)).toBe(0);
      }
    }
    expect(opaque).toBeGreaterThan(50);
  });
});
