/**
 * Passphrases for the CLI: from a file (`--passphrase-file F`, "-" = standard input) or typed at
 * the terminal without echo. Never from a command-line argument (visible in `ps` and shell history).
 */
import { BackupError } from '../../core/errors.js';
import { escapeForTerminal } from '../../core/text/terminal.js';
import { formatBytes, readUserFile, UserFileError } from '../user-file.js';

/**
 * A passphrase file holds one line; 64 KiB is far above any passphrase (the backup format accepts at
 * most 1,024 characters) and keeps a wrong file (a disk image, /dev/zero) from being read at all.
 */
export const PASSPHRASE_FILE_MAX_BYTES = 64 * 1024;

/** A passphrase file loses ONE trailing line ending (what editors and `echo` add), nothing else. */
export function stripOneEol(text: string): string {
  return text.replace(/\r?\n$/, '');
}

export async function readPassphraseFile(path: string, readStdin: (limit?: { maxBytes: number; what: string }) => Promise<string>): Promise<string> {
  let text: string;
  if (path === '-') text = await readStdin({ maxBytes: PASSPHRASE_FILE_MAX_BYTES, what: 'a passphrase' });
  else {
    try {
      // A pipe is allowed: `--passphrase-file <(pass show x)` keeps the passphrase off the disk.
      const bytes = await readUserFile(path, PASSPHRASE_FILE_MAX_BYTES, { allowPipe: true });
      text = bytes.toString('utf8');
      bytes.fill(0);
    } catch (cause) {
      if (cause instanceof UserFileError && cause.problem === 'too-large') {
        throw new BackupError('PASSPHRASE_FILE_TOO_LARGE', `The passphrase file ${path} is ${cause.size !== undefined ? formatBytes(cause.size) : 'too large'}; a passphrase file holds one line (at most ${formatBytes(PASSPHRASE_FILE_MAX_BYTES)}). Is it the right file?`, { cause });
      }
      if (cause instanceof UserFileError && (cause.problem === 'not-regular' || cause.problem === 'directory')) {
        throw new BackupError('PASSPHRASE_FILE_NOT_A_FILE', `The passphrase file ${path} is not an ordinary file (a folder, a device or a socket). Give a file, or "-" for standard input.`, { cause });
      }
      throw new BackupError('PASSPHRASE_FILE_UNREADABLE', `The passphrase file ${path} cannot be read. Check the path and its permissions.`, { cause });
    }
  }
  const passphrase = stripOneEol(text);
  if (passphrase === '') throw new BackupError('BACKUP_PASSPHRASE_EMPTY', `The passphrase file ${path === '-' ? '(standard input)' : path} is empty.`);
  return passphrase;
}

/** Ask on the terminal with echo off (raw mode). Only when standard input is a TTY. */
export function promptHidden(prompt: string, output: { write(text: string): unknown } = process.stderr): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new BackupError('PASSPHRASE_NEEDED', 'A passphrase is needed: give it with --passphrase-file FILE (or "-" for standard input).'));
  return new Promise((resolve) => {
    // Prompts are ours today; escaped anyway, so one built from a file name can never go raw.
    output.write(escapeForTerminal(prompt));
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let text = '';
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          output.write('\n');
          resolve(text);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          output.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
