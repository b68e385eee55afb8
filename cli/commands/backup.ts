import { BackupError, InputError } from '../../core/errors.js';
import { defaultDataDir } from '../../node/data-dir.js';
import { openVault } from '../../node/open-vault.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type CliContext, type Command } from '../io.js';

/** settings.autoBackupKeep's range (core/vault/document.ts checks the same). */
const MAX_KEEP = 1000;

const USAGE = `Usage: authdesk backup <subcommand> [options]

Automatic encrypted backups: after every change to your accounts (add, remove, import...), an
encrypted backup is written to <data dir>/backups, keeping the newest N, once you set a backup
passphrase. The passphrase is kept in the OS keychain; to restore on another computer you must
know it, so write it down somewhere safe.

  backup status [--json]         Is a passphrase set, how many backups are kept, the backups there.
  backup passphrase [--passphrase-file F]
                                 Set or change the backup passphrase (8+ characters) and write a
                                 first backup. From F ("-" = standard input), or typed twice at the
                                 terminal; never on the command line. Backups already written keep
                                 the passphrase they were written with.
  backup off [--yes]             Forget the passphrase: no more automatic backups (files are kept).
  backup now [--json]            Write a backup now.
  backup keep N                  Keep the newest N backups (0 = automatic backups off; at most ${MAX_KEEP}).
  backup restore FILE|--latest [--passphrase-file F] [--yes] [--json]
                                 Add the accounts of an Authdesk backup (an automatic one, or
                                 "authdesk export --format authdesk"). Accounts already in the vault
                                 are skipped as duplicates; all or nothing. --latest: the newest
                                 automatic backup. Without --passphrase-file, the backup passphrase
                                 in the keychain is tried first; a file it does not open (e.g. made
                                 before a change of passphrase) asks for its own.

Without Authdesk, "node scripts/decrypt-backup.mjs FILE" prints a backup's otpauth:// links.`;

type Sub = (args: string[], ctx: CliContext) => Promise<number>;

function noPositionals(name: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`backup ${name} takes no argument "${positionals[0]}".`);
}

async function vaultOf(ctx: CliContext) {
  const dataDir = defaultDataDir(ctx.env);
  // No keychain-wide reconciliation: these subcommands read one item and the settings.
  const vault = await openVault({ dataDir, reconcile: 'skip' });
  return { vault, dataDir };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2025-03-01 12:00:00 UTC": the same for everyone reading a log or a bug report. */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const status: Sub = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  noPositionals('status', positionals);
  const { vault, dataDir } = await vaultOf(ctx);
  const { hasBackupPassphrase, listAutoBackups, backupsDir } = await import('../../node/backup/auto.js');
  const [passphraseSet, settings, files] = await Promise.all([hasBackupPassphrase(vault), vault.settings(), listAutoBackups(dataDir)]);
  const keep = settings.autoBackupKeep;
  const active = passphraseSet && keep > 0;
  const folder = backupsDir(dataDir);
  if (values.json === true) {
    printJson(ctx, { passphraseSet, keep, automatic: active, folder, backups: files.map((f) => ({ name: f.name, path: f.path, createdAt: f.createdAt, bytes: f.bytes })) });
    return EXIT.OK;
  }
  printLine(ctx, `Backup passphrase: ${passphraseSet ? 'set (in the OS keychain)' : 'not set'}`);
  printLine(ctx, `Automatic backups: ${active ? `on, keeping the newest ${keep}` : !passphraseSet ? 'off (set a passphrase: authdesk backup passphrase)' : 'off (keep is 0: authdesk backup keep N)'}`);
  printLine(ctx, `Folder: ${folder}`);
  if (files.length === 0) printLine(ctx, 'Backups: none yet');
  else {
    printLine(ctx, `Backups (${files.length}, newest first):`);
    for (const f of files) printLine(ctx, `  ${utc(f.createdAt)}  ${size(f.bytes).padStart(9)}  ${f.name}`);
  }
  return EXIT.OK;
};

