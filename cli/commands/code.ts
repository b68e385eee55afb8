import { openVault } from '../../node/open-vault.js';
import { displayName } from '../../core/vault/model.js';
import { InputError } from '../../core/errors.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type CliContext, type Command } from '../io.js';
import { clockHealth } from '../../core/time/health.js';
import type { VaultApi } from '../../core/vault/api.js';
import { resolveAccount } from '../accounts.js';
import { followsReuseRule } from '../../core/aws/code-reuse.js';
import { gateRelease } from '../release-gate.js';

const usage = `Usage: authdesk code QUERY [--next] [--pair] [--no-correction] [--json]

Prints the current code of the account QUERY names (its id, AWS serial ARN, or part of
"issuer label"). An ambiguous QUERY lists the candidates and fails.

  --next            the code of the next period instead (TOTP)
  --pair            two consecutive codes, current and next (what AWS's MFA enrollment asks for)
  --no-correction   use the local clock, ignoring the measured clock offset ("authdesk time --sync")
  --json            an object: code, next, validUntil, secondsLeft, account, offsetMs

HOTP accounts advance their counter by one each time a code is printed.
For aws-vault: mfa_process = authdesk code <serial-or-name>

Never the same code twice: for an account linked to an AWS MFA device, a code printed to another
program (standard output is not a terminal) is recorded, and the next such request waits for a
fresh 30-second step instead of printing the same code again (AWS refuses a code it accepted).
The app and Authdesk's own AWS calls share that record. At a terminal, codes are shown as always.

When the output is not a terminal (another program reads it), the account's release policy
applies: Always, or ask in the desktop app first (docs/approvals.md). Refused: one line, exit 1.
Every such release is in "authdesk log".`;

const code: Command = {
  summary: 'print the current code of an account (aws-vault mfa_process)',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      next: { type: 'boolean' },
      pair: { type: 'boolean' },
      'no-correction': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('code needs exactly one QUERY (an account id or part of its name).');
    if (values.next && values.pair) throw new UsageError('--next and --pair cannot be combined.');
    // One keychain read and nothing else: mfa_process runs this on every session (the app and the
    // other commands reconcile the keychain with the metadata).
    const vault = await openVault({ reconcile: 'skip' });
    const account = await resolveAccount(vault, positionals[0] ?? '');
    // Off a terminal the code goes to another program: its release policy decides (docs/approvals.md).
    // Before the keychain read and the HOTP counter, so a refusal reads and spends nothing.
    await gateRelease(ctx, vault, account, 'code');
    const { appliedOffsetMs } = await vault.clock();
    const offsetMs = values['no-correction'] ? 0 : appliedOffsetMs;
    if (!values['no-correction']) await warnOfUnverifiedOffset(ctx, vault);

    if (account.type === 'hotp') {
      if (values.next || values.pair) throw new InputError('HOTP_NO_PAIR', `${displayName(account)} is an HOTP (counter) account: it has no "next period"; each call prints the next code.`);
      const view = await vault.nextHotp(account.id);
      if (values.json) printJson(ctx, { code: view.code, counter: view.counter, account: { id: account.id, issuer: account.issuer, label: account.label } });
      else printLine(ctx, view.code);
      return EXIT.OK;
    }

    if (ctx.stdoutIsTTY !== true && followsReuseRule(account)) {
      // A code for another program (aws-vault's mfa_process, a script): through the one release
      // point, which records it and waits for a fresh step rather than hand out a used code.
      const { releaseCodes } = await import('../../node/aws/release.js');
      const { FileCodeLedger } = await import('../../node/aws/code-ledger.js');
      const { defaultDataDir } = await import('../../node/data-dir.js');
      const released = await releaseCodes({
        account, count: values.pair ? 2 : 1, aheadSteps: values.next ? 1 : 0, recipient: 'authdesk code (standard output is not a terminal)',
      }, {
        ledger: new FileCodeLedger(defaultDataDir(ctx.env)),
        // The same code the terminal shows for that moment (a per-account step adjustment applies).
        codeAt: async (t) => (await vault.code(account.id, t)).code,
        now: () => Date.now() + offsetMs,
        onWait: (_ms, _reason, message) => ctx.stderr.write(`${message}\n`),
      });
      const [first = '', second] = released.codes;
      if (values.json) {
        const now = Date.now() + offsetMs;
        printJson(ctx, {
          code: first,
          ...(second !== undefined ? { next: second } : {}),
          validFrom: new Date(released.validUntil - account.period * 1000).toISOString(),
          validUntil: new Date(released.validUntil).toISOString(),
          secondsLeft: Math.max(0, Math.ceil((released.validUntil - now) / 1000)),
          offsetMs,
          recorded: true,
          account: { id: account.id, issuer: account.issuer, label: account.label, awsSerial: account.awsSerial },
        });
      } else {
        printLine(ctx, first);
        if (second !== undefined) printLine(ctx, second);
      }
      return EXIT.OK;
    }

    const now = Date.now() + offsetMs;
    const view = await vault.code(account.id, values.next ? now + account.period * 1000 : now);
    const secondsLeft = Math.max(0, Math.ceil((view.validUntil - now) / 1000));
    if (values.json) {
      printJson(ctx, {
        code: view.code,
        next: view.next,
        validFrom: new Date(view.validFrom).toISOString(),
        validUntil: new Date(view.validUntil).toISOString(),
        secondsLeft,
        offsetMs,
        account: { id: account.id, issuer: account.issuer, label: account.label, ...(account.awsSerial ? { awsSerial: account.awsSerial } : {}) },
      });
    } else if (values.pair) {
      printLine(ctx, view.code);
      printLine(ctx, view.next ?? '');
    } else {
      printLine(ctx, view.code);
    }
    return EXIT.OK;
  },
};

export default code;

/**
 * A measured offset that nothing vouched for is not applied (core/time/trust.ts): the codes below
 * use the local clock (or the earlier correction), which may be why a service refuses them. Say so
 * on stderr, every time until the person confirms or fixes the clock — stdout keeps only the code.
 */
async function warnOfUnverifiedOffset(ctx: CliContext, vault: VaultApi): Promise<void> {
  const settings = await vault.settings();
  if (!settings.timeOffsetPending) return;
  const health = clockHealth({ ...(settings.timeOffset ? { record: settings.timeOffset } : {}), pending: settings.timeOffsetPending, correctionEnabled: settings.timeCorrection, nowMs: Date.now() });
  ctx.stderr.write(`authdesk: ${health.headline}. Check this computer’s date, time and time zone ("authdesk time" tells more), or run "authdesk time --sync --accept-unverified-offset" to use it.\n`);
}
