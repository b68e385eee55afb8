import { FILE_LIMITS } from '../../core/backup/format.js';
import { readImportFile } from '../../node/backup/files.js';
import { describeAccount } from '../../core/backup/account.js';
import { isImportFormat } from '../../core/backup/import/detect.js';
import { FORMAT_NAMES, IMPORT_FORMATS, type ImportFormat } from '../../core/backup/import/types.js';
import { BackupError, InputError, isAuthdeskError } from '../../core/errors.js';
import type { VaultApi } from '../../core/vault/api.js';
import { openVault } from '../../node/open-vault.js';
import { escapeForTerminal as oneLine } from '../../core/text/terminal.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, writeStatusLine, type CliContext, type Command } from '../io.js';

const importCommand: Command = {
  summary: 'import accounts from a backup or another app\'s export (all or nothing)',
  usage: `Usage: authdesk import FILE... [--format F] [--passphrase-file F] [--yes] [--skip-unsupported] [--json]

Imports accounts from:
  authdesk    an Authdesk encrypted backup (authdesk export --format authdesk, or an automatic backup)
  google      Google Authenticator exports: text with otpauth-migration:// lines, or the QR images
              (PNG/JPEG/...; give every image of an export at once: authdesk import qr-*.png)
  aegis       Aegis vaults, plain or encrypted (password)
  twofas      2FAS backups (.2fas), plain or encrypted (password)
  ente        Ente Auth's plain export (a text file of otpauth:// links)
  bitwarden   Bitwarden's unencrypted JSON export (login.totp)
  otpauth     any text file of otpauth:// links, one per line
The format is recognised from the content; --format F insists on one.

Shows what will be imported, the duplicates it skips (same secret, issuer and account name as an
account already in the vault or earlier in the file) and entries Authdesk cannot use (e.g. Steam);
then asks, unless --yes. Entries that cannot be used stop the import unless --skip-unsupported.
An import is all or nothing: if anything fails, no account of it is added.
The passphrase of an encrypted file comes from --passphrase-file F ("-" = standard input) or is
asked at the terminal.`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string', short: 'f' },
      'passphrase-file': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      'skip-unsupported': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length === 0) throw new UsageError('import needs a FILE.');
    const format = values.format;
    if (format !== undefined && !isImportFormat(format)) throw new UsageError(`Unknown --format "${format}"; use one of ${IMPORT_FORMATS.join(', ')}.`);
    const passphraseFile = values['passphrase-file'];
    if (passphraseFile === '-' && positionals.some((p) => p === '-')) throw new UsageError('Standard input cannot carry both the file and the passphrase.');

    const files: Uint8Array[] = [];
    for (const file of positionals) files.push(file === '-' ? Buffer.from(await ctx.readStdin({ maxBytes: FILE_LIMITS.MAX_FILE_BYTES, what: 'a file to import' }), 'utf8') : await readImportFile(file));
    return runImport(ctx, {
      files,
      ...(format ? { format } : {}),
      ...(passphraseFile !== undefined ? { passphraseFile } : {}),
      yes: values.yes === true,
      json: values.json === true,
      skipUnsupported: values['skip-unsupported'] === true,
    });
  },
};

/** A file to import, or a one-line reason it cannot be read (limits checked before reading: node/backup/files.ts). */
export { readImportFile } from '../../node/backup/files.js';

export interface ImportRequest {
  readonly files: readonly Uint8Array[];
  readonly format?: ImportFormat;
  /** Where the file's passphrase comes from ("-" = standard input); else asked at the terminal. */
  readonly passphraseFile?: string;
  /**
   * Tried first when the file is encrypted (restoring an automatic backup: the keychain's backup
   * passphrase); a backup made before that passphrase changed falls back to passphraseFile/asking.
   */
  readonly knownPassphrase?: string;
  /** The vault, when the caller has opened it already (opening reconciles with the keychain). */
  readonly vault?: VaultApi;
  readonly yes: boolean;
  readonly json: boolean;
  readonly skipUnsupported: boolean;
}

