// Entry point of the `authdesk` command (package.json "bin" -> dist/cli/authdesk.mjs).
import { escapeForTerminal } from '../core/text/terminal.js';

const argv = process.argv.slice(2);
// `authdesk aws credentials` runs before every AWS CLI command (credential_process): its cached
// path loads only what one keychain read needs (cli/commands/aws/credentials-cached.ts), before
// the command registry. Anything it cannot answer falls through to the full command.
// Its output goes through the same escaping as every other command's (cli/io.ts), which leaves
// JSON valid with the same values.
const served = argv[0] === 'aws' && argv[1] === 'credentials' && !argv.includes('--help') && !argv.includes('-h')
  && await (await import('./commands/aws/credentials-cached.js')).runCachedCredentials(argv.slice(2), process.env, {
    write: (text: string) => process.stdout.write(escapeForTerminal(text, { keepLayout: true })),
  });
if (served) {
  process.exitCode = 0;
} else {
  const { runCli } = await import('./main.js');
  const { nodeContext } = await import('./context.js');
  process.exitCode = await runCli(argv, nodeContext());
}

export {};
