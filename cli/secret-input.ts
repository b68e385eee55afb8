import type { CliContext } from './io.js';

/** A secret key or an otpauth:// link is a few hundred bytes; 64 KiB leaves room for any real one. */
export const SECRET_STDIN_LIMIT = { maxBytes: 64 * 1024, what: 'a secret key or link' } as const;

/**
 * `--secret -` reads the key from standard input, so it never appears in the shell history or in
 * the process list (where any local user can read command lines).
 */
export async function readSecretArgument(value: string, ctx: CliContext): Promise<string> {
  if (value !== '-') return value;
  return (await ctx.readStdin(SECRET_STDIN_LIMIT)).trim();
}
