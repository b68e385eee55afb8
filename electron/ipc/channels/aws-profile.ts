/**
 * Two channels of the `aws` area (electron/ipc/channels/aws.ts lists them; kept here so the area file
 * stays small while other work adds to it):
 * - aws.setupProfile: the app's "Use with the AWS CLI…" — preview (write: false) or write the
 *   `[profile NAME]` whose credential_process gets MFA sessions from Authdesk (the same code as
 *   `authdesk aws setup-profile`: node/aws/setup-profile.ts);
 * - aws.installCli: "Install the command-line tool" (node/cli-install.ts).
 * Responses hold file paths and the profile's lines (no key, no session).
 */
import { channel } from '../channel.js';
import { s } from '../schema.js';
import { accountId } from './common.js';

export interface SetupProfileView {
  readonly configFile: string;
  /** The exact lines the profile gets (LF line endings for display). */
  readonly lines: string;
  readonly action: 'added' | 'replaced';
  /** 1-based line of the profile's header. */
  readonly line: number;
  readonly serial: string;
  readonly region?: string;
  readonly written: boolean;
  /** Copy of the previous file, when written and there was one. */
  readonly backup?: string;
}

export interface CliInstallView {
  readonly installed: string;
  readonly target: string;
  readonly onPath: boolean;
  readonly message: string;
}

/** Profile names both the AWS CLI and the SDKs accept (core/aws/config-file.ts says why). */
const profileName = s.string({ min: 1, max: 128, pattern: /^[\w\-@+.%:/]+$/, patternHint: 'an AWS profile name (letters, digits, - _ . @ + % : /)' });

export const setupProfile = channel(s.object({
  id: accountId,
  name: profileName,
  sourceProfile: profileName,
  roleArn: s.optional(s.string({ min: 1, max: 2048 })),
  region: s.optional(s.string({ min: 1, max: 64 })),
  force: s.optional(s.boolean()),
  write: s.boolean(),
})).returns<SetupProfileView>();

export const installCli = channel(s.none()).returns<CliInstallView>();
