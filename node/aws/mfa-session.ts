/**
 * The automatic MFA session (docs/aws.md): the MfaSessionProvider node/aws/iam-client.ts calls when
 * an IAM call with long-term keys is denied under Force_MFA. It goes through the same machinery as
 * `authdesk aws credentials` (core/aws/session-flow.ts: keychain cache, used-code ledger, a fresh
 * code on AWS's clock), keyed as `authdesk aws credentials --profile P` with no --serial, so either
 * reuses the other's session. Undefined when the vault holds no device of the caller.
 */
import { isAuthdeskError } from '../../core/errors.js';
import { obtainSession } from '../../core/aws/session-flow.js';
import { sourceName } from '../../core/aws/session-policy.js';
import type { WaitReason } from '../../core/aws/code-reuse.js';
import type { VaultApi } from '../../core/vault/api.js';
import { FileCodeLedger } from './code-ledger.js';
import type { MfaSessionProvider } from './iam-client.js';
import { KeychainSessionCache } from './session-cache.js';
import { createStsPort } from './sts-client.js';

export interface MfaSessionProviderDeps {
  readonly vault: VaultApi;
  readonly profile?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly onWait?: (waitMs: number, reason: WaitReason, message: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function mfaSessionProvider(deps: MfaSessionProviderDeps): MfaSessionProvider {
  const env = deps.env ?? process.env;
  return async () => {
    const sts = await createStsPort({ ...(deps.profile ? { profile: deps.profile } : {}), env });
    try {
      const { session } = await obtainSession({ vaultId: deps.vault.vaultId, key: { source: sourceName(deps.profile, env), serial: '' } }, {
        sts, vault: deps.vault, cache: new KeychainSessionCache(deps.vault.vaultId), ledger: new FileCodeLedger(deps.dataDir),
        clock: { now: () => Date.now() },
        sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        ...(deps.onWait ? { onWait: deps.onWait } : {}),
      });
      const c = session.credentials;
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, serialNumber: session.serial };
    } catch (error) {
      // No device of the caller in the vault (or several): the original AccessDenied is the answer.
      if (isAuthdeskError(error, 'AWS_NO_DEVICE_ACCOUNT') || isAuthdeskError(error, 'AWS_DEVICE_AMBIGUOUS')) return undefined;
      throw error;
    } finally {
      sts.destroy();
    }
  };
}
