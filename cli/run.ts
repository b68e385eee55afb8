// The full `authdesk` CLI: every command, loaded by the entry (cli/authdesk.ts) once it knows the
// call is not the cached path of `aws credentials`. ESM with code splitting, so each command loads
// only its own imports (the AWS SDK only for `authdesk aws ...`).
import { runCli } from './main.js';
import { nodeContext } from './context.js';

export async function runFullCli(argv: readonly string[]): Promise<number> {
  return runCli([...argv], nodeContext());
}
