// Entry point of the `authdesk` command (package.json "bin" -> dist/cli/authdesk.mjs).
import { runCli } from './main.js';
import { nodeContext } from './context.js';

process.exitCode = await runCli(process.argv.slice(2), nodeContext());
