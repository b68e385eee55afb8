// Entry point of the `authdesk` command (package.json "bin" -> dist/cli/authdesk.mjs).
const argv = process.argv.slice(2);
// `authdesk aws credentials` runs before every AWS CLI command (credential_process): its cached
// path loads only what one keychain read needs (cli/commands/aws/credentials-cached.ts), before
// the command registry. Anything it cannot answer falls through to the full command.
const served = argv[0] === 'aws' && argv[1] === 'credentials' && !argv.includes('--help') && !argv.includes('-h')
  && await (await import('./commands/aws/credentials-cached.js')).runCachedCredentials(argv.slice(2), process.env, process.stdout);
if (served) {
  process.exitCode = 0;
} else {
  const { runCli } = await import('./main.js');
  const { nodeContext } = await import('./context.js');
  process.exitCode = await runCli(argv, nodeContext());
}

export {};
