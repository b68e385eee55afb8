// Entry point of the `authdesk` command (package.json "bin" -> dist/cli/authdesk.cjs).
//
// CommonJS, one file, on purpose: `authdesk aws credentials` runs before every AWS CLI command
// (credential_process), and its cached path must cost little more than starting Node (issue 11:
// at most 1.3x `node -e 0`, bench/aws-credentials.ts). An ES-module entry alone costs Node's ESM
// loader (~15 ms here, more under load), and a graph of chunks one file read and link each; so this
// entry is a CommonJS bundle holding only the cached path (cli/commands/aws/credentials-cached.ts),
// and everything else is the ESM CLI (cli/run.ts -> dist/cli/cli.mjs), imported only when needed.
// The cached path is in this file but evaluated only for `aws credentials` (esbuild turns the dynamic
// import of a bundled module into a lazy initializer): other commands do not load the keychain here.
import { isCachedCredentialsCall } from './commands/aws/credentials-args.js';

async function main(argv: readonly string[]): Promise<number> {
  if (isCachedCredentialsCall(argv)) {
    const { serveCachedCredentials } = await import('./commands/aws/credentials-cached.js');
    if (await serveCachedCredentials(argv, process.env)) return 0;
  }
  // scripts/build.mjs maps this specifier to ./cli.mjs, left external (the ESM build of cli/run.ts).
  const { runFullCli } = await import('./run.js');
  return runFullCli(argv);
}

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
