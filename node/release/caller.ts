/**
 * Who is asking: the program that ran `authdesk` (the CLI's parent process), its executable, pid,
 * command line, and its own parent's command line (docs/approvals.md "Naming the caller").
 *
 *   Linux: /proc/<pid>/exe, /proc/<pid>/cmdline, /proc/<pid>/status (PPid, Uid)
 *   macOS: ps -o ppid=,uid=,comm= and ps -o args= (no /proc)
 *   Windows: only the pid is known here (documented; a WMI query would name it)
 *
 * Every string is clamped (core/release/request.ts CALLER_LIMITS) and escaped where printed.
 */
// node:fs, not node:fs/promises: its promises are loaded on first use (only by the async readers),
// which the cached `aws credentials` path never reaches (~2 ms of its start-up).
import { promises as fsp, readFileSync, readlinkSync } from 'node:fs';
import { CALLER_LIMITS, truncate, type CallerInfo } from '../../core/release/request.js';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid?: number;
  readonly uid?: number;
  readonly exe: string;
  readonly commandLine: string;
}

function run(file: string, args: readonly string[]): Promise<string> {
  // Loaded here, not at the top: only macOS runs `ps`, and node:child_process is a measurable part
  // of the cached `aws credentials` path's start-up on Linux (bench/aws-credentials.ts).
  const { execFile } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5_000, encoding: 'utf8' }, (error, stdout) => resolve(error ? '' : stdout));
  });
}

/** What /proc says of one process (status, exe link, cmdline); undefined when it has no status (gone). */
function linuxFacts(pid: number, status: string | undefined, exe: string, cmdline: string): ProcessInfo | undefined {
  if (status === undefined) return undefined;
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
  const commandLine = cmdline.replace(/\0+$/, '').split('\0').join(' ');
  return {
    pid,
    ...(Number.isInteger(ppid) ? { ppid } : {}),
    ...(Number.isInteger(uid) ? { uid } : {}),
    exe: truncate(exe.replace(/ \(deleted\)$/, ''), CALLER_LIMITS.MAX_PATH),
    commandLine: truncate(commandLine, CALLER_LIMITS.MAX_COMMAND_LINE),
  };
}

async function linuxProcess(pid: number): Promise<ProcessInfo | undefined> {
  // Three small reads at once. exe is unreadable for another user's process (and for some kernel
  // threads): say unknown.
  const [status, exe, cmdline] = await Promise.all([
    fsp.readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined),
    fsp.readlink(`/proc/${pid}/exe`).catch(() => ''),
    fsp.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
  ]);
  return linuxFacts(pid, status, exe, cmdline);
}

/** The same, blocking: /proc answers from memory, and the cached `aws credentials` path cannot spare the thread-pool round trips. */
function linuxProcessSync(pid: number): ProcessInfo | undefined {
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch {
      return fallback;
    }
  };
  return linuxFacts(
    pid,
    attempt<string | undefined>(() => readFileSync(`/proc/${pid}/status`, 'utf8'), undefined),
    attempt(() => readlinkSync(`/proc/${pid}/exe`), ''),
    attempt(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8'), ''),
  );
}

async function psProcess(pid: number): Promise<ProcessInfo | undefined> {
  const head = (await run('ps', ['-o', 'ppid=,uid=,comm=', '-p', String(pid)])).trim();
  const match = /^(\d+)\s+(\d+)\s+(.*)$/.exec(head);
  if (!match) return undefined;
  const args = (await run('ps', ['-o', 'args=', '-p', String(pid)])).trim();
  return {
    pid,
    ppid: Number(match[1]),
    uid: Number(match[2]),
    exe: truncate(match[3] ?? '', CALLER_LIMITS.MAX_PATH),
    commandLine: truncate(args, CALLER_LIMITS.MAX_COMMAND_LINE),
  };
}

export async function describeProcess(pid: number, platform: NodeJS.Platform = process.platform): Promise<ProcessInfo | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (platform === 'linux') return linuxProcess(pid);
  if (platform === 'win32') return { pid, exe: '', commandLine: '' };
  return psProcess(pid);
}

/**
 * The caller of the CLI process `cliPid`: its parent process, and that one's parent's command line.
 * `verified` says whether `cliPid` itself was proven by the channel's peer check (the caller).
 */
export async function callerOfCli(cliPid: number, verified: boolean, platform: NodeJS.Platform = process.platform): Promise<CallerInfo> {
  const cli = await describeProcess(cliPid, platform);
  const parentPid = cli?.ppid ?? (cliPid === process.pid ? process.ppid : undefined);
  const parent = parentPid ? await describeProcess(parentPid, platform) : undefined;
  const grand = parent?.ppid ? await describeProcess(parent.ppid, platform) : undefined;
  return callerFrom(parent, parentPid, grand, verified);
}

function callerFrom(parent: ProcessInfo | undefined, parentPid: number | undefined, grand: ProcessInfo | undefined, verified: boolean): CallerInfo {
  return {
    exe: parent?.exe ?? '',
    pid: parent?.pid ?? parentPid ?? 0,
    commandLine: parent?.commandLine ?? '',
    ...(grand ? { parentCommandLine: grand.commandLine } : {}),
    verified,
  };
}

/**
 * The caller of THIS process (the CLI describing who ran it). On Linux read from /proc without the
 * thread pool (see linuxProcessSync); elsewhere as callerOfCli does.
 */
export async function callerOfThisCli(): Promise<CallerInfo> {
  if (process.platform !== 'linux') return callerOfCli(process.pid, false);
  const parent = linuxProcessSync(process.ppid);
  const grand = parent?.ppid ? linuxProcessSync(parent.ppid) : undefined;
  return callerFrom(parent, process.ppid, grand, false);
}
