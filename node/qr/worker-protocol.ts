/** Messages between node/qr/worker-client.ts and node/qr/worker.ts (structured clone). */
import type { UserFacingError } from '../../core/errors.js';
import type { DecodedQr } from '../../core/qr/decode.js';

export interface QrWorkerRequest {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  /** RGBA bytes, transferred (not copied) into the worker. */
  readonly data: ArrayBuffer;
}

export type QrWorkerResponse =
  | { readonly id: number; readonly ok: true; readonly results: DecodedQr[]; readonly ms: number }
  | { readonly id: number; readonly ok: false; readonly error: UserFacingError };
