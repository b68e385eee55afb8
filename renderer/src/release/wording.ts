/**
 * The renderer's words for release policies and log entries. Type-only imports from core (the
 * renderer may import nothing else from it), so the few sentences are written here.
 */
import type { ActivityEntry, ReleasePolicy, ReleaseRequest } from './types.js';

export const GRANT_CHOICES = [5, 15, 60, 240] as const;

export function policyLabel(policy: ReleasePolicy | undefined): string {
  if (!policy || policy.mode === 'always') return 'Always';
  if (policy.mode === 'ask') return 'Ask every time';
  return `Ask, then allow for ${policy.minutes} min`;
}

export function whatLabel(what: ActivityEntry['what'], role?: string): string {
  if (what === 'code') return 'a code';
  if (what === 'session') return 'an AWS session';
  return role ? `a session for role ${role}` : 'a role session';
}

export function reasonLabel(entry: ActivityEntry): string {
  switch (entry.reason) {
    case 'policy-always': return 'Allowed (policy: Always)';
    case 'grant': return 'Allowed (within a timed grant)';
    case 'once': return 'Allowed once';
    case 'granted': return `Allowed for ${entry.minutes ?? '?'} min`;
    case 'denied': return 'Denied';
    case 'timed-out': return 'Denied (no answer)';
    case 'locked': return 'Denied (app locked)';
    case 'app-absent': return 'Denied (app not running)';
    default: return 'Refused';
  }
}

/** The program as one line: React escapes markup; control characters are shown as escapes. */
export function programLabel(program: { exe: string; pid: number; commandLine: string }): string {
  return `${visible(program.exe || program.commandLine || 'unknown program')} (pid ${program.pid})`;
}

/** Control characters and bidi overrides from another program's strings, made visible. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u{${ch.charCodeAt(0).toString(16)}}`);
}

export function secondsLeft(request: ReleaseRequest, now: number): number {
  return Math.max(0, Math.ceil((request.expiresAt - now) / 1000));
}
