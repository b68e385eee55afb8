// Entry point of the standalone `authdesk` executable (a Node single executable application built by
// scripts/build-cli-exe.mjs). Same CLI as cli/authdesk.ts, bundled to one CommonJS file, which cannot
// use top-level await; like that entry, it tries the cached path of `aws credentials` first.
import { runCli } from './main.js';
import { nodeContext } from './context.js';
import { serveCachedCredentials } from './commands/aws/credentials-cached.js';

async function main(argv: readonly string[]): Promise<number> {
  if (await serveCachedCredentials(argv, process.env)) return 0;
  return runCli([...argv], nodeContext());
}

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
