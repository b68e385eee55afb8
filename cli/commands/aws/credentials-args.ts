/**
 * The arguments of `authdesk aws credentials`, shared by the cached path (which must stay light) and
 * the full command. The session's cache key is built from the arguments as given.
 */
import { parseArgs } from 'node:util';
import { checkExternalId, checkRoleArn, checkRoleSessionName, parseDuration, sourceName, type SessionKeyParts } from '../../../core/aws/session-policy.js';

export interface CredentialsArgs {
  readonly key: SessionKeyParts;
  /** The profile given (--profile), if any: the SDK's chain decides otherwise. */
  readonly profile?: string;
  readonly durationSeconds?: number;
  readonly noCache: boolean;
  readonly json: boolean;
}

/** Is this command line `authdesk aws credentials ...` that the cached path may try? */
export function isCachedCredentialsCall(argv: readonly string[]): boolean {
  return argv[0] === 'aws' && argv[1] === 'credentials' && !argv.includes('--help') && !argv.includes('-h');
}

/** Throws TypeError (util.parseArgs) or InputError (a value's sentence) on bad input. */
export function parseCredentialsArgs(args: readonly string[], env: NodeJS.ProcessEnv): CredentialsArgs {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true, strict: true,
    options: {
      profile: { type: 'string' }, serial: { type: 'string' }, 'role-arn': { type: 'string' }, 'role-session-name': { type: 'string' },
      'external-id': { type: 'string' }, duration: { type: 'string' }, 'no-cache': { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  if (positionals.length) throw new TypeError(`credentials takes no positional arguments (got "${positionals[0]}"); name the device with --serial.`);
  const roleArn = values['role-arn'] !== undefined ? checkRoleArn(values['role-arn']) : undefined;
  if (!roleArn && (values['role-session-name'] !== undefined || values['external-id'] !== undefined)) {
    throw new TypeError('--role-session-name and --external-id go with --role-arn.');
  }
  const key: SessionKeyParts = {
    source: sourceName(values.profile, env),
    serial: values.serial?.trim() ?? '',
    ...(roleArn ? { roleArn } : {}),
    ...(values['role-session-name'] !== undefined ? { roleSessionName: checkRoleSessionName(values['role-session-name']) } : {}),
    ...(values['external-id'] !== undefined ? { externalId: checkExternalId(values['external-id']) } : {}),
  };
  return {
    key,
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.duration !== undefined ? { durationSeconds: parseDuration(values.duration) } : {}),
    noCache: values['no-cache'] === true,
    json: values.json === true,
  };
}
