/**
 * The peer-credential check of the release channel on Linux (docs/approvals.md "Strength").
 *
 * Node has no SO_PEERCRED. What it has: the accepted socket's file descriptor. From it:
 *   1. our end's inode:  readlink /proc/self/fd/<fd>  ->  socket:[A]
 *   2. the peer's inode: `ss -x -a -n -H` (iproute2, over the kernel's sock_diag netlink, which
 *      reports each Unix socket's peer inode)  ->  the line whose inode is A names peer inode B
 *   3. the client said which pid it is; its /proc/<pid>/fd must hold socket:[B]. Only a process
 *      that really holds the other end passes (a lie about the pid fails here), and listing
 *      another user's /proc/<pid>/fd is refused by the kernel unless we are root.
 *   4. /proc/<pid>/status: its real and effective uid must be ours.
 * This is as strong as SO_PEERCRED for "same user" (both come from the kernel), one `ss` run per
 * request (10–20 ms measured; docs/approvals.md). It comes on top of the socket's 0600 mode in a 0700 folder, which already keeps
 * other users from connecting at all; this check is the second wall (a folder made too open).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { ReleaseError } from '../../core/release/policy.js';

export interface VerifiedPeer {
  readonly pid: number;
  readonly uid: number;
}

function refuse(why: string): ReleaseError {
  return new ReleaseError('RELEASE_PEER_REFUSED', `The approval request was refused: ${why}.`);
}

/** `ss -x -a -n -H`: Netid State Recv-Q Send-Q Local Port Peer Port; a path may contain spaces, so read from the end. */
export function peerInodeFromSs(output: string, ownInode: string): string | undefined {
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const [peerPort, , localPort] = fields.slice(-3).reverse();
    if (localPort === ownInode && peerPort && peerPort !== '*' && peerPort !== '0') return peerPort;
  }
  return undefined;
}

function ss(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ss', ['-x', '-a', '-n', '-H'], { timeout: 5_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(refuse(`the peer check needs "ss" (iproute2), which failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      else resolve(stdout);
    });
  });
}

export async function verifyLinuxPeer(socket: Socket, claimedPid: number, ownUid: number = process.getuid?.() ?? -1): Promise<VerifiedPeer> {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw refuse('the connection has no descriptor to check');
  const own = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/self/fd/${fd}`).catch(() => ''))?.[1];
  if (!own) throw refuse('this end of the connection could not be identified');
  const peerInode = peerInodeFromSs(await ss(), own);
  if (!peerInode) throw refuse('the other end of the connection could not be identified');
  if (!Number.isSafeInteger(claimedPid) || claimedPid <= 0) throw refuse('the caller gave no process id');
  const fds = await readdir(`/proc/${claimedPid}/fd`).catch(() => undefined);
  if (!fds) throw refuse(`process ${claimedPid} is not one of yours`);
  const want = `socket:[${peerInode}]`;
  let holds = false;
  for (const entry of fds) {
    if ((await readlink(`/proc/${claimedPid}/fd/${entry}`).catch(() => '')) === want) {
      holds = true;
      break;
    }
  }
  if (!holds) throw refuse(`process ${claimedPid} does not hold the other end of the connection`);
  const status = await readFile(`/proc/${claimedPid}/status`, 'utf8').catch(() => '');
  const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  const real = Number(uids?.[1]);
  const effective = Number(uids?.[2]);
  if (real !== ownUid || effective !== ownUid) throw refuse(`process ${claimedPid} belongs to another user (uid ${Number.isNaN(real) ? '?' : real})`);
  return { pid: claimedPid, uid: real };
}
