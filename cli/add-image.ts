import type { NewAccount } from '../core/vault/api.js';
import { displayName } from '../core/vault/model.js';
import { InputError } from '../core/errors.js';
import { loadAccountsFromImage } from '../node/qr/scan.js';
import { escapeForTerminal } from '../core/text/terminal.js';
import { printLine, type CliContext } from './io.js';

/**
 * `authdesk add --image FILE`: every account the QR codes in FILE hold (an AWS console QR, any
 * otpauth:// code, or a Google Authenticator export batch). Lists them — names only, never a secret
 * — and asks before adding, unless --yes. Resolves [] when the user declines.
 */
export async function addFromImage(file: string, yes: boolean, ctx: CliContext): Promise<NewAccount[]> {
  const found = await loadAccountsFromImage(file);
  for (const warning of found.warnings) ctx.stderr.write(`authdesk: ${escapeForTerminal(warning)}\n`);
  const names = found.accounts.map((a) => `  ${escapeForTerminal(displayName(a))}  (${a.type.toUpperCase()}, ${a.algorithm}, ${a.digits} digits)`);
  printLine(ctx, `Found ${found.accounts.length} account${found.accounts.length === 1 ? '' : 's'} in ${escapeForTerminal(file)}:\n${names.join('\n')}`);
  if (!yes) {
    if (!ctx.stdinIsTTY) throw new InputError('CONFIRMATION_NEEDED', 'Nothing added: add --yes to add these accounts when not at a terminal.');
    if (!(await ctx.confirm(found.accounts.length === 1 ? 'Add this account?' : `Add these ${found.accounts.length} accounts?`))) {
      printLine(ctx, 'Nothing added.');
      return [];
    }
  }
  return [...found.accounts];
}
