import { openVault } from '../../node/open-vault.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command } from '../io.js';
import { accountLine, accountSummary } from '../accounts.js';

const list: Command = {
  summary: 'list the accounts in the vault (no secrets)',
  usage: 'Usage: authdesk list [--json]\n\nLists every account: id, issuer: label, and flags (HOTP, pending, AWS serial).',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, false);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    const accounts = await (await openVault()).list();
    if (values.json) printJson(ctx, accounts.map(accountSummary));
    else if (accounts.length === 0) printLine(ctx, 'The vault is empty. Add an account with "authdesk add --uri URI" or in the app.');
    else for (const account of accounts) printLine(ctx, accountLine(account));
    return EXIT.OK;
  },
};

export default list;
