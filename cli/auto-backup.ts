import { openVault } from '../node/open-vault.js';
import { escapeForTerminal } from '../core/text/terminal.js';
import type { CliContext } from './io.js';

/**
 * Commands that change the vault, by name (and for `aws`, by subcommand): after one succeeds, the
 * automatic encrypted backup is brought up to date, as the app does after every change
 * (node/backup/auto.ts; it does nothing unless the user set a backup passphrase). `import` does
 * its own, inside the command, so that it can report it.
 */
const CHANGES_VAULT: Record<string, (args: readonly string[]) => boolean> = {
  add: () => true,
  remove: () => true,
  aws: (args) => ['enroll', 'finish', 'cleanup', 'link'].includes(args[0] ?? ''),
};

export function changesVault(command: string, args: readonly string[]): boolean {
  return CHANGES_VAULT[command]?.(args) ?? false;
}

/** Never fails the command: the change itself succeeded; a failed backup is one warning line. */
export async function autoBackupAfterChange(ctx: CliContext): Promise<void> {
  try {
    const { maybeAutoBackup } = await import('../node/backup/auto.js');
    const result = await maybeAutoBackup(await openVault({ reconcile: 'skip' }));
    if (result.status === 'failed') ctx.stderr.write(`authdesk: the change was saved, but the automatic backup failed: ${escapeForTerminal(result.error.message)}\n`);
  } catch (error) {
    ctx.stderr.write(`authdesk: the change was saved, but the automatic backup could not run: ${escapeForTerminal(error instanceof Error ? error.message : String(error))}\n`);
  }
}
