// See time-cli.ts: `authdesk` with `time` wired in, for as long as cli/main.ts does not list it.
import { runCli } from '../../cli/main.js';
import { nodeContext } from '../../cli/context.js';
import { reportError } from '../../cli/io.js';

const [name, ...rest] = process.argv.slice(2);
if (name === 'time') {
  const ctx = nodeContext();
  const command = (await import('../../cli/commands/time.js')).default;
  process.exitCode = await command.run(rest, ctx).catch((error: unknown) => reportError(ctx, error, rest.includes('--json')));
} else {
  process.exitCode = await runCli(process.argv.slice(2), nodeContext());
}
