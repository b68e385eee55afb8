import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TimeError } from '../../core/errors.js';

/** Resolve a host name (or pass an address through), bounded by `timeoutMs`. */
export async function resolveHost(host: string, timeoutMs: number, what: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(host);
  if (literal) return { address: host, family: literal as 4 | 6 };
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      lookup(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeError('TIME_DNS_TIMEOUT', `Looking up the ${what} "${host}" took too long (over ${Math.round(timeoutMs / 100) / 10} s). Check your network connection, or give an address with --server.`, { details: { host } })), timeoutMs);
      }),
    ]);
    return { address: result.address, family: result.family === 6 ? 6 : 4 };
  } catch (error) {
    if (error instanceof TimeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TimeError('TIME_SERVER_NOT_FOUND', `Could not find the ${what} "${host}" (DNS lookup failed${code ? `: ${code}` : ''}). Check the name and your network connection.`, { cause: error, details: { host, ...(code ? { errno: code } : {}) } });
  } finally {
    clearTimeout(timer);
  }
}
