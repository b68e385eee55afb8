/**
 * "Install the command-line tool" (the app's Settings › AWS, as VS Code's "Install 'code' command in
 * PATH"): put the standalone `authdesk` executable shipped in the app's resources on the PATH.
 * - macOS: a symlink /usr/local/bin/authdesk -> the app bundle's executable (the app asks for an
 *   administrator's password when /usr/local/bin is not writable: electron/main does that part);
 * - Linux: a symlink ~/.local/bin/authdesk (on PATH in most distributions' default profiles); from an
 *   AppImage, whose mount point changes on each run, the executable and keyring.node are first copied
 *   to ~/.local/share/authdesk/cli/ and the link points there; a deb already linked /usr/bin/authdesk;
 * - Windows: the resources' bin folder joins the user's PATH (HKCU\Environment), for new terminals.
 * planCliInstall and addToPathList are pure (test/unit/cli-install.test.ts); installCli does the
 * file work for macOS/Linux (tested for real in a temp HOME); Windows' registry write is main's.
 */
import { copyFile, chmod, lstat, mkdir, readlink, rename, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { executableName } from './cli-invocation.js';

export interface CliInstallFacts {
  readonly platform: NodeJS.Platform;
  readonly home: string;
  /** The executable in the app's resources (<resources>/bin/authdesk). */
  readonly bundled: string;
  /** $APPIMAGE when the app runs from an AppImage. */
  readonly appImage: string | undefined;
  /** Current PATH (to tell whether the link's folder is on it). */
  readonly pathVariable: string;
}

export type CliInstallPlan =
  | { readonly kind: 'symlink'; readonly link: string; readonly target: string; readonly copyFrom?: undefined; readonly onPath: boolean }
  | { readonly kind: 'copy-and-symlink'; readonly link: string; readonly target: string; readonly copyFrom: string; readonly onPath: boolean }
  | { readonly kind: 'user-path'; readonly folder: string; readonly onPath: boolean };

function onPathList(folder: string, pathVariable: string, platform: NodeJS.Platform): boolean {
  const sep = platform === 'win32' ? ';' : ':';
  const norm = (p: string) => (platform === 'win32' ? p.replace(/[\\/]+$/, '').toLowerCase() : p.replace(/\/+$/, ''));
  return pathVariable.split(sep).some((p) => p && norm(p) === norm(folder));
}

export function planCliInstall(facts: CliInstallFacts): CliInstallPlan {
  const p = facts.platform === 'win32' ? path.win32 : path.posix;
  if (facts.platform === 'win32') {
    const folder = p.dirname(facts.bundled);
    return { kind: 'user-path', folder, onPath: onPathList(folder, facts.pathVariable, 'win32') };
  }
  if (facts.platform === 'darwin') {
    return { kind: 'symlink', link: '/usr/local/bin/authdesk', target: facts.bundled, onPath: onPathList('/usr/local/bin', facts.pathVariable, 'darwin') };
  }
  const binDir = p.join(facts.home, '.local', 'bin');
  const link = p.join(binDir, executableName(facts.platform));
  const onPath = onPathList(binDir, facts.pathVariable, facts.platform);
  if (facts.appImage) {
    const target = p.join(facts.home, '.local', 'share', 'authdesk', 'cli', executableName(facts.platform));
    return { kind: 'copy-and-symlink', link, target, copyFrom: facts.bundled, onPath };
  }
  return { kind: 'symlink', link, target: facts.bundled, onPath };
}

/** The user PATH with `folder` added at the end (unchanged when it is there already, in any case or with a trailing \). */
export function addToPathList(current: string, folder: string): string {
  if (onPathList(folder, current, 'win32')) return current;
  const trimmed = current.replace(/;+$/, '');
  return trimmed ? `${trimmed};${folder}` : folder;
}

export interface CliInstallResult {
  /** The command's path people can run (the link, or the folder on PATH on Windows). */
  readonly installed: string;
  /** What it runs. */
  readonly target: string;
  readonly onPath: boolean;
  /** One sentence for the person. */
  readonly message: string;
}

async function replaceLink(link: string, target: string): Promise<void> {
  try {
    const info = await lstat(link);
    if (!info.isSymbolicLink()) {
      throw new InputError('CLI_INSTALL_EXISTS', `${link} exists and is not a link Authdesk made (perhaps npm's authdesk). Remove it first, or keep using it.`);
    }
    if ((await readlink(link)) === target) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(link), { recursive: true });
  // Atomic replace: a new link beside it, renamed over.
  const temp = `${link}.authdesk-${process.pid}`;
  await unlink(temp).catch(() => undefined);
  await symlink(target, temp);
  await rename(temp, link);
}

/** Copy a file by temp + rename, keeping it executable. */
async function copyInto(from: string, to: string, mode: number): Promise<void> {
  const temp = `${to}.authdesk-${process.pid}`;
  await copyFile(from, temp);
  await chmod(temp, mode);
  await rename(temp, to);
}

/** Carry out a symlink / copy-and-symlink plan (macOS, Linux). EACCES is left to the caller (admin prompt). */
export async function installCli(plan: CliInstallPlan): Promise<CliInstallResult> {
  if (plan.kind === 'user-path') throw new Error('user PATH changes are made by the Windows main process');
  if (plan.kind === 'copy-and-symlink') {
    await mkdir(path.dirname(plan.target), { recursive: true });
    await copyInto(plan.copyFrom, plan.target, 0o755);
    // The native keychain module is loaded from beside the executable.
    await copyInto(path.join(path.dirname(plan.copyFrom), 'keyring.node'), path.join(path.dirname(plan.target), 'keyring.node'), 0o644);
  }
  await replaceLink(plan.link, plan.target);
  const where = path.dirname(plan.link);
  return {
    installed: plan.link, target: plan.target, onPath: plan.onPath,
    message: plan.onPath
      ? `Installed: "authdesk" now runs ${plan.target}.`
      : `Installed ${plan.link}, but ${where} is not on your PATH yet: add it in your shell's profile (export PATH="${where}:$PATH"), or open a new terminal if your profile already does.`,
  };
}
