/**
 * The release channel's wire format: one JSON line each way, then the server closes.
 *   CLI -> app:  {"v":1,"type":"release","pid":<the CLI's pid>,"accountId":"...","what":"code"|"session"|"role","role"?:"...","caller":{...}}
 *   app -> CLI:  {"v":1,"outcome":"allowed"|"denied"|"locked"|"timed-out"|"refused","reason":"...","message":"..."}
 * `caller` is the CLI's own description of its parent: used only where the peer check cannot
 * verify (macOS, Windows), and then marked unverified in the prompt and the log. No code or
 * secret crosses this channel in either direction: the CLI reads the seed itself once allowed.
 */
import type { ActivityReason } from '../../core/release/activity.js';
import { ReleaseError, type ReleaseWhat } from '../../core/release/policy.js';
import { CALLER_LIMITS, truncate, type CallerInfo } from '../../core/release/request.js';

export const PROTOCOL_VERSION = 1;
/** A request line is small; anything longer is not our CLI. */
export const MAX_LINE_BYTES = 16 * 1024;

export interface ReleaseAsk {
  readonly v: 1;
  readonly type: 'release';
  readonly pid: number;
  readonly accountId: string;
  readonly what: ReleaseWhat;
  readonly role?: string;
  readonly caller: CallerInfo;
}

export type ReleaseOutcomeKind = 'allowed' | 'denied' | 'locked' | 'timed-out' | 'refused';

export interface ReleaseOutcome {
  readonly v: 1;
  readonly outcome: ReleaseOutcomeKind;
  readonly reason?: ActivityReason;
  /** One sentence for the CLI's stderr. */
  readonly message: string;
}

const bad = (what: string) => new ReleaseError('RELEASE_BAD_REQUEST', `The approval request is malformed: ${what}.`);

export function parseAsk(line: string): ReleaseAsk {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw bad('not JSON');
  }
  if (typeof value !== 'object' || value === null) throw bad('not an object');
  const o = value as Record<string, unknown>;
  if (o['v'] !== PROTOCOL_VERSION || o['type'] !== 'release') throw bad('unknown version or type');
  const pid = o['pid'];
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) throw bad('"pid"');
  const accountId = o['accountId'];
  if (typeof accountId !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(accountId)) throw bad('"accountId"');
  const what = o['what'];
  if (what !== 'code' && what !== 'session' && what !== 'role') throw bad('"what"');
  const role = o['role'];
  if (role !== undefined && (typeof role !== 'string' || role.length > CALLER_LIMITS.MAX_ROLE)) throw bad('"role"');
  const c = (typeof o['caller'] === 'object' && o['caller'] !== null ? o['caller'] : {}) as Record<string, unknown>;
  const str = (v: unknown, max: number) => (typeof v === 'string' ? truncate(v, max) : '');
  const caller: CallerInfo = {
    exe: str(c['exe'], CALLER_LIMITS.MAX_PATH),
    pid: typeof c['pid'] === 'number' && Number.isSafeInteger(c['pid']) ? c['pid'] : 0,
    commandLine: str(c['commandLine'], CALLER_LIMITS.MAX_COMMAND_LINE),
    ...(typeof c['parentCommandLine'] === 'string' ? { parentCommandLine: str(c['parentCommandLine'], CALLER_LIMITS.MAX_COMMAND_LINE) } : {}),
    // Whatever the CLI claims, its own description is unverified.
    verified: false,
  };
  return { v: 1, type: 'release', pid, accountId, what, ...(role !== undefined ? { role: role as string } : {}), caller };
}

export function parseOutcome(line: string): ReleaseOutcome {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ReleaseError('RELEASE_BAD_ANSWER', 'The Authdesk app gave an answer this CLI does not understand (are they the same version?).');
  }
  const o = (value ?? {}) as Record<string, unknown>;
  const outcome = o['outcome'];
  if (o['v'] !== PROTOCOL_VERSION || !['allowed', 'denied', 'locked', 'timed-out', 'refused'].includes(outcome as string) || typeof o['message'] !== 'string') {
    throw new ReleaseError('RELEASE_BAD_ANSWER', 'The Authdesk app gave an answer this CLI does not understand (are they the same version?).');
  }
  return { v: 1, outcome: outcome as ReleaseOutcomeKind, message: truncate(o['message'], 500), ...(typeof o['reason'] === 'string' ? { reason: o['reason'] as ActivityReason } : {}) };
}
