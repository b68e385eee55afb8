/**
 * `authdesk aws doctor [--profile P] [--json]`: one line per finding, in order (credentials, caller,
 * MFA devices against the vault, whether MFA is demanded, AWS's clock, profiles naming devices
 * Authdesk does not hold), each with its fix. Exit 1 when a check failed, else 0.
 * Facts: node/aws/doctor.ts; judgement: core/aws/doctor.ts.
 */
import { diagnose, type Finding } from '../../../core/aws/doctor.js';
import { gatherDoctorFacts } from '../../../node/aws/doctor.js';
import { openVault } from '../../../node/open-vault.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type CliContext } from '../../io.js';

const MARK: Record<Finding['status'], string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export async function runDoctor(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { profile: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError('doctor takes no positional arguments; choose the profile with --profile P.');
  const vault = await openVault();
  let profile = values.profile;
  // As the other aws commands: the app's chosen profile when neither --profile nor AWS_PROFILE says otherwise.
  if (profile === undefined && !ctx.env.AWS_PROFILE) profile = (await vault.settings()).awsProfile;
  const facts = await gatherDoctorFacts({ ...(profile ? { profile } : {}), vault, env: ctx.env, onWait: (message) => ctx.stderr.write(`${message}\n`) });
  const findings = diagnose(facts);
  if (values.json) printJson(ctx, { profile: profile ?? null, findings });
  else {
    for (const f of findings) {
      printLine(ctx, `${MARK[f.status]} ${f.check.padEnd(12)} ${f.message}`);
      if (f.fix) printLine(ctx, `  ${''.padEnd(12)} fix: ${f.fix}`);
    }
  }
  return findings.some((f) => f.status === 'fail') ? EXIT.FAILED : EXIT.OK;
}
