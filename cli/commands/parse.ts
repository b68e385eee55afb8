import { parseOtpauthUri, maskSecret } from '../../core/otpauth/uri.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command } from '../io.js';

const usage = `Usage: authdesk parse URI [--json]

Shows what an otpauth:// URI contains (the secret masked), or why it is invalid (exit 1).`;

const parse: Command = {
  summary: 'show what an otpauth:// URI contains (secret masked), or why it is invalid',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('parse needs exactly one URI (quote it: it contains "?" and "&").');
    const data = parseOtpauthUri(positionals[0] ?? '');
    const shown = {
      type: data.type,
      issuer: data.issuer,
      label: data.label,
      secret: maskSecret(data.secret),
      secretBits: Math.floor((data.secret.length * 5) / 8) * 8,
      algorithm: data.algorithm,
      digits: data.digits,
      ...(data.type === 'totp' ? { period: data.period } : { counter: data.counter }),
    };
    if (values.json) {
      printJson(ctx, shown);
    } else {
      for (const [key, value] of Object.entries(shown)) printLine(ctx, `${key.padEnd(10)} ${String(value === '' ? '(none)' : value)}`);
    }
    return EXIT.OK;
  },
};

export default parse;
