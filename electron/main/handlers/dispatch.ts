/**
 * The one gate between the renderer and main (docs/ipc.md). Pure and Node-testable: Electron's
 * `ipcMain.handle` (register.ts) and the e2e harness's `page.exposeBinding` both call `dispatch`.
 *
 * For every call, in this order: the channel must be in the contract (unknown -> refused), the
 * sender must be the app's own page in the top frame (else refused), the app must be unlocked
 * unless the channel says `whileLocked`, the payload must pass the channel's schema, then the
 * handler runs. Whatever happens, the answer is an IpcResult: a value or a UserFacingError (code +
 * sentence). A stack or an internal message never reaches the renderer.
 */
import { LockError, toUserFacing, AuthdeskError, type UserFacingError } from '../../../core/errors.js';
import type { IpcResult } from '../../ipc/channel.js';
import { CHANNELS } from '../../ipc/contract.js';
import type { Handlers } from '../../ipc/contract.js';

/** What main knows about who sent a message (from IpcMainInvokeEvent.senderFrame). */
export interface SenderInfo {
  /** The sending frame's URL; undefined when the frame is gone. */
  readonly url: string | undefined;
  /** True only for the window's top frame (not an iframe). */
  readonly isMainFrame: boolean;
}

export type IsTrustedSender = (sender: SenderInfo) => boolean;

export const IPC_ERRORS = {
  UNKNOWN_CHANNEL: 'IPC_UNKNOWN_CHANNEL',
  FORBIDDEN_SENDER: 'IPC_FORBIDDEN_SENDER',
  NOT_IMPLEMENTED: 'IPC_NOT_IMPLEMENTED',
  LOCKED: 'LOCKED',
} as const;

/**
 * Trust exactly the app's origin (scheme + host), top frame only. `appUrl` is the URL the shell loads,
 * e.g. `app://authdesk/index.html`. Compared by scheme and host by hand because `new URL().origin`
 * is "null" for custom schemes, which would make every custom-scheme page look alike.
 */
export function appOriginCheck(appUrl: string): IsTrustedSender {
  const app = new URL(appUrl);
  return (sender) => {
    if (!sender.isMainFrame || typeof sender.url !== 'string') return false;
    let url: URL;
    try {
      url = new URL(sender.url);
    } catch {
      return false;
    }
    return url.protocol === app.protocol && url.host === app.host && url.username === '' && url.password === '';
  };
}

export interface DispatcherOptions {
  readonly handlers: Handlers;
  readonly isTrustedSender: IsTrustedSender;
  /** The app lock: when true, only `whileLocked` channels run. */
  readonly isLocked: () => boolean;
  /** Internal (non-Authdesk) errors are reported here with the stack, for main's log. Never to the renderer. */
  readonly onInternalError?: (channel: string, error: unknown) => void;
}

export type Dispatch = (channel: string, sender: SenderInfo, payload: unknown) => Promise<IpcResult<unknown>>;

function refuse(code: string, message: string): IpcResult<never> {
  const error: UserFacingError = { code, domain: 'internal', message };
  return { ok: false, error };
}

export function createDispatcher(options: DispatcherOptions): Dispatch {
  return async (channel, sender, payload) => {
    const entry = typeof channel === 'string' ? CHANNELS.get(channel) : undefined;
    if (!entry) return refuse(IPC_ERRORS.UNKNOWN_CHANNEL, 'Authdesk refused a request it does not know. Restart Authdesk; report it if it keeps happening.');
    let trusted: boolean;
    try {
      trusted = options.isTrustedSender(sender);
    } catch {
      trusted = false;
    }
    if (!trusted) return refuse(IPC_ERRORS.FORBIDDEN_SENDER, 'Authdesk refused a request that did not come from its own window.');
    try {
      if (!entry.spec.whileLocked && options.isLocked()) {
        throw new LockError(IPC_ERRORS.LOCKED, 'Authdesk is locked. Unlock it with your passphrase to see and copy codes.');
      }
      const request = entry.spec.request.parse(payload, 'request');
      const area = (options.handlers as unknown as Record<string, Record<string, (request: unknown) => unknown>>)[entry.area];
      const handler = area !== undefined && Object.hasOwn(area, entry.action) ? area[entry.action] : undefined;
      if (typeof handler !== 'function') {
        return refuse(IPC_ERRORS.NOT_IMPLEMENTED, 'This part of Authdesk is not available in this build.');
      }
      const value = await handler(request);
      return { ok: true, value };
    } catch (error) {
      if (!(error instanceof AuthdeskError)) options.onInternalError?.(channel, error);
      return { ok: false, error: toUserFacing(error) };
    }
  };
}
