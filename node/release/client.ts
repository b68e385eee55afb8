/**
 * The CLI's end of the release channel: send one request, wait for the answer (the person may be
 * reading the prompt: up to the prompt's timeout plus a margin). No socket: the app is not running.
 */
import { connect } from 'node:net';
import { RELEASE_LIMITS, ReleaseError } from '../../core/release/policy.js';
import { parseOutcome, type ReleaseAsk, type ReleaseOutcome } from './protocol.js';

export type AppAnswer = { readonly kind: 'absent' } | { readonly kind: 'answer'; readonly outcome: ReleaseOutcome };

export function askApp(socketPath: string, ask: ReleaseAsk, timeoutMs: number = RELEASE_LIMITS.PROMPT_TIMEOUT_MS + 30_000): Promise<AppAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffer = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ReleaseError('RELEASE_TIMED_OUT', 'The Authdesk app did not answer the approval request in time.'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(ask)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const line = buffer.split('\n')[0] ?? '';
      try {
        resolve({ kind: 'answer', outcome: parseOutcome(line) });
      } catch (error) {
        reject(error);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // No socket file, or a file nobody listens on (the app quit without removing it): not running.
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) resolve({ kind: 'absent' });
      else if (error.code === 'EACCES' || error.code === 'EPERM') reject(new ReleaseError('RELEASE_CHANNEL_FORBIDDEN', `This user may not open Authdesk's approval channel (${socketPath}): it belongs to another user.`));
      else reject(new ReleaseError('RELEASE_CHANNEL_FAILED', `The approval channel to the Authdesk app failed (${error.code ?? error.message}).`));
    });
  });
}
