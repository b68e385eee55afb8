/**
 * The prompt's request model: who asks (the calling program), for which account, for what.
 * Built by main from what it verified about the connecting process (docs/approvals.md); the
 * renderer sees it to draw the prompt and answers by `id`, an id main issued.
 */
import type { ReleaseWhat } from './policy.js';

/** The program that ran `authdesk` (the CLI's parent process), as the OS describes it. */
export interface CallerInfo {
  /** Executable path (Linux: /proc/<pid>/exe; macOS: ps's comm). "" when unknown. */
  readonly exe: string;
  readonly pid: number;
  /** Its own command line (arguments joined with spaces), truncated. */
  readonly commandLine: string;
  /** Its parent's command line (who started it: a shell, aws-vault, an IDE). */
  readonly parentCommandLine?: string;
  /**
   * true: read by main from the OS for a process whose identity the socket's peer check proved
   * (Linux). false: as the CLI described itself (macOS, Windows) — shown as such in the prompt.
   */
  readonly verified: boolean;
}

export interface ReleaseAccountRef {
  readonly id: string;
  /** "Issuer: label" as the list shows it. */
  readonly name: string;
  readonly awsSerial?: string;
}

export interface ReleaseRequest {
  /** Issued by main (random); the answer names it. */
  readonly id: string;
  readonly account: ReleaseAccountRef;
  readonly what: ReleaseWhat;
  /** For `role`: the role ARN asked for. */
  readonly role?: string;
  readonly caller: CallerInfo;
  /** Unix ms when main received it. */
  readonly receivedAt: number;
  /** Unix ms after which an unanswered prompt is a denial. */
  readonly expiresAt: number;
  /** "Allow for N minutes" is offered with this N; absent: only Allow once / Deny (policy "ask"). */
  readonly grantMinutes?: number;
}

/** Limits on strings that come from other programs (command lines can be anything). */
export const CALLER_LIMITS = { MAX_PATH: 1024, MAX_COMMAND_LINE: 1024, MAX_ROLE: 2048 } as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The words for `what` in a prompt or log line. */
export function describeWhat(what: ReleaseWhat, role?: string): string {
  if (what === 'code') return 'a code';
  if (what === 'session') return 'an AWS session';
  return role ? `a session for role ${role}` : 'a role session';
}
