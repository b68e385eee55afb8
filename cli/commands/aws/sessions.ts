/**
 * `authdesk aws sessions [--json]` and `authdesk aws sessions clear [...]`: the cached MFA sessions
 * of this vault (node/aws/session-cache.ts), listed without secrets, or removed from the keychain.
 */
import { matchesFilter, type SessionSummary } from '../../../core/aws/session-policy.js';
import { defaultDataDir } from '../../../node/data-dir.js';
import { KeychainSessionCache, readVaultId } from '../../../node/aws/session-cache.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type CliContext } from '../../io.js';

export function timeLeft(seconds: number): string {
  if (seconds <= 0) return 'expired';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min` : `${seconds} s`;
}

function line(s: SessionSummary): string {
  const role = s.roleArn ? `  role ${s.roleArn}${s.roleSessionName ? ` (${s.roleSessionName})` : ''}` : '';
  const state = s.secondsLeft <= 0 ? 'expired' : s.reusable ? `${timeLeft(s.secondsLeft)} left` : `${timeLeft(s.secondsLeft)} left, renewed on next use`;
  return `${s.profile}  ${s.serial}${role}  expires ${s.expiration}  (${state})`;
}

export async function runSessions(args: readonly string[], ctx: CliContext): Promise<number> {
  const [first, ...rest] = args;
  const clearing = first === 'clear';
  const { values, positionals } = parseCommandArgs(clearing ? rest : [...args], {
    json: { type: 'boolean' }, profile: { type: 'string' }, serial: { type: 'string' }, 'role-arn': { type: 'string' }, all: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`sessions takes no argument "${positionals[0]}" (did you mean "sessions clear"?).`);
  if (!clearing && (values.profile || values.serial || values['role-arn'] || values.all)) {
    throw new UsageError('--profile, --serial, --role-arn and --all go with "sessions clear".');
  }
  const filter = {
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.serial ? { serial: values.serial } : {}),
    ...(values['role-arn'] ? { roleArn: values['role-arn'] } : {}),
  };
  if (clearing && !values.all && Object.keys(filter).length === 0) {
    throw new UsageError('sessions clear needs --profile, --serial or --role-arn to choose sessions, or --all for every one.');
  }
  const vaultId = await readVaultId(defaultDataDir(ctx.env));
  const cache = vaultId ? new KeychainSessionCache(vaultId) : undefined;
  const sessions = cache ? await cache.list() : [];
  if (!clearing) {
    if (values.json) printJson(ctx, sessions);
    else if (!sessions.length) printLine(ctx, 'No cached MFA sessions.');
    else for (const s of sessions) printLine(ctx, line(s));
    return EXIT.OK;
  }
  const chosen = sessions.filter((s) => values.all || matchesFilter(s, filter));
  let removed = 0;
  for (const s of chosen) if (await cache!.remove(s.id)) removed++;
  if (values.json) printJson(ctx, { removed });
  else printLine(ctx, removed ? `Removed ${removed} cached session${removed === 1 ? '' : 's'} from the keychain.` : 'No cached session matched; nothing was removed.');
  return EXIT.OK;
}
