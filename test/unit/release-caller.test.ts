/**
 * Who is asking (node/release/caller.ts): the CLI names the program that ran it. callerOfThisCli
 * reads /proc without the thread pool (the cached `aws credentials` path); it must say exactly
 * what the general callerOfCli says, and what the OS says independently (ps).
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callerOfCli, callerOfThisCli, describeProcess } from '../../node/release/caller.js';

describe.runIf(process.platform === 'linux')('the CLI\'s caller on Linux', () => {
  it('callerOfThisCli names the parent as callerOfCli does, and as ps does', async () => {
    const quick = await callerOfThisCli();
    const general = await callerOfCli(process.pid, false);
    expect(quick).toEqual(general);
    expect(quick.pid).toBe(process.ppid);
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(process.ppid)], { encoding: 'utf8' }).stdout.trim();
    expect(quick.commandLine).toBe(ps);
    expect(quick.verified).toBe(false);
  });

  it('describes a process from /proc: its executable, parent and command line', async () => {
    const self = await describeProcess(process.pid);
    expect(self).toMatchObject({ pid: process.pid, ppid: process.ppid, exe: realpathSync('/proc/self/exe'), uid: process.getuid!() });
    expect(self?.commandLine).toBe(spawnSync('ps', ['-o', 'args=', '-p', String(process.pid)], { encoding: 'utf8' }).stdout.trim());
  });

  it('a process that is gone is undefined, not an error', async () => {
    const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    expect(await describeProcess(Number(child.stdout.trim()))).toBeUndefined();
  });
});
