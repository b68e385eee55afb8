/**
 * Reading a file or a stream the person named, with the limits checked BEFORE the work
 * (docs/SECURITY.md, "Limits before work"):
 * - the file is opened first and the *opened handle* is checked (fstat), so a path swapped between a
 *   check and the read (a race) cannot slip a device, a FIFO or a bigger file past the check;
 * - only regular files: /dev/zero, /dev/stdin, a FIFO or a socket is refused at once (a FIFO is opened
 *   with O_NONBLOCK so opening it cannot hang);
 * - the size is checked from fstat before a byte is read, then the read itself stops at the limit
 *   (a file that grows meanwhile is refused, never read whole);
 * - a stream (standard input) is read with a running total and dropped as soon as it passes the limit.
 * Memory stays bounded by the limit whatever the input. Callers turn a UserFileError into their own
 * sentence (import, image, passphrase file...).
 */
import { constants, fstatSync, promises as fs, type Stats } from 'node:fs';

export type UserFileProblem = 'missing' | 'not-permitted' | 'directory' | 'not-regular' | 'too-large' | 'unreadable';

export class UserFileError extends Error {
  constructor(
    readonly problem: UserFileProblem,
    /** Bytes known when refused: the fstat size, or at least this many on a stream. */
    readonly size?: number,
    /** The errno code for 'unreadable' and friends. */
    readonly errno?: string,
    options?: { cause?: unknown },
  ) {
    super(`user file: ${problem}`, options);
    this.name = 'UserFileError';
  }
}

const CHUNK = 64 * 1024;
/** How often a non-blocking pipe with nothing to read yet is polled (only passphrase pipes). */
const PIPE_POLL_MS = 20;

function fromErrno(error: unknown): UserFileError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UserFileError('missing', undefined, code, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new UserFileError('not-permitted', undefined, code, { cause: error });
  if (code === 'EISDIR') return new UserFileError('directory', undefined, code, { cause: error });
  return new UserFileError('unreadable', undefined, code ?? 'error', { cause: error });
}

/** Open flags: read only, never block on a FIFO, never become the controlling terminal. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface ReadUserFileOptions {
  /**
   * Also accept a pipe (FIFO), read with the same running cap. Only for passphrase files, where
   * `--passphrase-file <(pass show x)` (process substitution, /dev/fd/N) is the safe way to hand over
   * a passphrase without writing it to disk. Devices and sockets stay refused.
   */
  readonly allowPipe?: boolean;
}

/** The whole of a regular file of at most `maxBytes`, or a UserFileError. */
export async function readUserFile(path: string, maxBytes: number, options: ReadUserFileOptions = {}): Promise<Buffer> {
  const handle = await openChecked(path, OPEN_FLAGS);
  try {
    const info = await statOf(handle);
    // A pipe stays on the non-blocking handle it was opened with (reopening would race its writer).
    if (info.isFIFO() && options.allowPipe) return await readCapped(handle, maxBytes);
    if (info.isDirectory()) throw new UserFileError('directory');
    if (!info.isFile()) throw new UserFileError('not-regular');
    if (info.size > maxBytes) throw new UserFileError('too-large', info.size);
    return await readCapped(handle, maxBytes, info.size);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function openChecked(path: string, flags: number): Promise<fs.FileHandle> {
  try {
    return await fs.open(path, flags);
  } catch (error) {
    throw fromErrno(error);
  }
}

async function statOf(handle: fs.FileHandle): Promise<Stats> {
  try {
    return await handle.stat();
  } catch (error) {
    throw fromErrno(error);
  }
}

/**
 * Reads to EOF, refusing past maxBytes + 1. `expected` (a regular file's fstat size) sizes the first
 * buffer exactly, so a file is read in few large reads with no copy; a file that grew since fstat
 * goes on in chunks and meets the same cap.
 */
async function readCapped(handle: fs.FileHandle, maxBytes: number, expected = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let first = expected > 0 ? Buffer.allocUnsafe(Math.min(expected, maxBytes) + 1) : null;
  for (;;) {
    const exact = first !== null;
    const buffer = first ?? Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
    let filled = 0;
    while (filled < buffer.length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null));
      } catch (error) {
        // A non-blocking pipe whose writer has not written yet (a passphrase manager still asking).
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          await new Promise((resolve) => setTimeout(resolve, PIPE_POLL_MS));
          continue;
        }
        throw fromErrno(error);
      }
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (!exact) break; // chunks: one read each (a pipe returns what it has)
    }
    first = null;
    if (filled > 0) chunks.push(filled === buffer.length ? buffer : buffer.subarray(0, filled));
    total += filled;
    if (total > maxBytes) {
      for (const c of chunks) c.fill(0);
      throw new UserFileError('too-large', total);
    }
    // EOF: nothing more, or the exact-size buffer was not filled (the file did not grow).
    if (filled === 0 || (exact && filled < buffer.length)) break;
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

/**
 * A stream read to its end, refused as soon as more than `maxBytes` arrived (the rest is never read:
 * leaving the loop destroys the stream). When the stream is a file descriptor on a regular file
 * (`< file`), its size is checked first, so nothing is read at all.
 */
export async function readStreamCapped(stream: AsyncIterable<unknown> & { fd?: number }, maxBytes: number): Promise<Buffer> {
  if (typeof stream.fd === 'number') {
    try {
      const info = fstatSync(stream.fd);
      if (info.isFile() && info.size > maxBytes) throw new UserFileError('too-large', info.size);
    } catch (error) {
      if (error instanceof UserFileError) throw error;
      // Not stat-able (closed, a Windows console): the running cap below still applies.
    }
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += bytes.length;
    if (total > maxBytes) {
      for (const c of chunks) c.fill(0);
      bytes.fill(0);
      throw new UserFileError('too-large', total);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** "1.5 GiB", "40.0 MiB", "12 KiB": sizes in refusals. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
