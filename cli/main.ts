import { escapeForTerminal } from '../core/text/terminal.js';
import { EXIT, printLine, reportError, terminalSafeContext, type CliContext, type Command } from './io.js';

/**
 * Every command, loaded on demand: `authdesk code` (run by aws-vault's mfa_process on every
 * session) must start fast, so no command pays for another's imports (the AWS SDK, zxing, sharp).
 */
const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  code: () => import('./commands/code.js'),
  list: () => import('./commands/list.js'),
  add: () => import('./commands/add.js'),
  remove: () => import('./commands/remove.js'),
  otp: () => import('./commands/otp.js'),
  parse: () => import('./commands/parse.js'),
  scan: () => import('./commands/scan.js'),
  time: () => import('./commands/time.js'),
  aws: () => import('./commands/aws.js'),
  export: () => import('./commands/export.js'),
  import: () => import('./commands/import.js'),
  backup: () => import('./commands/backup.js'),
  log: () => import('./commands/log.js'),
};

const VERSION = '0.1.0';

async function help(ctx: CliContext, name?: string): Promise<number> {
  if (name !== undefined) {
    const load = COMMANDS[name];
    if (!load) {
      ctx.stderr.write(`authdesk: there is no command "${escapeForTerminal(name)}".\n`);
      return EXIT.USAGE;
    }
    printLine(ctx, (await load()).default.usage);
    return EXIT.OK;
  }
  printLine(ctx, 'authdesk — TOTP/HOTP codes from the Authdesk vault (seeds in the OS keychain)\n');
  printLine(ctx, 'Usage: authdesk <command> [options]\n');
  printLine(ctx, 'Commands:');
  for (const [commandName, load] of Object.entries(COMMANDS)) {
    const summary = await load().then((m) => m.default.summary, () => '(unavailable)');
    printLine(ctx, `  ${commandName.padEnd(8)} ${summary}`);
  }
  printLine(ctx, '\nRun "authdesk help <command>" for a command\'s options. Add --json for machine-readable output.');
  printLine(ctx, 'Environment: AUTHDESK_DATA_DIR overrides the data directory (shared with the desktop app).');
  return EXIT.OK;
}

export async function runCli(argv: readonly string[], given: CliContext): Promise<number> {
  // Every write of every command goes through the escaping sinks (cli/io.ts): none can forget.
  const ctx = terminalSafeContext(given);
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') return await help(ctx, name === 'help' ? rest[0] : undefined);
    if (name === '--version' || name === '-v' || name === 'version') {
      printLine(ctx, VERSION);
      return EXIT.OK;
    }
    const load = COMMANDS[name];
    if (!load) {
      ctx.stderr.write(`authdesk: unknown command "${escapeForTerminal(name)}". Run "authdesk help" to see the commands.\n`);
      return EXIT.USAGE;
    }
    const command = (await load()).default;
    if (rest.includes('--help') || rest.includes('-h')) {
      printLine(ctx, command.usage);
      return EXIT.OK;
    }
    const status = await command.run(rest, ctx);
    if (status === EXIT.OK) {
      // Loaded only after a command succeeded, so read-only commands pay nothing for it.
      const { autoBackupAfterChange, changesVault } = await import('./auto-backup.js');
      if (changesVault(name, rest)) await autoBackupAfterChange(ctx);
    }
    return status;
  } catch (error) {
    return reportError(ctx, error, argv.includes('--json'));
  }
}
