/**
 * The renderer's only door to main: `window.authdesk` (built by electron/preload/api.ts from the
 * IPC contract). `call` unwraps an IpcResult into a value or an ApiError carrying the code and
 * the sentence written for a person (core/errors.ts).
 */
import type { AuthdeskApi, IpcResult } from './types.js';

declare global {
  interface Window {
    readonly authdesk: AuthdeskApi;
  }
}

export class ApiError extends Error {
  readonly code: string;
  readonly domain: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(error: { code: string; domain: string; message: string; details?: Readonly<Record<string, unknown>> }) {
    super(error.message);
    this.code = error.code;
    this.domain = error.domain;
    this.details = error.details;
  }
}

export async function call<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  throw new ApiError(result.error);
}

/** A sentence for any error (ApiErrors carry one; anything else is a renderer bug). */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong inside Authdesk. Nothing was changed; please try again.';
}

export function api(): AuthdeskApi {
  return window.authdesk;
}
