import type { CliContext } from './io.js';

/**
 * `--secret -` reads the key from standard input, so it never appears in the shell history or in
 * the process list (where any local user can read command lines).
 */
export async function readSecretArgument(value: string, ctx: CliContext): Promise<string> {
  if (value !== '-') return value;
  return (await ctx.readStdin()).trim();
}
