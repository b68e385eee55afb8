import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, call, messageOf } from '../api.js';
import { newOperationId, onAwsProgress } from './aws-api.js';
import type { IpcResult } from '../types.js';
import type { FlowEvent } from './types.js';

export interface FlowFailure {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

/** Runs one AWS flow and collects its steps as they happen (the `aws.progress` event). */
export function useAwsFlow<T>() {
  const [events, setEvents] = useState<FlowEvent[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<FlowFailure>();
  const operation = useRef<string>('');
  useEffect(() => onAwsProgress((p) => {
    if (p.operationId === operation.current) setEvents((list) => [...list, p.event]);
  }), []);
  const run = useCallback(async (start: (operationId: string) => Promise<IpcResult<T>>): Promise<T | undefined> => {
    operation.current = newOperationId();
    setEvents([]);
    setFailure(undefined);
    setBusy(true);
    try {
      return await call(start(operation.current));
    } catch (e) {
      setFailure(e instanceof ApiError ? { code: e.code, message: e.message, details: e.details } : { code: 'INTERNAL', message: messageOf(e), details: undefined });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { events, busy, failure, run };
}
