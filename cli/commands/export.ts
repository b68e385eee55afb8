import { PLAIN_EXPORT_WARNING } from '../../core/backup/export.js';
import { BackupError } from '../../core/errors.js';
import { openVault } from '../../node/open-vault.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type CliContext, type Command } from '../io.js';

const FORMATS = ['authdesk', 'otpauth', 'google-qr'] as const;
type ExportFormat = (typeof FORMATS)[number];

const exportCommand: Command = {
  summary: 'export accounts: encrypted backup, otpauth:// list or Google Authenticator QR codes',
  usage: `Usage: authdesk export --format authdesk|otpauth|google-qr --out FILE [--passphrase-file F] [--force] [--json]

  --format authdesk    An encrypted Authdesk backup (scrypt + AES-256-GCM; docs/vault-format.md).
                       The passphrase comes from --passphrase-file F ("-" = standard input) or is
                       asked twice at the terminal; at least 8 characters. Restore with
                       "authdesk import FILE", or without Authdesk: node scripts/decrypt-backup.mjs FILE
  --format otpauth     A PLAIN list of otpauth:// links, one per line (Ente, Aegis, 2FAS... import it).
                       Anyone who reads that file can make your codes: delete it after use.
  --format google-qr   Google Authenticator "Transfer accounts" QR codes, one PNG per batch of at most
                       10 accounts: FILE-1.png, FILE-2.png... (a trailing .png in FILE is dropped), or
                       DIR/authdesk-google-1.png... when --out names an existing folder. Scan them in
                       Google Authenticator: Transfer accounts > Import accounts. Accounts whose period
                       is not 30 s (or with 7 digits) cannot travel in this format and are refused.

Files are created with mode 0600. An existing file is never replaced unless --force.
--out - writes the backup or the list to standard output.`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      'passphrase-file': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    }, false);
    void positionals;
    const format = values.format as ExportFormat | undefined;
    if (format === undefined || !FORMATS.includes(format)) throw new UsageError(`export needs --format ${FORMATS.join('|')}.`);
    const out = values.out;
    if (out === undefined || out === '') throw new UsageError('export needs --out FILE.');
    if (out === '-' && format === 'google-qr') throw new UsageError('--out - is for text formats; google-qr writes PNG files.');
    if (values['passphrase-file'] !== undefined && format !== 'authdesk') throw new UsageError('--passphrase-file is only for --format authdesk.');
    const force = values.force === true;
    // One bulk keychain read for the seeds (node/backup/export.ts readSeeds), not one per account.
    const { KeyringSecretStore } = await import('../../node/keychain.js');
    const source = { secrets: new KeyringSecretStore() };
    const { googleQrFiles, refuseExistingFiles, writeSecretFile } = await import('../../node/backup/files.js');
    const exporter = await import('../../node/backup/export.js');

    if (format === 'authdesk') {
      const passphrase = await newPassphrase(ctx, values['passphrase-file']);
      const vault = await openVault();
      const { text, count } = await exporter.exportEncrypted(vault, passphrase, source);
      if (out === '-') ctx.stdout.write(text);
      else await writeSecretFile(out, text, { force });
      report(ctx, values.json === true, { format, accounts: count, files: out === '-' ? [] : [out] }, `Wrote an encrypted backup of ${count} account${count === 1 ? '' : 's'} to ${out === '-' ? 'standard output' : out}. Keep the passphrase safe: without it the backup cannot be opened.`);
      return EXIT.OK;
    }

    const vault = await openVault();
    if (format === 'otpauth') {
      const { text, count } = await exporter.exportOtpauthList(vault, undefined, source);
      ctx.stderr.write(`${PLAIN_EXPORT_WARNING}\n`);
      if (out === '-') ctx.stdout.write(text);
      else await writeSecretFile(out, text, { force });
      report(ctx, values.json === true, { format, accounts: count, files: out === '-' ? [] : [out], warning: PLAIN_EXPORT_WARNING }, out === '-' ? '' : `Wrote ${count} otpauth:// link${count === 1 ? '' : 's'} to ${out}.`);
      return EXIT.OK;
    }

    const { pngs, count } = await exporter.exportGoogleQr(vault, undefined, source);
    const files = googleQrFiles(out, pngs.length);
    if (!force) refuseExistingFiles(files, (n) => `Choose another name, or add --force to replace ${n === 1 ? 'it' : 'them'}.`);
    for (const [i, png] of pngs.entries()) await writeSecretFile(files[i] ?? '', png, { force });
    ctx.stderr.write('WARNING: these QR codes hold your secret keys. Scan them, then delete the files.\n');
    report(ctx, values.json === true, { format, accounts: count, files }, `Wrote ${count} account${count === 1 ? '' : 's'} as ${files.length} Google Authenticator QR code${files.length === 1 ? '' : 's'}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return EXIT.OK;
  },
};

async function newPassphrase(ctx: CliContext, file: string | undefined): Promise<string> {
  const { readPassphraseFile, promptHidden } = await import('../../node/backup/passphrase.js');
  const { checkNewPassphrase } = await import('../../node/backup/crypto.js');
  if (file !== undefined) {
    const passphrase = await readPassphraseFile(file, (limit) => ctx.readStdin(limit));
    checkNewPassphrase(passphrase);
    return passphrase;
  }
  if (!ctx.stdinIsTTY) throw new UsageError('An encrypted export needs a passphrase: --passphrase-file FILE (or "-" for standard input).');
  const first = await promptHidden('Backup passphrase (8+ characters): ');
  checkNewPassphrase(first);
  const second = await promptHidden('Repeat the passphrase: ');
  if (first !== second) throw new BackupError('BACKUP_PASSPHRASE_MISMATCH', 'The two passphrases differ; nothing was written. Try again.');
  return first;
}

function report(ctx: CliContext, json: boolean, value: Record<string, unknown>, text: string): void {
  if (json) printJson(ctx, value);
  else if (text && (value.files as string[]).length === 0) ctx.stderr.write(`${text}\n`);
  else if (text) printLine(ctx, text);
}

export default exportCommand;
