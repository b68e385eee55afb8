/**
 * Ctrl-C (SIGINT) or SIGTERM while a command writes a batch of seeds to the keychain: instead of
 * dying with half the batch written, the batch is aborted — the vault stops before its next
 * keychain write, deletes the items it wrote and leaves vault.json as it was — and the command
 * exits with one line and the shell's status for that signal (130 / 143).
 *
 * While the rollback runs, further signals are swallowed (it takes a few keychain deletes, each
 * with a timeout). A SIGKILL cannot be caught: the batch's journal in vault.json makes the next
 * open roll it back instead (docs/storage.md, "Batches").
 */
import { isAuthdeskError } from '../core/errors.js';
import { reportError, type CliContext } from './io.js';

const SIGNAL_STATUS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export type Interruptible<T> = { done: true; value: T } | { done: false; status: number };

/**
 * Run `batch` with an AbortSignal that SIGINT/SIGTERM abort. An interrupted batch is reported here
 * (after `beforeReport`, e.g. ending a progress line) and its exit status returned.
 */
export async function runInterruptible<T>(ctx: CliContext, json: boolean, batch: (signal: AbortSignal) => Promise<T>, beforeReport?: () => void): Promise<Interruptible<T>> {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    received ??= signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return { done: true, value: await batch(controller.signal) };
  } catch (error) {
    if (received === undefined || !isAuthdeskError(error, 'INTERRUPTED')) throw error;
    beforeReport?.();
    reportError(ctx, error, json);
    return { done: false, status: SIGNAL_STATUS[received] };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
