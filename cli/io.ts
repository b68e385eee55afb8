import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AuthdeskError, toUserFacing } from '../core/errors.js';
import { escapeForTerminal, jsonForTerminal } from '../core/text/terminal.js';

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
  /** All of standard input, refused (InputError STDIN_TOO_LARGE) past `limit` (default: cli/context.ts). */
  readStdin(limit?: { readonly maxBytes: number; readonly what: string }): Promise<string>;
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

/**
 * The CLI's output sinks. Every command writes through a context that `terminalSafeContext` made:
 * each stdout/stderr write is escaped by core/text/terminal.ts (keeping only newline and tab, the
 * layout of our own templates), and so is the confirm question. So text from a file, a link, a QR
 * code or an argument can never reach the terminal raw, whichever command prints it and however
 * (docs/SECURITY.md "Text shown in a terminal"). Single fields whose newlines would be input's,
 * not ours (an error message, a name in a preview), are escaped whole with escapeForTerminal(text).
 */
type Writer = CliContext['stdout'];

/** A safe writer -> the stream under it, for the one write that needs a raw CR (writeStatusLine). */
const RAW_WRITERS = new WeakMap<Writer, Writer>();
const SAFE_CONTEXTS = new WeakSet<CliContext>();

function safeWriter(raw: Writer): Writer {
  const writer = {
    write: (text: unknown) => raw.write(escapeForTerminal(typeof text === 'string' ? text : String(text), { keepLayout: true })),
    // Whether the stream is a terminal decides behaviour (cli/release-gate.ts writesToTerminal):
    // the wrapper answers for the stream under it.
    get isTTY(): boolean | undefined {
      return (raw as { isTTY?: boolean }).isTTY;
    },
    get columns(): number | undefined {
      return (raw as { columns?: number }).columns;
    },
  };
  RAW_WRITERS.set(writer, raw);
  return writer;
}

/**
 * `ctx` with escaping sinks: stdout, stderr and confirm() escape what they are given. Everything
 * else (env, stdin, members added later) is ctx's own, through the prototype. Idempotent.
 */
export function terminalSafeContext(ctx: CliContext): CliContext {
  if (SAFE_CONTEXTS.has(ctx)) return ctx;
  const safe = Object.create(ctx) as CliContext;
  Object.defineProperties(safe, {
    stdout: { value: safeWriter(ctx.stdout), enumerable: true },
    stderr: { value: safeWriter(ctx.stderr), enumerable: true },
    // A question is one line: a newline in it could only come from a name.
    confirm: { value: (question: string) => ctx.confirm(escapeForTerminal(question)), enumerable: true },
  });
  SAFE_CONTEXTS.add(safe);
  return safe;
}

/** Rewrite the current stderr line (progress): the CR is ours, `text` is escaped whole. */
export function writeStatusLine(ctx: CliContext, text: string): void {
  const raw = RAW_WRITERS.get(ctx.stderr) ?? ctx.stderr;
  raw.write(`\r${escapeForTerminal(text)}`);
}

export function printLine(ctx: CliContext, text = ''): void {
  ctx.stdout.write(`${text}\n`);
}

/** JSON with its true values, and no raw C1/bidi character either (core jsonForTerminal). */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${jsonForTerminal(value, 2)}\n`);
}

/** Candidates an error lists under its message (an ambiguous account query). */
function candidateLines(details: Readonly<Record<string, unknown>> | undefined): string {
  const candidates = details?.candidates;
  if (!Array.isArray(candidates)) return '';
  return candidates.slice(0, 20).map((c: { id?: unknown; issuer?: unknown; label?: unknown }) => {
    const name = c.issuer ? `${String(c.issuer)}: ${String(c.label ?? '')}` : String(c.label ?? '');
    return `  ${escapeForTerminal(String(c.id ?? ''))}  ${escapeForTerminal(name)}\n`;
  }).join('');
}

/**
 * Report an error the way every command does: one sentence on stderr, never a stack. The message
 * is escaped whole, newlines included: error messages quote input (a file name, an algorithm, an
 * account name), and an error is one line, so a line break in it can only be input's.
 */
export function reportError(ctx: CliContext, error: unknown, json = false): number {
  if (error instanceof UsageError) {
    ctx.stderr.write(`authdesk: ${escapeForTerminal(error.message)}\nRun "authdesk help" for usage.\n`);
    return EXIT.USAGE;
  }
  const facing = toUserFacing(error);
  if (json) ctx.stderr.write(`${jsonForTerminal({ error: facing })}\n`);
  else ctx.stderr.write(`authdesk: ${escapeForTerminal(facing.message)}\n${candidateLines(facing.details)}`);
  if (!(error instanceof AuthdeskError) && ctx.env.AUTHDESK_DEBUG) ctx.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  return EXIT.FAILED;
}
