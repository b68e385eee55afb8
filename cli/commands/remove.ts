import { openVault } from '../../node/open-vault.js';
import { displayName } from '../../core/vault/model.js';
import { InputError } from '../../core/errors.js';
import { EXIT, parseCommandArgs, printLine, UsageError, type Command } from '../io.js';
import { resolveAccount } from '../accounts.js';

const remove: Command = {
  summary: 'remove an account and its seed from the keychain',
  usage: `Usage: authdesk remove QUERY [--yes]

Removes the account QUERY names, and its seed from the OS keychain. This cannot be undone:
if the account still protects a sign-in, turn MFA off there first (or keep a backup).
Asks for confirmation unless --yes.`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { yes: { type: 'boolean', short: 'y' } });
    if (positionals.length !== 1) throw new UsageError('remove needs exactly one QUERY.');
    const vault = await openVault();
    const account = await resolveAccount(vault, positionals[0] ?? '');
    if (!values.yes) {
      if (!ctx.stdinIsTTY) throw new InputError('CONFIRMATION_NEEDED', `Not removing ${displayName(account)}: add --yes to confirm when not at a terminal.`);
      if (!(await ctx.confirm(`Remove ${displayName(account)} and its secret? This cannot be undone.`))) {
        printLine(ctx, 'Nothing removed.');
        return EXIT.FAILED;
      }
    }
    await vault.remove(account.id);
    printLine(ctx, `Removed ${displayName(account)}.`);
    return EXIT.OK;
  },
};

export default remove;
