/**
 * The activity log's entry model and its bound (docs/approvals.md "What is logged"). Every release
 * to another program — and every refusal — is one entry: when, which program, which account, what,
 * the decision and why. Never a code, a seed or a session key: the entry has no field for one.
 *
 * Bounded: the newest MAX_ENTRIES entries within MAX_BYTES (node/release/activity-store.ts keeps
 * the file under that, plus one entry).
 */
import { CALLER_LIMITS, truncate, type CallerInfo } from './request.js';
import type { ReleaseWhat } from './policy.js';

export type ActivityDecision = 'allowed' | 'denied';

/**
 * policy-always: the account releases without asking. grant: within an "allow for N minutes".
 * once / granted: the person allowed (once / for N minutes). denied: the person said no.
 * timed-out: nobody answered. locked: the app was locked. app-absent: approval needed, app not running.
 * refused: the request itself was refused (too many waiting, unknown account).
 */
export type ActivityReason = 'policy-always' | 'grant' | 'once' | 'granted' | 'denied' | 'timed-out' | 'locked' | 'app-absent' | 'refused';

const REASONS: readonly ActivityReason[] = ['policy-always', 'grant', 'once', 'granted', 'denied', 'timed-out', 'locked', 'app-absent', 'refused'];
const WHATS: readonly ReleaseWhat[] = ['code', 'session', 'role'];

export interface ActivityEntry {
  /** ISO time. */
  readonly at: string;
  readonly decision: ActivityDecision;
  readonly reason: ActivityReason;
  readonly what: ReleaseWhat;
  readonly role?: string;
  readonly account: { readonly id: string; readonly name: string; readonly awsSerial?: string };
  readonly program: { readonly exe: string; readonly pid: number; readonly commandLine: string; readonly parentCommandLine?: string; readonly verified: boolean };
  /** For `granted`: how many minutes. */
  readonly minutes?: number;
}

export const ACTIVITY_LIMITS = {
  MAX_ENTRIES: 1000,
  MAX_BYTES: 1024 * 1024,
  /** When the file passes MAX_BYTES it is rewritten down to this, so it is not rewritten on every entry. */
  COMPACT_TO_BYTES: 512 * 1024,
  /** One entry's serialized size at most (longer strings are truncated first). */
  MAX_ENTRY_BYTES: 8 * 1024,
} as const;

export function decisionOf(reason: ActivityReason): ActivityDecision {
  return reason === 'policy-always' || reason === 'grant' || reason === 'once' || reason === 'granted' ? 'allowed' : 'denied';
}

/** An entry's `program`: who asked (node/release/caller.ts), as the app, the CLI's gate and the cached path log it. */
export function programOf(caller: CallerInfo): ActivityEntry['program'] {
  return {
    exe: caller.exe,
    pid: caller.pid,
    commandLine: caller.commandLine,
    ...(caller.parentCommandLine !== undefined ? { parentCommandLine: caller.parentCommandLine } : {}),
    verified: caller.verified,
  };
}

