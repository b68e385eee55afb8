/**
 * Handlers of aws.setupProfile and aws.installCli (electron/ipc/channels/aws-profile.ts), merged
 * into the aws area by createAwsHandlers. The invocation written into credential_process and the
 * installer are injected: Electron main passes the packaged app's (node/cli-invocation.ts
 * invocationForApp, node/cli-install.ts); the e2e harness passes the checkout's.
 */
import { InputError } from '../../../core/errors.js';
import type { VaultApi } from '../../../core/vault/api.js';
import type { CliInvocation } from '../../../node/cli-invocation.js';
import type { CliInstallView, SetupProfileView } from '../../ipc/channels/aws-profile.js';

export interface AwsProfileDeps {
  readonly vault: VaultApi;
  /** The command line of the installed CLI on this machine. */
  readonly cliInvocation?: () => Promise<CliInvocation>;
  /** "Install the command-line tool". */
  readonly installCli?: () => Promise<CliInstallView>;
  /** Environment for AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

function unavailable(): never {
  throw new InputError('CLI_NOT_AVAILABLE', 'This build of Authdesk has no command-line tool to point the AWS CLI at.');
}

export function createAwsProfileHandlers(deps: AwsProfileDeps) {
  return {
    setupProfile: async (request: { id: string; name: string; sourceProfile: string; roleArn?: string; region?: string; force?: boolean; write: boolean }): Promise<SetupProfileView> => {
      const account = await deps.vault.get(request.id);
      if (!account.awsSerial) throw new InputError('AWS_ACCOUNT_NOT_LINKED', `"${account.label}" is not linked to an AWS MFA device: link it first (Resync or "authdesk aws link").`);
      const { planSetupProfile, applySetupProfile } = await import('../../../node/aws/setup-profile.js');
      const plan = await planSetupProfile({
        name: request.name, sourceProfile: request.sourceProfile, serial: account.awsSerial,
        ...(request.roleArn ? { roleArn: request.roleArn } : {}), ...(request.region ? { region: request.region } : {}), force: request.force === true,
      }, { vault: deps.vault, invocation: await (deps.cliInvocation ?? unavailable)(), ...(deps.env ? { env: deps.env } : {}) });
      const view = { configFile: plan.configFile, lines: plan.lines.replace(/\r\n/g, '\n'), action: plan.action, line: plan.line, serial: plan.serial, ...(plan.region ? { region: plan.region } : {}) };
      if (!request.write) return { ...view, written: false };
      const written = await applySetupProfile(plan);
      return { ...view, configFile: written.file, written: true, ...(written.backup ? { backup: written.backup } : {}) };
    },
    installCli: (): Promise<CliInstallView> => (deps.installCli ?? unavailable)(),
  };
}
