/**
 * The camera is denied unless the user has just started a camera scan. The scan handler (QR
 * engineer) calls `allowCameraFor(ms)` when the user clicks "Camera" and `revokeCamera()` when the
 * scan ends or is cancelled; the permission handlers in main.ts ask `isCameraAllowed()`.
 * The window is bounded (MAX_CAMERA_WINDOW_MS) so a forgotten revoke cannot leave it open.
 */

/** Longest a single grant lasts: a scan that takes longer asks again. */
export const MAX_CAMERA_WINDOW_MS = 5 * 60_000;

export class CameraGate {
  private until = 0;
  constructor(private readonly now: () => number = Date.now) {}

  /** Allow camera permission requests for `ms` milliseconds from now (capped, <= 0 revokes). */
  allowFor(ms: number): void {
    const span = Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_CAMERA_WINDOW_MS) : 0;
    this.until = span > 0 ? this.now() + span : 0;
  }

  revoke(): void {
    this.until = 0;
  }

  isAllowed(): boolean {
    return this.until > 0 && this.now() < this.until;
  }
}

/** The process-wide gate used by main.ts's permission handlers. */
export const cameraGate = new CameraGate();

export function allowCameraFor(ms: number): void {
  cameraGate.allowFor(ms);
}

export function revokeCamera(): void {
  cameraGate.revoke();
}

export function isCameraAllowed(): boolean {
  return cameraGate.isAllowed();
}
