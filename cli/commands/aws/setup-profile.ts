/**
 * `authdesk aws setup-profile NAME --source-profile P [--serial ARN|QUERY] [--role-arn ARN]
 * [--region R] [--force] [--print] [--json]`: add `[profile NAME]` to the AWS config file with a
 * credential_process line that runs this very `authdesk` by its absolute path, so `aws --profile NAME`
 * gets MFA sessions from Authdesk from any directory. node/aws/setup-profile.ts does the work.
 */
import { openVault } from '../../../node/open-vault.js';
import { currentCliInvocation } from '../../../node/cli-invocation.js';
import { applySetupProfile, planSetupProfile } from '../../../node/aws/setup-profile.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type CliContext } from '../../io.js';

export async function runSetupProfile(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    'source-profile': { type: 'string' }, serial: { type: 'string' }, 'role-arn': { type: 'string' }, region: { type: 'string' },
    force: { type: 'boolean' }, print: { type: 'boolean' }, json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('setup-profile needs exactly one NAME, the profile to create (e.g. authdesk aws setup-profile work --source-profile default).');
  if (!values['source-profile']) throw new UsageError('setup-profile needs --source-profile P: the profile holding your long-term access keys (often "default").');
  const vault = await openVault();
  const plan = await planSetupProfile({
    name: positionals[0]!, sourceProfile: values['source-profile'],
    ...(values.serial !== undefined ? { serial: values.serial } : {}),
    ...(values['role-arn'] !== undefined ? { roleArn: values['role-arn'] } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    force: values.force === true,
  }, { vault, invocation: await currentCliInvocation(), env: ctx.env });
  if (values.print) {
    if (values.json) printJson(ctx, { configFile: plan.configFile, action: plan.action, line: plan.line, serial: plan.serial, lines: plan.lines });
    else ctx.stdout.write(plan.lines.replace(/\r\n/g, '\n'));
    return EXIT.OK;
  }
  const written = await applySetupProfile(plan);
  if (values.json) {
    printJson(ctx, { configFile: written.file, backup: written.backup ?? null, action: plan.action, line: plan.line, profile: plan.name, serial: plan.serial, region: plan.region ?? null });
    return EXIT.OK;
  }
  printLine(ctx, `${plan.action === 'added' ? 'Added' : 'Replaced'} [profile ${plan.name}] in ${written.file} (line ${plan.line}):`);
  ctx.stdout.write(plan.lines.replace(/\r\n/g, '\n'));
  if (written.backup) printLine(ctx, `The previous file is kept as ${written.backup}.`);
  printLine(ctx, `\nEach AWS command with --profile ${plan.name} now gets an MFA session for ${plan.serial} from Authdesk, e.g.:\n  aws sts get-caller-identity --profile ${plan.name}`);
  if (!plan.region) printLine(ctx, `The profile has no region: add --region R, or pass --region to aws.`);
  return EXIT.OK;
}
