/**
 * Main-side handlers of the `aws` IPC area (electron/ipc/channels/aws.ts) over core/iam's flows and
 * node/aws's SDK adapter. Dependencies are injected so the same code runs under Electron, in the e2e
 * harness and in unit tests.
 *
 * Wiring (createAppServices; see docs/aws.md "Hooks"):
 *   aws: createAwsHandlers({ vault, emit: (name, payload) => events.emit(name, payload) })
 */
import { AwsError } from '../../../core/errors.js';
import {
  cleanupPendingEnrollment, consolePair, deactivateDevice, deleteDevice, enrollVirtualMfaDevice, finishPendingEnrollment,
  linkAccount, listDevices, pendingEnrollments, resyncDevice, type EnrollResult, type FlowDeps,
} from '../../../core/iam/flows.js';
import type { IamPort } from '../../../core/iam/port.js';
import type { CodeLedgerPort } from '../../../core/aws/code-reuse.js';
import type { VaultApi } from '../../../core/vault/api.js';
import type { AwsEnrollView, AwsHandlers, AwsProfileView, AwsProgress } from '../../ipc/channels/aws.js';
import { createAwsProfileHandlers, type AwsProfileDeps } from './aws-profile.js';

export interface ClosableIamPort extends IamPort {
  destroy(): void;
}

export interface AwsHandlerDeps {
  readonly vault: VaultApi;
  /** events.emit of the app: 'aws.progress' and 'accounts.changed'. */
  readonly emitProgress: (progress: AwsProgress) => void;
  readonly emitAccountsChanged: () => void;
  /** Default: node/aws/iam-client.ts createIamPort (the SDK, loaded on first use). */
  readonly createPort?: (profile: string | undefined) => Promise<ClosableIamPort>;
  readonly listProfiles?: () => Promise<readonly AwsProfileView[]>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** The used-code ledger shared with the CLI (node/aws/code-ledger.ts over the data directory). */
  readonly ledger?: CodeLedgerPort;
  /** "Use with the AWS CLI…" and "Install the command-line tool" (./aws-profile.ts). */
  readonly cliInvocation?: AwsProfileDeps['cliInvocation'];
  readonly installCli?: AwsProfileDeps['installCli'];
  /** The data directory (the automatic MFA session's ledger). Default: node/data-dir.ts. */
  readonly dataDir?: string;
  /** A sentence for the person, e.g. that a call was retried with an automatic MFA session. */
  readonly onNote?: (message: string) => void;
}

/**
 * The SDK's IAM port, with the automatic MFA session under Force_MFA: a call denied for lack of MFA
 * is retried once with a session made from the vault's device of the caller (docs/aws.md).
 */
async function defaultPort(profile: string | undefined, deps: AwsHandlerDeps): Promise<ClosableIamPort> {
  const { createIamPort } = await import('../../../node/aws/iam-client.js');
  const { mfaSessionProvider } = await import('../../../node/aws/mfa-session.js');
  const { defaultDataDir } = await import('../../../node/data-dir.js');
  const mfaSession = mfaSessionProvider({ vault: deps.vault, ...(profile ? { profile } : {}), dataDir: deps.dataDir ?? defaultDataDir() });
  return createIamPort({
    ...(profile ? { profile } : {}), mfaSession,
    ...(deps.onNote ? { onNote: deps.onNote } : {}),
  });
}

async function defaultProfiles(): Promise<readonly AwsProfileView[]> {
  const { listAwsProfiles } = await import('../../../node/aws/profiles.js');
  return (await listAwsProfiles()).map(({ name, kind, region, endpointUrl }) => ({ name, kind, ...(region ? { region } : {}), ...(endpointUrl ? { endpointUrl } : {}) }));
}

function enrollView(result: EnrollResult): AwsEnrollView {
  return { account: result.account, serialNumber: result.serialNumber, userName: result.userName, accountId: result.accountId, alreadyEnabled: result.alreadyEnabled === true };
}

