/**
 * A suffix no other process (and no other call in this one) uses at the same time: for lock tokens,
 * temp-file and stale-lock names (node/file-lock.ts, node/atomic-write.ts). Uniqueness, not secrecy:
 * any process of the same user may open these files anyway. Hence no node:crypto — loading it costs
 * ~5 ms, a sixth of the cached `aws credentials` path's budget, which takes the activity-log lock.
 */
let counter = 0;

export function uniqueSuffix(): string {
  counter = (counter + 1) % 0x100000000;
  // pid: unique among live processes; hrtime + counter: unique within this one; random: a pid reused after a crash.
  return `${process.pid}.${process.hrtime.bigint().toString(36)}.${counter.toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
}