/** An entry with every string cut to its limit (strings from other programs can be anything). */
export function clampEntry(entry: ActivityEntry): ActivityEntry {
  const p = entry.program;
  return {
    ...entry,
    ...(entry.role !== undefined ? { role: truncate(entry.role, CALLER_LIMITS.MAX_ROLE) } : {}),
    account: { ...entry.account, name: truncate(entry.account.name, 512) },
    program: {
      exe: truncate(p.exe, CALLER_LIMITS.MAX_PATH),
      pid: p.pid,
      commandLine: truncate(p.commandLine, CALLER_LIMITS.MAX_COMMAND_LINE),
      ...(p.parentCommandLine !== undefined ? { parentCommandLine: truncate(p.parentCommandLine, CALLER_LIMITS.MAX_COMMAND_LINE) } : {}),
      verified: p.verified,
    },
  };
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** One stored line, checked (the file is ours, but a damaged line must not break the list): undefined if malformed. */
export function parseActivityLine(line: string): ActivityEntry | undefined {
  if (line.length === 0 || line.length > ACTIVITY_LIMITS.MAX_ENTRY_BYTES) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const account = o['account'] as Record<string, unknown> | undefined;
  const program = o['program'] as Record<string, unknown> | undefined;
  if (!isStr(o['at'], 64) || Number.isNaN(Date.parse(o['at']))) return undefined;
  if (!REASONS.includes(o['reason'] as ActivityReason) || !WHATS.includes(o['what'] as ReleaseWhat)) return undefined;
  if (typeof account !== 'object' || account === null || !isStr(account['id'], 128) || !isStr(account['name'], 1024)) return undefined;
  if (account['awsSerial'] !== undefined && !isStr(account['awsSerial'], 2048)) return undefined;
  if (typeof program !== 'object' || program === null || !isStr(program['exe'], 4096) || !isStr(program['commandLine'], 4096)) return undefined;
  if (typeof program['pid'] !== 'number' || !Number.isSafeInteger(program['pid'])) return undefined;
  if (program['parentCommandLine'] !== undefined && !isStr(program['parentCommandLine'], 4096)) return undefined;
  if (o['role'] !== undefined && !isStr(o['role'], 4096)) return undefined;
  if (o['minutes'] !== undefined && (typeof o['minutes'] !== 'number' || !Number.isSafeInteger(o['minutes']))) return undefined;
  const reason = o['reason'] as ActivityReason;
  return {
    at: o['at'],
    decision: decisionOf(reason),
    reason,
    what: o['what'] as ReleaseWhat,
    ...(o['role'] !== undefined ? { role: o['role'] as string } : {}),
    account: { id: account['id'], name: account['name'], ...(account['awsSerial'] !== undefined ? { awsSerial: account['awsSerial'] as string } : {}) },
    program: {
      exe: program['exe'],
      pid: program['pid'],
      commandLine: program['commandLine'],
      ...(program['parentCommandLine'] !== undefined ? { parentCommandLine: program['parentCommandLine'] as string } : {}),
      verified: program['verified'] === true,
    },
    ...(o['minutes'] !== undefined ? { minutes: o['minutes'] as number } : {}),
  };
}

export function serializeEntry(entry: ActivityEntry): string {
  return JSON.stringify(clampEntry(entry));
}

/**
 * The newest lines that fit: at most `maxEntries`, and at most `maxBytes` of UTF-8 in total
 * (each line counted with its newline). Oldest first in, oldest first out.
 */
export function boundLines(lines: readonly string[], maxEntries: number, maxBytes: number, byteLength: (s: string) => number = utf8Length): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < maxEntries; i--) {
    const line = lines[i] as string;
    const size = byteLength(line) + 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    kept.push(line);
  }
  return kept.reverse();
}

/** UTF-8 length without Buffer (core is pure). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * A string from another program, safe to print on a terminal or in one log line: control
 * characters (C0, DEL, C1 — escape sequences, newlines that would forge a line) become \xNN,
 * \n, \r, \t; Unicode bidi overrides become \u{...} so a command line cannot display reversed.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** One line for `authdesk log` (every foreign string escaped). */
export function formatEntryLine(entry: ActivityEntry): string {
  const what = entry.what === 'role' && entry.role ? `role ${entry.role}` : entry.what;
  const reason = entry.reason === 'granted' && entry.minutes ? `granted ${entry.minutes} min` : entry.reason;
  return [
    entry.at,
    `${entry.decision} (${reason})`,
    printable(what),
    printable(entry.account.name),
    `${printable(entry.program.exe || '?')}[${entry.program.pid}]${entry.program.verified ? '' : ' (unverified)'}`,
    entry.program.parentCommandLine ? `parent: ${printable(entry.program.parentCommandLine)}` : '',
  ].filter(Boolean).join('  ');
}
