// Entry point of the standalone `authdesk` executable (a Node single executable application built by
// scripts/build-cli-exe.mjs). Same CLI as cli/authdesk.ts, bundled to one CommonJS file, which cannot
// use top-level await.
import { runCli } from './main.js';
import { nodeContext } from './context.js';

void runCli(process.argv.slice(2), nodeContext()).then((status) => {
  process.exitCode = status;
});
