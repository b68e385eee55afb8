import { CLI, ensureCliBuilt } from './cli.js';

/** The CLI binary the time tests run: the real dist/cli/authdesk.cjs. */
export async function timeCliPath(): Promise<string> {
  ensureCliBuilt();
  return CLI;
}
