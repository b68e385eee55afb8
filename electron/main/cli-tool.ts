/**
 * The packaged app's command-line tool (docs/packaging.md): which `authdesk` "Use with the AWS CLI…"
 * writes into credential_process, and "Install the command-line tool". Thin Electron/OS glue over
 * node/cli-invocation.ts and node/cli-install.ts, whose logic is tested without Electron.
 */
import { execFile } from 'node:child_process';
import { access, constants, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../../core/errors.js';
import { bundledExecutable, invocationForApp, type CliInvocation } from '../../node/cli-invocation.js';
import { addToPathList, installCli, planCliInstall, type CliInstallFacts } from '../../node/cli-install.js';
import type { CliInstallView } from '../ipc/channels/aws-profile.js';

const run = promisify(execFile);

export interface CliToolApp {
  readonly isPackaged: boolean;
  getAppPath(): string;
}

async function exists(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    if (dir && await exists(candidate)) return realpath(candidate);
  }
  return undefined;
}

export function createCliToolDeps(app: CliToolApp) {
  const facts = (): CliInstallFacts => ({
    platform: process.platform, home: homedir(), bundled: bundledExecutable(process.resourcesPath, process.platform),
    appImage: process.env.APPIMAGE || undefined, pathVariable: process.env.PATH ?? '',
  });

  async function cliInvocation(): Promise<CliInvocation> {
    const plan = planCliInstall(facts());
    // The installed command, when it is there: its path survives app updates and AppImage moves.
    const installed = plan.kind !== 'user-path' && await exists(plan.link) ? plan.link : undefined;
    return invocationForApp({
      platform: process.platform, packaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath(),
      appImage: process.env.APPIMAGE || undefined, installedExecutable: installed,
      nodeOnPath: app.isPackaged ? undefined : await onPath('node'),
    });
  }

  async function install(): Promise<CliInstallView> {
    if (!app.isPackaged) throw new InputError('CLI_INSTALL_DEV', 'Running from a checkout: install the command with "npm install -g ." instead.');
    const plan = planCliInstall(facts());
    if (plan.kind === 'user-path') {
      // The user's own PATH (HKCU\Environment), read and written whole through PowerShell (setx cuts at 1,024 characters).
      const ps = (script: string) => run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { windowsHide: true });
      const current = (await ps("[Environment]::GetEnvironmentVariable('Path','User')")).stdout.trim();
      const next = addToPathList(current, plan.folder);
      if (next !== current) await ps(`[Environment]::SetEnvironmentVariable('Path', '${next.replace(/'/g, "''")}', 'User')`);
      return { installed: plan.folder, target: path.join(plan.folder, 'authdesk.exe'), onPath: true, message: `Added ${plan.folder} to your PATH: "authdesk" works in terminals opened from now on.` };
    }
    try {
      return await installCli(plan);
    } catch (error) {
      if (process.platform !== 'darwin' || !['EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      // /usr/local/bin needs an administrator on macOS: the system's own password prompt, as VS Code does.
      const quote = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
      const shell = `mkdir -p /usr/local/bin && ln -sf ${quote(plan.target)} ${quote(plan.link)}`;
      await run('osascript', ['-e', `do shell script ${JSON.stringify(shell)} with administrator privileges`]);
      return { installed: plan.link, target: plan.target, onPath: plan.onPath, message: `Installed: "authdesk" now runs ${plan.target}.` };
    }
  }

  return { cliInvocation, installCli: install };
}
