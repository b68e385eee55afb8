/**
 * The release gate of the cached `authdesk aws credentials` path (docs/approvals.md). That path does
 * not open the vault: it decides from the vault document it already read (node/aws/session-cache.ts
 * peekVaultDocument). Under "Always" the release is logged and may go ahead (true); any other
 * policy, or an account it cannot tell, returns false and the full command runs, which asks the app
 * (cli/release-gate.ts gateRelease): one prompt, then the cached session is served.
 */
import { programOf } from '../../../core/release/activity.js';
import { effectivePolicy, parseReleasePolicy } from '../../../core/release/policy.js';
import { displayName, type Account } from '../../../core/vault/model.js';
import type { VaultPeek } from '../../../node/aws/session-cache.js';
import { createActivityStore } from '../../../node/release/activity-store.js';
import { callerOfThisCli } from '../../../node/release/caller.js';

export async function cachedSessionMayGo(doc: VaultPeek, dataDir: string, serial: string, roleArn: string | undefined): Promise<boolean> {
  const matches = doc.accounts.filter((a): a is Account => typeof a === 'object' && a !== null && (a as Account).awsSerial === serial);
  if (matches.length > 1) return false;
  // A device no account is linked to any more (removed): its cached session follows the default policy.
  const account = matches[0];
  let policy;
  try {
    policy = effectivePolicy(parseReleasePolicy(account?.releasePolicy), parseReleasePolicy(doc.settings.defaultReleasePolicy));
  } catch {
    return false; // a damaged policy: the full command opens the vault and says so
  }
  if (policy.mode !== 'always') return false;
  await createActivityStore(dataDir, { blocking: true })
    .append({
      at: new Date().toISOString(),
      decision: 'allowed',
      reason: 'policy-always',
      what: roleArn ? 'role' : 'session',
      ...(roleArn !== undefined ? { role: roleArn } : {}),
      account: account ? { id: account.id, name: displayName(account), awsSerial: serial } : { id: '', name: serial, awsSerial: serial },
      program: programOf(await callerOfThisCli()),
    })
    // The log must not stop a release the policy allows (a read-only data dir).
    .catch(() => undefined);
  return true;
}
