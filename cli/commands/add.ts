import { parseOtpauthUri, type OtpauthData } from '../../core/otpauth/uri.js';
import { normalizeBase32Secret } from '../../core/otp/base32.js';
import { assertCounter, assertDigits, assertPeriod } from '../../core/otp/otp.js';
import { displayName } from '../../core/vault/model.js';
import type { NewAccount } from '../../core/vault/api.js';
import { openVault } from '../../node/open-vault.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command, type CliContext } from '../io.js';
import { OTP_OPTION_SPEC, parseAlgorithm, parseWholeNumber } from '../otp-options.js';
import { readSecretArgument } from '../secret-input.js';
import { accountLine, accountSummary } from '../accounts.js';

const usage = `Usage:
  authdesk add --uri URI [--aws-serial ARN] [--json]
  authdesk add --secret B32 --issuer I --label L [--algorithm A] [--digits N] [--period S]
               [--hotp --counter C] [--aws-serial ARN] [--json]
  authdesk add --image FILE [--yes] [--json]

Adds an account to the vault; its seed goes to the OS keychain.
  --uri URI        an otpauth:// link (quote it); "-" reads it from stdin
  --secret B32     the key as the service shows it ("Show secret key"); "-" reads it from stdin
  --image FILE     a screenshot or photo of a QR code (also Google Authenticator exports)
  --yes            with --image, add what was found without asking
  --aws-serial ARN link the account to its AWS MFA device (arn:aws:iam::123456789012:mfa/name)`;

async function fromOptions(values: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<OtpauthData> {
  const secretText = values.secret;
  if (typeof secretText !== 'string') throw new UsageError('add needs --uri URI, --secret B32 or --image FILE.');
  const label = typeof values.label === 'string' ? values.label.trim() : '';
  if (!label) throw new UsageError('add --secret needs --label (the account name, e.g. your user name or e-mail).');
  const issuer = typeof values.issuer === 'string' ? values.issuer.trim() : '';
  const algorithm = parseAlgorithm(values.algorithm as string | undefined);
  const digits = parseWholeNumber(values.digits as string | undefined, 'digits', 6);
  const period = parseWholeNumber(values.period as string | undefined, 'period', 30);
  assertDigits(digits);
  assertPeriod(period);
  const secret = normalizeBase32Secret(await readSecretArgument(secretText, ctx));
  if (values.hotp) {
    const counter = parseWholeNumber(values.counter as string | undefined, 'counter', 0);
    assertCounter(counter);
    return { type: 'hotp', issuer, label, secret, algorithm, digits, period: 30, counter };
  }
  if (values.counter !== undefined) throw new UsageError('--counter needs --hotp.');
  return { type: 'totp', issuer, label, secret, algorithm, digits, period };
}

const add: Command = {
  summary: 'add an account from an otpauth:// URI, a secret key or a QR image',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      ...OTP_OPTION_SPEC,
      uri: { type: 'string' },
      secret: { type: 'string' },
      issuer: { type: 'string' },
      label: { type: 'string' },
      image: { type: 'string' },
      'aws-serial': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
    }, false);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    const sources = [values.uri, values.secret, values.image].filter((v) => v !== undefined).length;
    if (sources !== 1) throw new UsageError('add takes exactly one of --uri, --secret or --image.');

    let drafts: NewAccount[];
    if (values.image !== undefined) {
      const { addFromImage } = await import('../add-image.js');
      drafts = await addFromImage(values.image, Boolean(values.yes), ctx);
      if (drafts.length === 0) return EXIT.FAILED;
    } else {
      const data = values.uri !== undefined ? parseOtpauthUri(await readSecretArgument(values.uri, ctx)) : await fromOptions(values, ctx);
      drafts = [data];
    }
    if (values['aws-serial'] !== undefined) {
      if (drafts.length !== 1) throw new UsageError('--aws-serial links one account; the image holds several.');
      const { parseMfaSerial } = await import('../../core/iam/serial.js');
      drafts = [{ ...drafts[0]!, awsSerial: parseMfaSerial(values['aws-serial']).arn }];
    }
    const vault = await openVault();
    // Ctrl-C / SIGTERM while the seeds are stored roll the add back (cli/interrupt.ts). A key
    // already in the vault (whatever its name) is refused by the vault with DUPLICATE_SECRET.
    const { runInterruptible } = await import('../interrupt.js');
    const outcome = await runInterruptible(ctx, values.json === true, (signal) => vault.addMany(drafts, undefined, { signal }));
    if (!outcome.done) return outcome.status;
    const added = outcome.value;
    if (values.json) printJson(ctx, added.length === 1 ? accountSummary(added[0]!) : added.map(accountSummary));
    else for (const account of added) printLine(ctx, `Added ${displayName(account)}\n  ${accountLine(account)}`);
    return EXIT.OK;
  },
};

export default add;