const passphrase: Sub = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, { 'passphrase-file': { type: 'string' }, json: { type: 'boolean' } });
  noPositionals('passphrase', positionals);
  const { readPassphraseFile, promptHidden } = await import('../../node/backup/passphrase.js');
  const { checkNewPassphrase } = await import('../../node/backup/crypto.js');
  let next: string;
  const file = values['passphrase-file'];
  if (file !== undefined) {
    next = await readPassphraseFile(file, (limit) => ctx.readStdin(limit));
    checkNewPassphrase(next);
  } else {
    if (!ctx.stdinIsTTY) throw new UsageError('backup passphrase needs --passphrase-file FILE (or "-" for standard input) when not at a terminal.');
    next = await promptHidden('New backup passphrase (8+ characters): ');
    checkNewPassphrase(next);
    const again = await promptHidden('Repeat it: ');
    if (again !== next) throw new BackupError('BACKUP_PASSPHRASE_MISMATCH', 'The two passphrases differ; nothing was changed. Try again.');
  }
  const { vault, dataDir } = await vaultOf(ctx);
  const auto = await import('../../node/backup/auto.js');
  const had = await auto.hasBackupPassphrase(vault);
  await auto.setBackupPassphrase(vault, next);
  const keep = (await vault.settings()).autoBackupKeep;
  // As the app does: a first backup right away, so there is one to restore from today.
  const result = await auto.backupNow(vault, { dataDir });
  if (values.json === true) {
    printJson(ctx, { passphraseSet: true, changed: had, keep, backup: result.status === 'written' ? { status: 'written', path: result.path, accounts: result.accounts } : result });
  } else {
    printLine(ctx, `Backup passphrase ${had ? 'changed' : 'set'}; it is kept in the OS keychain. To restore on another computer you need it: write it down somewhere safe.`);
    if (had) printLine(ctx, 'Backups written before keep the old passphrase.');
    if (result.status === 'written') printLine(ctx, `Wrote a backup of ${plural(result.accounts, 'account')}: ${result.path}`);
    if (keep === 0) printLine(ctx, 'Automatic backups are off (keep is 0): turn them on with "authdesk backup keep 10".');
  }
  if (result.status === 'failed') {
    ctx.stderr.write(`authdesk: the passphrase was saved, but the first backup failed: ${result.error.message}\n`);
    return EXIT.FAILED;
  }
  return EXIT.OK;
};

const off: Sub = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } });
  noPositionals('off', positionals);
  const { vault } = await vaultOf(ctx);
  const auto = await import('../../node/backup/auto.js');
  if (!(await auto.hasBackupPassphrase(vault))) {
    if (values.json === true) printJson(ctx, { passphraseSet: false, cleared: false });
    else printLine(ctx, 'No backup passphrase is set: automatic backups are already off.');
    return EXIT.OK;
  }
  if (values.yes !== true) {
    if (!ctx.stdinIsTTY) throw new InputError('CONFIRMATION_NEEDED', 'Nothing changed: add --yes to confirm when not at a terminal.');
    if (!(await ctx.confirm('Stop automatic backups and forget the backup passphrase? (Existing backup files are kept.)'))) {
      printLine(ctx, 'Nothing changed.');
      return EXIT.FAILED;
    }
  }
  await auto.clearBackupPassphrase(vault);
  if (values.json === true) printJson(ctx, { passphraseSet: false, cleared: true });
  else printLine(ctx, 'Automatic backups are off and the backup passphrase is forgotten. Existing backup files were kept; they still open with the old passphrase.');
  return EXIT.OK;
};

const now: Sub = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  noPositionals('now', positionals);
  const { vault, dataDir } = await vaultOf(ctx);
  const { backupNow } = await import('../../node/backup/auto.js');
  const result = await backupNow(vault, { dataDir });
  if (result.status === 'failed') {
    if (result.error.code === 'BACKUP_NO_PASSPHRASE') throw new BackupError('BACKUP_NO_PASSPHRASE', 'Set a backup passphrase first: authdesk backup passphrase.');
    throw new BackupError(result.error.code, result.error.message);
  }
  if (result.status !== 'written') throw new BackupError('BACKUP_NOT_WRITTEN', 'No backup was written. Check "authdesk backup status".');
  if (values.json === true) printJson(ctx, { path: result.path, accounts: result.accounts, pruned: result.pruned });
  else {
    printLine(ctx, `Wrote a backup of ${plural(result.accounts, 'account')}: ${result.path}`);
    if (result.pruned > 0) printLine(ctx, `Removed ${plural(result.pruned, 'older backup')}.`);
  }
  return EXIT.OK;
};

