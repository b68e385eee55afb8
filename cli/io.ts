import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AuthdeskError, toUserFacing } from '../core/errors.js';

/** Exit statuses: 0 success, 1 the operation failed (message on stderr), 2 usage error. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** A mistake in how the command was called: printed with a usage hint, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What a command needs from its surroundings; tests pass their own streams and environment. */
export interface CliContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  /** Reads all of standard input (for `--passphrase-file -` and prompts); undefined when not a TTY-less pipe. */
  readonly stdinIsTTY: boolean;
  /** Standard output is a terminal (a person reads it) rather than a pipe to another program. */
  readonly stdoutIsTTY?: boolean;
  readStdin(): Promise<string>;
  /** Ask a yes/no question on the terminal; false when standard input is not a terminal. */
  confirm(question: string): Promise<boolean>;
}

export interface Command {
  /** One line for `authdesk help`. */
  readonly summary: string;
  /** Full usage text for `authdesk help <command>` and usage errors. */
  readonly usage: string;
  run(args: string[], ctx: CliContext): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs with usage errors turned into UsageError (exit 2) instead of TypeErrors. */
export function parseCommandArgs<T extends Options>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/^TypeError \[[A-Z_]+\]: /, '') : String(error));
  }
}

export function printLine(ctx: CliContext, text = ''): void {
  ctx.stdout.write(`${text}\n`);
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Report an error the way every command does: one sentence on stderr, never a stack. */
export function reportError(ctx: CliContext, error: unknown, json = false): number {
  if (error instanceof UsageError) {
    ctx.stderr.write(`authdesk: ${error.message}\nRun "authdesk help" for usage.\n`);
    return EXIT.USAGE;
  }
  const facing = toUserFacing(error);
  if (json) ctx.stderr.write(`${JSON.stringify({ error: facing })}\n`);
  else ctx.stderr.write(`authdesk: ${facing.message}\n`);
  if (!(error instanceof AuthdeskError) && ctx.env.AUTHDESK_DEBUG) ctx.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  return EXIT.FAILED;
}