export function createAwsHandlers(deps: AwsHandlerDeps): AwsHandlers {
  const createPort = deps.createPort ?? ((profile: string | undefined) => defaultPort(profile, deps));
  const now = deps.now ?? (() => Date.now());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** Flows running now, by operationId: the same operation cannot run twice at once. */
  const running = new Set<string>();

  async function withPort<T>(profile: string | undefined, fn: (iam: ClosableIamPort) => Promise<T>): Promise<T> {
    const chosen = profile ?? (await deps.vault.settings()).awsProfile;
    const iam = await createPort(chosen);
    try {
      return await fn(iam);
    } finally {
      iam.destroy();
    }
  }

  async function flow<T>(operationId: string, profile: string | undefined, fn: (flowDeps: FlowDeps) => Promise<T>, mutates = true): Promise<T> {
    if (running.has(operationId)) throw new AwsError('AWS_OPERATION_RUNNING', 'This AWS operation is already running; wait for it to finish.');
    running.add(operationId);
    try {
      return await withPort(profile, (iam) => fn({
        iam, vault: deps.vault, clock: { now }, sleep, ...(deps.ledger ? { ledger: deps.ledger } : {}),
        onProgress: (event) => deps.emitProgress({ operationId, event }),
      }));
    } finally {
      running.delete(operationId);
      // A failed enroll may still have stored a pending account: the list must show it either way.
      if (mutates) deps.emitAccountsChanged();
    }
  }

  return {
    ...createAwsProfileHandlers({ vault: deps.vault, ...(deps.cliInvocation ? { cliInvocation: deps.cliInvocation } : {}), ...(deps.installCli ? { installCli: deps.installCli } : {}) }),
    profiles: () => (deps.listProfiles ?? defaultProfiles)(),
    whoami: ({ profile }) => withPort(profile, async (iam) => {
      const user = await iam.getUser();
      return { userName: user.userName, arn: user.arn, accountId: user.accountId, clockOffsetMs: Math.round(iam.serverClockOffsetMs()) };
    }),
    enroll: async ({ operationId, profile, userName, deviceName, path, replaceUnassigned }) =>
      enrollView(await flow(operationId, profile, (d) => enrollVirtualMfaDevice({
        deviceName, ...(userName ? { userName } : {}), ...(path ? { path } : {}), ...(replaceUnassigned ? { replaceUnassigned } : {}),
      }, d))),
    finish: async ({ operationId, id, profile }) => enrollView(await flow(operationId, profile, (d) => finishPendingEnrollment(id, d))),
    cleanup: ({ operationId, id, profile }) => flow(operationId, profile, (d) => cleanupPendingEnrollment(id, d)),
    resync: async ({ operationId, id, profile, userName }) => {
      const result = await flow(operationId, profile, (d) => resyncDevice(id, d, userName ? { userName } : {}));
      return { account: result.account, userName: result.userName };
    },
    pending: () => pendingEnrollments(deps.vault),
    devices: ({ profile, userName, unassigned }) => withPort(profile, (iam) => listDevices({ iam, vault: deps.vault }, { ...(userName ? { userName } : {}), unassigned: unassigned === true })),
    deactivate: ({ profile, userName, serial }) => withPort(profile, (iam) => deactivateDevice({ iam }, serial, userName)),
    deleteDevice: ({ profile, serial }) => withPort(profile, (iam) => deleteDevice({ iam }, serial)),
    link: async ({ id, serial, userName }) => {
      const account = await linkAccount(deps.vault, id, serial, userName);
      deps.emitAccountsChanged();
      return account;
    },
    sessions: async () => {
      const { KeychainSessionCache } = await import('../../../node/aws/session-cache.js');
      return new KeychainSessionCache(deps.vault.vaultId).list(now());
    },
    revokeSession: async ({ id }) => {
      const { KeychainSessionCache } = await import('../../../node/aws/session-cache.js');
      // remove() refuses ids outside this vault's sessions: the renderer cannot delete other items.
      return { removed: await new KeychainSessionCache(deps.vault.vaultId).remove(id) };
    },
    consolePair: async ({ id }) => {
      const { appliedOffsetMs } = await deps.vault.clock();
      const at = now() + appliedOffsetMs;
      return { ...(await consolePair(deps.vault, id, at)), now: at };
    },
  };
}