const keep: Sub = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  const [text, extra] = positionals;
  if (text === undefined) throw new UsageError('backup keep needs a number N (0 turns automatic backups off).');
  if (extra !== undefined) throw new UsageError(`backup keep takes one number, not "${extra}" too.`);
  if (!/^\d+$/.test(text) || Number(text) > MAX_KEEP) throw new UsageError(`backup keep needs a whole number from 0 to ${MAX_KEEP}, not "${text}".`);
  const n = Number(text);
  const { vault, dataDir } = await vaultOf(ctx);
  await vault.updateSettings({ autoBackupKeep: n });
  const { hasBackupPassphrase, listAutoBackups } = await import('../../node/backup/auto.js');
  const [passphraseSet, files] = await Promise.all([hasBackupPassphrase(vault), listAutoBackups(dataDir)]);
  const over = n > 0 ? Math.max(0, files.length - n) : 0;
  if (values.json === true) {
    printJson(ctx, { keep: n, passphraseSet, backups: files.length });
    return EXIT.OK;
  }
  if (n === 0) printLine(ctx, `Automatic backups are off. The ${plural(files.length, 'existing backup')} ${files.length === 1 ? 'is' : 'are'} kept.`);
  else {
    printLine(ctx, n === 1 ? 'Only the newest backup will be kept.' : `The newest ${n} backups will be kept.`);
    if (over > 0) printLine(ctx, `There are ${files.length} now; the oldest ${over === 1 ? 'one' : over} will be removed at the next backup.`);
    if (!passphraseSet) printLine(ctx, 'No backup passphrase is set yet: set one with "authdesk backup passphrase".');
  }
  return EXIT.OK;
};

const restore: Sub = async (args, ctx) => {
  const { values, positionals } = parseCommandArgs(args, {
    latest: { type: 'boolean' },
    'passphrase-file': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    json: { type: 'boolean' },
  });
  let file: string;
  if (values.latest === true) {
    if (positionals.length > 0) throw new UsageError('backup restore takes a FILE or --latest, not both.');
    const { listAutoBackups } = await import('../../node/backup/auto.js');
    const newest = (await listAutoBackups(defaultDataDir(ctx.env)))[0];
    if (!newest) throw new BackupError('BACKUP_NONE', 'There are no automatic backups to restore. Give a backup file: authdesk backup restore FILE.');
    file = newest.path;
    if (values.json !== true) printLine(ctx, `Restoring the backup of ${utc(newest.createdAt)}: ${newest.path}`);
  } else {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'backup restore needs a FILE (or --latest).' : 'backup restore takes one FILE.');
    file = positionals[0] ?? '';
  }
  // The import command's own path (reading, passphrase, preview, duplicates, confirmation, all or
  // nothing, automatic backup afterwards), restricted to our format. Automatic backups are sealed
  // with the keychain's backup passphrase: it is tried first unless --passphrase-file is given.
  const { readImportFile, runImport } = await import('./import.js');
  const bytes = await readImportFile(file);
  const vault = await openVault();
  let knownPassphrase: string | undefined;
  if (values['passphrase-file'] === undefined) {
    const { getBackupPassphrase } = await import('../../node/backup/auto.js');
    knownPassphrase = (await getBackupPassphrase(vault)) ?? undefined;
  }
  return runImport(ctx, {
    vault,
    files: [bytes],
    format: 'authdesk',
    ...(values['passphrase-file'] !== undefined ? { passphraseFile: values['passphrase-file'] } : {}),
    ...(knownPassphrase !== undefined ? { knownPassphrase } : {}),
    yes: values.yes === true,
    json: values.json === true,
    skipUnsupported: false,
  });
};

const SUBCOMMANDS: Record<string, Sub> = { status, passphrase, off, now, keep, restore };

const backupCommand: Command = {
  summary: 'automatic encrypted backups: status, passphrase, off, now, keep N, restore FILE',
  usage: USAGE,
  async run(args, ctx) {
    const [name, ...rest] = args;
    if (name === undefined) throw new UsageError(`backup needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}.`);
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`backup has no subcommand "${name}"; use one of ${Object.keys(SUBCOMMANDS).join(', ')}.`);
    return sub(rest, ctx);
  },
};

export default backupCommand;
