/**
 * The absolute command line that runs `authdesk` on this machine, for a credential_process line
 * that works from any directory and any shell. Three ways Authdesk's CLI can exist:
 * - the standalone executable (a Node single executable application built by
 *   scripts/build-cli-exe.mjs, shipped in the app's resources): its own path;
 * - a checkout or a global npm install: "<node>" "<.../dist/cli/authdesk.cjs>" (absolute, real
 *   paths: the npm bin link and `node` on PATH may differ in the shell the AWS CLI starts);
 * - the desktop app (Electron cannot act as Node: the runAsNode fuse is off): the executable in its
 *   resources, or the copy "Install the command-line tool" made (AppImage: the mount moves each run).
 * The choice is pure (tested in test/unit/cli-invocation.test.ts); only currentCliInvocation reads the process.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { ShellFlavour } from '../core/aws/config-file.js';

export interface CliInvocation {
  /** argv of the command, absolute paths first. */
  readonly words: readonly string[];
  readonly kind: 'executable' | 'node-script';
  readonly flavour: ShellFlavour;
}

export function flavourOf(platform: NodeJS.Platform): ShellFlavour {
  return platform === 'win32' ? 'win32' : 'posix';
}

/** The standalone executable's file name on a platform. */
export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'authdesk.exe' : 'authdesk';
}

export interface ProcessFacts {
  readonly platform: NodeJS.Platform;
  readonly execPath: string;
  /** Running as the standalone executable (node:sea's isSea()). */
  readonly standalone: boolean;
  /** Real path of the script Node runs (process.argv[1]), when not standalone. */
  readonly script: string | undefined;
}

/** The invocation of the CLI process that is running now. */
export function invocationOfProcess(facts: ProcessFacts): CliInvocation {
  const flavour = flavourOf(facts.platform);
  if (facts.standalone) return { words: [facts.execPath], kind: 'executable', flavour };
  if (!facts.script || !path.isAbsolute(facts.script)) {
    throw new InputError('CLI_LOCATION_UNKNOWN', 'Authdesk could not tell where its own command is installed (run it by its path, or install it with "npm install -g authdesk").');
  }
  return { words: [facts.execPath, facts.script], kind: 'node-script', flavour };
}

export interface AppFacts {
  readonly platform: NodeJS.Platform;
  readonly packaged: boolean;
  /** process.resourcesPath of the packaged app. */
  readonly resourcesPath: string;
  /** app.getAppPath(): the checkout when running unpackaged. */
  readonly appPath: string;
  /** process.env.APPIMAGE: set when the app runs from an AppImage (its mount point changes each run). */
  readonly appImage: string | undefined;
  /** The installed copy of the executable ("Install the command-line tool"), if there is one. */
  readonly installedExecutable: string | undefined;
  /** An absolute `node` found on PATH (only used unpackaged). */
  readonly nodeOnPath: string | undefined;
}

/** Where the packaged app keeps its standalone executable (electron-builder.yml extraResources). */
export function bundledExecutable(resourcesPath: string, platform: NodeJS.Platform): string {
  return (platform === 'win32' ? path.win32 : path.posix).join(resourcesPath, 'bin', executableName(platform));
}

/** The invocation the desktop app writes into credential_process lines. */
export function invocationForApp(facts: AppFacts): CliInvocation {
  const flavour = flavourOf(facts.platform);
  if (facts.packaged) {
    if (facts.appImage) {
      if (facts.installedExecutable) return { words: [facts.installedExecutable], kind: 'executable', flavour };
      throw new InputError('CLI_NOT_INSTALLED', 'This AppImage moves each time it starts: choose "Install the command-line tool" first (Help menu), then try again.');
    }
    return { words: [facts.installedExecutable ?? bundledExecutable(facts.resourcesPath, facts.platform)], kind: 'executable', flavour };
  }
  if (!facts.nodeOnPath) {
    throw new InputError('CLI_NODE_MISSING', 'Running from a checkout, Authdesk needs `node` on PATH for the command line (or build the standalone executable: npm run build:cli-exe).');
  }
  return { words: [facts.nodeOnPath, path.join(facts.appPath, 'dist', 'cli', 'authdesk.cjs')], kind: 'node-script', flavour };
}

/** The running CLI's own invocation (node:sea tells a standalone executable from a script). */
export async function currentCliInvocation(): Promise<CliInvocation> {
  let standalone = false;
  try {
    const sea = (await import('node:sea')) as { isSea?: () => boolean };
    standalone = sea.isSea?.() === true;
  } catch {
    // Node before 20.12 has no node:sea (and cannot build a standalone executable): a script.
  }
  let script: string | undefined;
  if (!standalone && process.argv[1]) {
    try {
      script = realpathSync(process.argv[1]);
    } catch {
      script = path.resolve(process.argv[1]);
    }
  }
  return invocationOfProcess({ platform: process.platform, execPath: process.execPath, standalone, script });
}