/** Read, preview, confirm and apply one import (all or nothing), then the automatic backup. */
export async function runImport(ctx: CliContext, request: ImportRequest): Promise<number> {
  const { files, format, passphraseFile } = request;
  const { readImports, planVaultImport, applyImport } = await import('../../node/backup/import.js');
  const { readPassphraseFile, promptHidden } = await import('../../node/backup/passphrase.js');
  let asked: string | undefined;
  const passphrase = async (): Promise<string> => {
    if (asked !== undefined) return asked;
    asked = passphraseFile !== undefined ? await readPassphraseFile(passphraseFile, (limit) => ctx.readStdin(limit)) : ctx.stdinIsTTY ? await promptHidden('Passphrase of the file: ') : '';
    return asked;
  };
  const read = (secret: () => Promise<string>) => readImports([...files], { ...(format ? { format } : {}), passphrase: secret });
  let parsed;
  if (request.knownPassphrase === undefined) parsed = await read(passphrase);
  else {
    const known = request.knownPassphrase;
    try {
      parsed = await read(async () => known);
    } catch (error) {
      if (!isAuthdeskError(error, 'BACKUP_WRONG_PASSPHRASE')) throw error;
      ctx.stderr.write('The backup passphrase in the keychain does not open this file (it was made with another passphrase, e.g. before a change): give its passphrase.\n');
      parsed = await read(passphrase);
    }
  }
  const vault = request.vault ?? (await openVault());
  const { KeyringSecretStore } = await import('../../node/keychain.js');
  const plan = await planVaultImport(vault, parsed, { secrets: new KeyringSecretStore() });

  const json = request.json;
  if (!json) {
    printLine(ctx, `${FORMAT_NAMES[plan.format]}: ${plan.toAdd.length} account${plan.toAdd.length === 1 ? '' : 's'} to import.`);
    for (const a of plan.toAdd) printLine(ctx, `  + ${oneLine(describeAccount(a))}${a.type === 'hotp' ? ' (HOTP)' : ''}`);
    if (plan.duplicates.length > 0) {
      printLine(ctx, `Skipped as duplicates (${plan.duplicates.length}):`);
      for (const d of plan.duplicates) printLine(ctx, `  = ${oneLine(d.name)} — ${oneLine(d.reason)}`);
    }
    if (plan.unsupported.length > 0) {
      printLine(ctx, `Cannot be used by Authdesk (${plan.unsupported.length}):`);
      for (const u of plan.unsupported) printLine(ctx, `  ! ${oneLine(u.name)} — ${oneLine(u.reason)}`);
    }
    for (const w of parsed.warnings ?? []) printLine(ctx, `Warning: ${oneLine(w)}`);
  }
  const summary = {
    format: plan.format,
    toImport: plan.toAdd.map((a) => ({ issuer: a.issuer, label: a.label, type: a.type })),
    duplicates: plan.duplicates,
    unsupported: plan.unsupported,
    warnings: parsed.warnings ?? [],
  };
  if (plan.unsupported.length > 0 && !request.skipUnsupported) {
    if (json) printJson(ctx, { ...summary, imported: 0 });
    throw new BackupError('IMPORT_HAS_UNSUPPORTED', `Nothing was imported: ${plan.unsupported.length} entr${plan.unsupported.length === 1 ? 'y' : 'ies'} cannot be used by Authdesk. Run again with --skip-unsupported to import the others.`);
  }
  if (plan.toAdd.length === 0) {
    if (json) printJson(ctx, { ...summary, imported: 0 });
    else printLine(ctx, 'Nothing new to import.');
    return EXIT.OK;
  }
  if (!request.yes) {
    if (!ctx.stdinIsTTY) throw new InputError('CONFIRMATION_NEEDED', 'Nothing imported: add --yes to confirm when not at a terminal.');
    if (!(await ctx.confirm(`Import ${plan.toAdd.length} account${plan.toAdd.length === 1 ? '' : 's'}?`))) {
      printLine(ctx, 'Nothing imported.');
      return EXIT.FAILED;
    }
  }
  // Keychain writes are slow on Linux (~15-45 ms each): show progress for big imports.
  let last = 0;
  let progressShown = false;
  const progress = plan.toAdd.length >= 50 && !json
    ? (done: number, total: number) => {
      const now = Date.now();
      if (now - last > 500 || done === total) {
        last = now;
        progressShown = done !== total;
        writeStatusLine(ctx, `Storing secret keys in the keychain: ${done}/${total}`);
        if (done === total) ctx.stderr.write('\n');
      }
    }
    : undefined;
  // Ctrl-C / SIGTERM during the keychain writes roll the whole import back (cli/interrupt.ts).
  const { runInterruptible } = await import('../interrupt.js');
  const outcome = await runInterruptible(
    ctx,
    json,
    (signal) => applyImport(vault, plan, { skipUnsupported: true, signal, ...(progress ? { onProgress: progress } : {}) }),
    () => progressShown && ctx.stderr.write('\n'),
  );
  if (!outcome.done) return outcome.status;
  const added = outcome.value;
  const { maybeAutoBackup } = await import('../../node/backup/auto.js');
  const backup = await maybeAutoBackup(vault);
  if (json) printJson(ctx, { ...summary, imported: added.length, ids: added.map((a) => a.id), autoBackup: backup.status });
  else {
    printLine(ctx, `Imported ${added.length} account${added.length === 1 ? '' : 's'}.`);
    if (backup.status === 'failed') ctx.stderr.write(`authdesk: the automatic backup failed: ${oneLine(backup.error.message)}\n`);
  }
  return EXIT.OK;
}

export default importCommand;
