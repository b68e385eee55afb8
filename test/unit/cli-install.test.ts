import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { addToPathList, installCli, planCliInstall } from '../../node/cli-install.js';
import { tempDir } from '../helpers/cli.js';

describe('planCliInstall', () => {
  const linux = { platform: 'linux' as NodeJS.Platform, home: '/home/a', bundled: '/opt/Authdesk/resources/bin/authdesk', appImage: undefined, pathVariable: '/usr/bin:/home/a/.local/bin/' };
  it.each([
    ['Linux (deb or unpacked): a link in ~/.local/bin', linux, { kind: 'symlink', link: '/home/a/.local/bin/authdesk', target: linux.bundled, onPath: true }],
    ['Linux, ~/.local/bin not on PATH', { ...linux, pathVariable: '/usr/bin' }, { kind: 'symlink', onPath: false }],
    ['AppImage: a copy in ~/.local/share, then the link', { ...linux, appImage: '/home/a/Authdesk.AppImage', bundled: '/tmp/.mount_Auth12/resources/bin/authdesk' }, { kind: 'copy-and-symlink', target: '/home/a/.local/share/authdesk/cli/authdesk', copyFrom: '/tmp/.mount_Auth12/resources/bin/authdesk' }],
    ['macOS: /usr/local/bin', { ...linux, platform: 'darwin' as NodeJS.Platform, bundled: '/Applications/Authdesk.app/Contents/Resources/bin/authdesk', pathVariable: '/usr/local/bin:/usr/bin' }, { kind: 'symlink', link: '/usr/local/bin/authdesk', onPath: true }],
    ['Windows: the user PATH', { ...linux, platform: 'win32' as NodeJS.Platform, bundled: 'C:\\Users\\a\\AppData\\Local\\Programs\\Authdesk\\resources\\bin\\authdesk.exe', pathVariable: 'C:\\Windows' }, { kind: 'user-path', folder: 'C:\\Users\\a\\AppData\\Local\\Programs\\Authdesk\\resources\\bin', onPath: false }],
  ])('%s', (_, facts, expected) => {
    expect(planCliInstall(facts)).toMatchObject(expected);
  });

  it.each([
    ['', 'C:\\A\\bin', 'C:\\A\\bin'],
    ['C:\\Windows;', 'C:\\A\\bin', 'C:\\Windows;C:\\A\\bin'],
    ['C:\\Windows;c:\\a\\BIN\\', 'C:\\A\\bin', 'C:\\Windows;c:\\a\\BIN\\'],
  ])('addToPathList(%j, %j)', (current, folder, expected) => {
    expect(addToPathList(current, folder)).toBe(expected);
  });
});

describe('installCli (real files in a temp HOME)', () => {
  const dir = tempDir('authdesk-cli-install-');
  afterAll(() => dir.cleanup());
  const resources = path.join(dir.path, 'mount', 'resources', 'bin');
  mkdirSync(resources, { recursive: true });
  writeFileSync(path.join(resources, 'authdesk'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(path.join(resources, 'keyring.node'), 'native');
  const facts = { platform: 'linux' as NodeJS.Platform, home: path.join(dir.path, 'home'), bundled: path.join(resources, 'authdesk'), appImage: undefined, pathVariable: '' };

  it('links, and linking again is a no-op', async () => {
    const plan = planCliInstall(facts);
    const result = await installCli(plan);
    expect(readlinkSync(result.installed)).toBe(facts.bundled);
    expect(result.message).toContain('is not on your PATH yet');
    await installCli(plan);
    expect(readlinkSync(result.installed)).toBe(facts.bundled);
  });

  it('AppImage: the executable and keyring.node are copied, the link points at the copy', async () => {
    const result = await installCli(planCliInstall({ ...facts, home: path.join(dir.path, 'home2'), appImage: '/x.AppImage' }));
    const target = readlinkSync(result.installed);
    expect(target).toBe(path.join(dir.path, 'home2', '.local', 'share', 'authdesk', 'cli', 'authdesk'));
    expect(statSync(target).mode & 0o111).not.toBe(0);
    expect(readFileSync(path.join(path.dirname(target), 'keyring.node'), 'utf8')).toBe('native');
  });

  it('an authdesk that is not a link (npm\'s, say) is left alone with a sentence', async () => {
    const home = path.join(dir.path, 'home3');
    mkdirSync(path.join(home, '.local', 'bin'), { recursive: true });
    writeFileSync(path.join(home, '.local', 'bin', 'authdesk'), 'npm shim');
    let error: unknown;
    try {
      await installCli(planCliInstall({ ...facts, home }));
    } catch (e) {
      error = e;
    }
    expect(isAuthdeskError(error, 'CLI_INSTALL_EXISTS')).toBe(true);
    expect(readFileSync(path.join(home, '.local', 'bin', 'authdesk'), 'utf8')).toBe('npm shim');
    // A link of ours to somewhere else (an older install) is replaced.
    const home4 = path.join(dir.path, 'home4');
    mkdirSync(path.join(home4, '.local', 'bin'), { recursive: true });
    symlinkSync('/old/place/authdesk', path.join(home4, '.local', 'bin', 'authdesk'));
    await installCli(planCliInstall({ ...facts, home: home4 }));
    expect(lstatSync(path.join(home4, '.local', 'bin', 'authdesk')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(home4, '.local', 'bin', 'authdesk'))).toBe(facts.bundled);
  });
});
