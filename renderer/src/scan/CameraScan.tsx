import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call, messageOf } from '../api.js';
import type { AddMethodProps } from '../slots.js';
import type { AccountPreview } from '../types.js';
import { scanApi, type ScanOutcome } from './api.js';
import { ScanResults } from './ScanResults.js';

type Point = { x: number; y: number };
interface WorkerAnswer { id: number; ok: boolean; results?: { text: string; corners: Point[] }[]; message?: string }

/** getUserMedia's errors, as sentences. */
function cameraError(error: unknown): string {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Authdesk may not use the camera. Allow camera access for Authdesk in your system’s privacy settings, then try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. Connect a camera, or scan the code from the screen or an image instead.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The camera is in use by another app, or could not start. Close the other app and try again.';
  return 'The camera could not start. Scan the code from the screen or an image instead.';
}

/** Decode a frame every DECODE_INTERVAL_MS at most (and never two at once): ~8 decodes/s is plenty for a person holding a phone up. */
const DECODE_INTERVAL_MS = 120;

/**
 * "Camera": a live preview; every few frames go to the decoder worker; the first code read is
 * outlined on the frozen frame and the camera is stopped at once (and whenever the view closes).
 */
export function CameraScan({ onAdded, onCancel, switchTo }: AddMethodProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const [state, setState] = useState<'starting' | 'live' | 'stopped'>('starting');
  const [error, setError] = useState<string>();
  const [outcome, setOutcome] = useState<ScanOutcome>();
  const [fallback, setFallback] = useState<{ uri: string; preview: AccountPreview }>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  const stopCamera = useCallback(() => {
    const stream = streamRef.current;
    streamRef.current = null;
    stream?.getTracks().forEach((t) => t.stop());
    if (videoRef.current) videoRef.current.srcObject = null;
    setState('stopped');
    void scanApi()?.cameraStop();
  }, []);

  const handleTexts = useCallback(async (texts: string[]) => {
    const scan = scanApi();
    try {
      if (scan) {
        setOutcome(await call(scan.payloads({ texts: texts.slice(0, 32).map((t) => t.slice(0, 16_384)) })));
        return;
      }
      // Without the scan area (older main): otpauth:// links through the accounts channels.
      const uri = texts.find((t) => /^otpauth:\/\//i.test(t.trim()));
      if (!uri) throw new Error('This QR code is not an authenticator code.');
      const validation = await call(api().accounts.validateUri({ uri: uri.trim().slice(0, 4096) }));
      if (!validation.valid) throw new Error(validation.error.message);
      setFallback({ uri: uri.trim(), preview: validation.preview });
    } catch (e) {
      setError(e instanceof Error && !('code' in e) ? e.message : messageOf(e));
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    let nextId = 1;
    let inFlight = false;
    const worker = new Worker(new URL('./camera-worker.ts', import.meta.url), { type: 'module' });
    const grab = document.createElement('canvas');
    const grabContext = grab.getContext('2d', { willReadFrequently: true });

    const outline = (corners: Point[], still: HTMLCanvasElement) => {
      const canvas = overlayRef.current;
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return;
      canvas.width = still.width;
      canvas.height = still.height;
      ctx.drawImage(still, 0, 0);
      ctx.lineWidth = Math.max(3, still.width / 160);
      ctx.strokeStyle = '#1db954';
      ctx.beginPath();
      corners.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      ctx.closePath();
      ctx.stroke();
    };

    worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
      inFlight = false;
      const answer = event.data;
      if (cancelled || !answer.ok || !answer.results || answer.results.length === 0) return;
      // A code was read: stop the camera before anything else.
      window.clearTimeout(timer);
      stopCamera();
      outline(answer.results[0]?.corners ?? [], grab);
      void handleTexts(answer.results.map((r) => r.text));
    };

    const tick = () => {
      if (cancelled) return;
      const video = videoRef.current;
      if (video && grabContext && !inFlight && video.readyState >= 2 && video.videoWidth > 0) {
        grab.width = video.videoWidth;
        grab.height = video.videoHeight;
        grabContext.drawImage(video, 0, 0);
        const image = grabContext.getImageData(0, 0, grab.width, grab.height);
        inFlight = true;
        worker.postMessage({ id: nextId++, width: image.width, height: image.height, data: image.data.buffer }, [image.data.buffer]);
      }
      timer = window.setTimeout(tick, DECODE_INTERVAL_MS);
    };

    (async () => {
      try {
        // Main allows the camera permission only while a camera scan is open.
        await scanApi()?.cameraStart();
        if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('no mediaDevices'), { name: 'NotFoundError' });
        const stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: 'environment' } });
        if (cancelled) {
          stream.getTracks().forEach((t) => t.stop());
          return;
        }
        streamRef.current = stream;
        const video = videoRef.current;
        if (video) {
          video.srcObject = stream;
          await video.play().catch(() => undefined);
        }
        setState('live');
        tick();
      } catch (e) {
        if (!cancelled) {
          setError(cameraError(e));
          stopCamera();
        }
      }
    })();

    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      worker.terminate();
      stopCamera();
    };
  }, [attempt, handleTexts, stopCamera]);

  const again = () => {
    setError(undefined);
    setOutcome(undefined);
    setFallback(undefined);
    setState('starting');
    setAttempt((n) => n + 1);
  };

  const addFallback = async () => {
    if (!fallback) return;
    setBusy(true);
    try {
      onAdded([await call(api().accounts.addUri({ uri: fallback.uri }))]);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  if (outcome) return <ScanResults outcome={outcome} onAdded={onAdded} onCancel={onCancel} onScanAgain={again} />;
  return (
    <div className="camera" data-camera={state}>
      <div className="camera__frame">
        <video ref={videoRef} className={`camera__video${state === 'live' ? '' : ' camera__video--hidden'}`} muted playsInline aria-label="Camera preview" />
        <canvas ref={overlayRef} className={`camera__still${state === 'stopped' && !error ? '' : ' camera__still--hidden'}`} aria-label="The code that was read" />
        {state === 'starting' ? <p className="camera__status">Starting the camera…</p> : null}
      </div>
      {state === 'live' ? <p className="camera__hint">Hold the QR code in front of the camera. It is read as soon as it is sharp.</p> : null}
      {fallback ? (
        <div className="preview" aria-label="What this code contains">
          <div className="preview__title">{fallback.preview.issuer || fallback.preview.label}</div>
          {fallback.preview.issuer ? <div className="preview__sub">{fallback.preview.label}</div> : null}
          <div className="preview__meta">{fallback.preview.type === 'totp' ? `Time-based · every ${fallback.preview.period} s` : 'Counter-based'} · {fallback.preview.digits} digits · {fallback.preview.algorithm} · {fallback.preview.secretBits}-bit key</div>
        </div>
      ) : null}
      {error ? <p className="form__error" role="alert">{error}</p> : null}
      <div className="form__actions">
        {error || fallback ? <button type="button" className="button" onClick={again}>Try again</button> : null}
        {error ? <button type="button" className="button" onClick={() => switchTo('scan-screen')}>Scan screen instead</button> : null}
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
        {fallback ? <button type="button" className="button button--primary" disabled={busy} onClick={() => void addFallback()}>Add account</button> : null}
      </div>
    </div>
  );
}
