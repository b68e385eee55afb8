/**
 * The `authdesk` CLI with the backup commands wired in, for tests, until cli/main.ts (the lead's)
 * lists `export` and `import` itself. Other commands go through the real runCli unchanged.
 */
import { nodeContext } from '../../cli/context.js';
import { reportError } from '../../cli/io.js';
import { runCli } from '../../cli/main.js';

const [name, ...rest] = process.argv.slice(2);
const ctx = nodeContext();
if (name === 'export' || name === 'import') {
  try {
    const command = (name === 'export' ? await import('../../cli/commands/export.js') : await import('../../cli/commands/import.js')).default;
    process.exitCode = await command.run(rest, ctx);
  } catch (error) {
    process.exitCode = reportError(ctx, error, rest.includes('--json'));
  }
} else {
  process.exitCode = await runCli(process.argv.slice(2), ctx);
}
