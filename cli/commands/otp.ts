import { decodeBase32Secret, wipe } from '../../core/otp/base32.js';
import { hotp, totp, assertDigits, assertPeriod } from '../../core/otp/otp.js';
import { nodeHmac } from '../../node/crypto.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command } from '../io.js';
import { OTP_OPTION_SPEC, parseAlgorithm, parseWholeNumber } from '../otp-options.js';
import { readSecretArgument } from '../secret-input.js';

const usage = `Usage: authdesk otp --secret B32 [--time UNIX] [--algorithm SHA1|SHA256|SHA512]
                   [--digits N] [--period S] [--hotp --counter C] [--json]

Computes a code from a secret without touching the vault (like oathtool).
  --secret B32   the base32 key (spaces, dashes and lower case are fine); "-" reads it from stdin
  --time UNIX    Unix time in seconds (default: now, uncorrected)
  --hotp         HOTP with --counter C instead of TOTP`;

const otp: Command = {
  summary: 'compute a code from a secret, without the vault (like oathtool)',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { ...OTP_OPTION_SPEC, secret: { type: 'string' }, time: { type: 'string' }, json: { type: 'boolean' } }, false);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    if (values.secret === undefined) throw new UsageError('otp needs --secret B32.');
    const algorithm = parseAlgorithm(values.algorithm);
    const digits = parseWholeNumber(values.digits, 'digits', 6);
    const period = parseWholeNumber(values.period, 'period', 30);
    assertDigits(digits);
    assertPeriod(period);
    const key = decodeBase32Secret(await readSecretArgument(values.secret, ctx));
    try {
      if (values.hotp) {
        if (values.time !== undefined) throw new UsageError('--time applies to TOTP only; HOTP takes --counter.');
        const counter = parseWholeNumber(values.counter, 'counter', Number.NaN);
        if (Number.isNaN(counter)) throw new UsageError('--hotp needs --counter C.');
        const code = hotp(key, counter, { algorithm, digits }, nodeHmac);
        if (values.json) printJson(ctx, { code, type: 'hotp', counter, algorithm, digits });
        else printLine(ctx, code);
        return EXIT.OK;
      }
      if (values.counter !== undefined) throw new UsageError('--counter needs --hotp.');
      let timeMs = Date.now();
      if (values.time !== undefined) {
        if (!/^-?\d{1,15}(\.\d+)?$/.test(values.time)) throw new UsageError(`--time must be a Unix time in seconds (got "${values.time}").`);
        timeMs = Number(values.time) * 1000;
      }
      const code = totp(key, timeMs, { algorithm, digits, period }, nodeHmac);
      if (values.json) printJson(ctx, { code, type: 'totp', time: Math.floor(timeMs / 1000), algorithm, digits, period });
      else printLine(ctx, code);
      return EXIT.OK;
    } finally {
      wipe(key);
    }
  },
};

export default otp;
