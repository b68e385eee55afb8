import { InputError } from '../core/errors.js';
import { displayName, type Account } from '../core/vault/model.js';
import type { VaultApi } from '../core/vault/api.js';

/** The one account a QUERY names; an ambiguous or unmatched query fails with the candidates listed. */
export async function resolveAccount(vault: VaultApi, query: string): Promise<Account> {
  const matches = await vault.find(query);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0) {
    throw new InputError('ACCOUNT_NOT_FOUND', `No account matches "${query}". Run "authdesk list" to see your accounts.`);
  }
  // One line of message; the candidates travel in details and cli/io.ts reportError lists them,
  // each name escaped (a message is escaped whole, so it cannot carry line breaks of its own).
  throw new InputError('ACCOUNT_AMBIGUOUS', `"${query}" matches ${matches.length} accounts; use more of the name or the id:`, {
    details: { candidates: matches.map((a) => ({ id: a.id, issuer: a.issuer, label: a.label })) },
  });
}

/** Metadata fit for printing or JSON (never a secret: accounts carry none). */
export function accountSummary(account: Account): Record<string, unknown> {
  return {
    id: account.id,
    type: account.type,
    issuer: account.issuer,
    label: account.label,
    algorithm: account.algorithm,
    digits: account.digits,
    ...(account.type === 'totp' ? { period: account.period } : { counter: account.counter ?? 0 }),
    ...(account.awsSerial ? { awsSerial: account.awsSerial } : {}),
    status: account.status,
  };
}

export function accountLine(account: Account): string {
  const flags = [account.type === 'hotp' ? 'HOTP' : '', account.status !== 'active' ? account.status : '', account.awsSerial ?? ''].filter(Boolean);
  return `${account.id}  ${displayName(account)}${flags.length ? `  (${flags.join(', ')})` : ''}`;
}
