import { createInterface } from 'node:readline';
import { InputError } from '../core/errors.js';
import { FILE_LIMITS } from '../core/backup/format.js';
import { formatBytes, readStreamCapped, UserFileError } from '../node/user-file.js';
import type { CliContext } from './io.js';

/**
 * Standard input is read with a running cap and dropped at the limit (never gigabytes in memory): the
 * largest thing Authdesk reads there is a file to import (32 MiB); callers that read less say so.
 */
export const DEFAULT_STDIN_LIMIT = { maxBytes: FILE_LIMITS.MAX_FILE_BYTES, what: 'anything Authdesk reads there' } as const;

function stdinError(limit: { maxBytes: number; what: string }): InputError {
  return new InputError('STDIN_TOO_LARGE', `Standard input carries more than ${formatBytes(limit.maxBytes)}, too much for ${limit.what}; Authdesk stopped reading it and changed nothing.`);
}

/** The real process's streams and terminal, as a CliContext. */
export function nodeContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    async readStdin(limit = DEFAULT_STDIN_LIMIT) {
      try {
        return (await readStreamCapped(process.stdin, limit.maxBytes)).toString('utf8');
      } catch (error) {
        if (error instanceof UserFileError) throw stdinError(limit);
        throw error;
      }
    },
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}
