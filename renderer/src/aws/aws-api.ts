import { api } from '../api.js';
import type { AwsApi, AwsNote, AwsProgress } from './types.js';

interface WithAws {
  readonly aws?: AwsApi;
  readonly on: (name: string, listener: (payload: never) => void) => () => void;
}

export const AWS_ISSUER = 'Amazon Web Services';

/** window.authdesk.aws, or undefined when main does not offer the area. */
export function awsApi(): AwsApi | undefined {
  return (api() as unknown as WithAws).aws;
}

/** Subscribe to `aws.progress`; returns the unsubscribe function. */
export function onAwsProgress(listener: (progress: AwsProgress) => void): () => void {
  try {
    return (api() as unknown as WithAws).on('aws.progress', listener as (payload: never) => void);
  } catch {
    return () => undefined;
  }
}

/** Subscribe to `aws.note` (e.g. a call retried with an automatic MFA session); returns the unsubscribe function. */
export function onAwsNote(listener: (note: AwsNote) => void): () => void {
  try {
    return (api() as unknown as WithAws).on('aws.note', listener as (payload: never) => void);
  } catch {
    return () => undefined;
  }
}

let counter = 0;
/** A fresh id tagging one flow's progress events. */
export function newOperationId(): string {
  counter += 1;
  return `op${Date.now().toString(36)}${counter}`;
}
