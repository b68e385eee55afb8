/**
 * The scan area's add methods (renderer/src/slots.ts): scan the screen, an image file (dialog or
 * drag-and-drop), the clipboard's image, or the camera. Decoding happens in main (worker thread)
 * for the first three and in a Web Worker here for the camera; adding always goes through main.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { ApiError, call, messageOf } from '../api.js';
import { registerAddMethod, type AddMethodProps } from '../slots.js';
import { scanApi, type ScanApi, type ScanOutcome } from './api.js';
import { CameraScan } from './CameraScan.js';
import { ScanResults } from './ScanResults.js';
import './scan.css';

const UNAVAILABLE = 'Scanning is not available in this version of Authdesk. Paste the link or enter the key instead.';
/** The largest dropped file sent to main (electron/ipc/channels/scan.ts MAX_DROPPED_IMAGE_BYTES). */
const MAX_DROP_BYTES = 48 * 1024 * 1024;
/** The OS refused screen capture (macOS Screen Recording permission, a Wayland portal): retrying rarely helps. */
const CAPTURE_DENIED = 'SCREEN_CAPTURE_DENIED';
/** The renderer's own platform (main's is not sent over IPC); in Electron on macOS it says "MacIntel". */
const onMac = () => /^Mac/.test(navigator.platform);

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Runs one scan (automatically on open when `auto`), then shows the results or a way forward. */
function ScanRunner({ props, run, auto, intro, idle, alternatives, children }: {
  props: AddMethodProps;
  run: (api: ScanApi) => Promise<ScanOutcome | null>;
  auto: boolean;
  intro: string;
  idle: string;
  alternatives: readonly { id: string; label: string }[];
  children?: (start: (run: (api: ScanApi) => Promise<ScanOutcome | null>) => void, busy: boolean) => React.ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; code?: string }>();
  const [outcome, setOutcome] = useState<ScanOutcome>();
  const firstAlternative = useRef<HTMLButtonElement>(null);
  const started = useRef(false);
  // A scan that finishes after this view closed (Cancel or ✕ while scanning) is dropped in main at once.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const start = useCallback((job: (api: ScanApi) => Promise<ScanOutcome | null>) => {
    const api = scanApi();
    if (!api) {
      setError({ message: UNAVAILABLE });
      return;
    }
    setBusy(true);
    setError(undefined);
    job(api).then((result) => {
      if (!mounted.current) {
        if (result) void api.discard({ scanId: result.scanId });
        return;
      }
      setBusy(false);
      if (result) setOutcome(result);
    }, (e: unknown) => {
      setBusy(false);
      setError({ message: messageOf(e), ...(e instanceof ApiError ? { code: e.code } : {}) });
    });
  }, []);
  const denied = error?.code === CAPTURE_DENIED && alternatives.length > 0;
  // Capture refused: the way that works now is the first alternative; take the user there.
  useEffect(() => {
    if (denied) firstAlternative.current?.focus();
  }, [denied]);
  useEffect(() => {
    if (auto && !started.current) {
      started.current = true;
      start(run);
    }
  }, [auto, run, start]);

  if (outcome) return <ScanResults outcome={outcome} onAdded={props.onAdded} onCancel={props.onCancel} onScanAgain={() => { setOutcome(undefined); start(run); }} />;
  return (
    <div className="scan-runner" aria-busy={busy}>
      <p className="scan-runner__intro">{busy ? idle : intro}</p>
      {children?.(start, busy)}
      {error ? <p className="form__error" role="alert">{error.message}</p> : null}
      {denied ? (
        // Permission refused: "Clipboard image" (the first alternative) is the primary action, not
        // "Try again", which fails the same way until the permission is given (and, on macOS, the app restarted).
        <div className="scan-runner__alternatives scan-runner__alternatives--denied" role="group" aria-label="Other ways to add the code">
          {alternatives.map((a, i) => (
            <button key={a.id} ref={i === 0 ? firstAlternative : undefined} type="button" className={i === 0 ? 'button button--primary' : 'button'} onClick={() => props.switchTo(a.id)}>{a.label}</button>
          ))}
        </div>
      ) : null}
      {denied && onMac() ? (
        <p className="scan-runner__restart">After you turn on the permission, quit and reopen Authdesk: macOS applies it only when the app restarts. Until then, “Try again” gets this same message.</p>
      ) : null}
      {error && !denied && alternatives.length > 0 ? (
        <p className="scan-runner__alternatives">
          Or: {alternatives.map((a, i) => (
            <span key={a.id}>{i > 0 ? ' · ' : ''}<button type="button" className="link-button" onClick={() => props.switchTo(a.id)}>{a.label}</button></span>
          ))}
        </p>
      ) : null}
      <div className="form__actions">
        <button type="button" className="button" onClick={props.onCancel}>Cancel</button>
        <button type="button" className={denied ? 'button' : 'button button--primary'} disabled={busy} onClick={() => start(run)}>{busy ? 'Scanning…' : error ? 'Try again' : 'Scan'}</button>
      </div>
    </div>
  );
}

const runScreen = (api: ScanApi) => call(api.screen());
const runFile = (api: ScanApi) => call(api.imageFile());
const runClipboard = (api: ScanApi) => call(api.clipboardImage());

function ScreenScan(props: AddMethodProps) {
  return (
    <ScanRunner
      props={props}
      run={runScreen}
      auto
      intro="Show the QR code on your screen (for AWS: Assign MFA device → Authenticator app → Show QR code), then scan. Authdesk looks at every display."
      idle="Looking for QR codes on your screens…"
      alternatives={[{ id: 'clipboard-image', label: 'Clipboard image' }, { id: 'image-file', label: 'Image file' }, { id: 'uri', label: 'Paste link' }]}
    />
  );
}

function ImageFileScan(props: AddMethodProps) {
  const [over, setOver] = useState(false);
  return (
    <ScanRunner
      props={props}
      run={runFile}
      auto={false}
      intro="Choose a screenshot or photo of the QR code (PNG, JPEG, WebP, GIF or BMP), or drop it here."
      idle="Reading the image…"
      alternatives={[{ id: 'scan-screen', label: 'Scan screen' }, { id: 'clipboard-image', label: 'Clipboard image' }]}
    >
      {(start, busy) => {
        const drop = (event: DragEvent) => {
          event.preventDefault();
          setOver(false);
          const file = event.dataTransfer.files[0];
          if (!file || busy) return;
          start(async (api) => {
            if (file.size > MAX_DROP_BYTES) throw new Error('That image is too large to drop; choose it with the button instead.');
            const base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
            return call(api.imageBytes({ base64, name: file.name.slice(0, 255) }));
          });
        };
        return (
          <div
            className={`drop-zone${over ? ' drop-zone--over' : ''}`}
            onDragOver={(e) => { e.preventDefault(); setOver(true); }}
            onDragLeave={() => setOver(false)}
            onDrop={drop}
          >
            <span>Drop an image here</span>
            <button type="button" className="button" disabled={busy} onClick={() => start(runFile)}>Choose image…</button>
          </div>
        );
      }}
    </ScanRunner>
  );
}

function ClipboardScan(props: AddMethodProps) {
  return (
    <ScanRunner
      props={props}
      run={runClipboard}
      auto
      intro="Copy a screenshot of the QR code (your system’s screenshot tool can copy to the clipboard), then scan."
      idle="Reading the image on the clipboard…"
      alternatives={[{ id: 'scan-screen', label: 'Scan screen' }, { id: 'image-file', label: 'Image file' }]}
    />
  );
}

const ScreenIcon = () => <svg className="glyph" viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" /></svg>;
const ImageIcon = () => <svg className="glyph" viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="4" width="18" height="16" rx="2" /><circle cx="9" cy="10" r="2" /><path d="m21 16-5-5-9 9" /></svg>;
const ClipboardIcon = () => <svg className="glyph" viewBox="0 0 24 24" aria-hidden="true"><rect x="6" y="4" width="12" height="17" rx="2" /><path d="M9 4h6v3H9z" /></svg>;
const CameraIcon = () => <svg className="glyph" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 8h3l2-3h6l2 3h3v11H4z" /><circle cx="12" cy="13" r="3.5" /></svg>;

registerAddMethod({ id: 'scan-screen', title: 'Scan screen', description: 'A QR code shown on your screen', order: 10, icon: <ScreenIcon />, View: ScreenScan });
registerAddMethod({ id: 'image-file', title: 'Image file', description: 'A screenshot or photo of a QR code', order: 20, icon: <ImageIcon />, View: ImageFileScan });
registerAddMethod({ id: 'clipboard-image', title: 'Clipboard image', description: 'A screenshot you copied', order: 30, icon: <ClipboardIcon />, View: ClipboardScan });
registerAddMethod({ id: 'camera', title: 'Camera', description: 'Hold a QR code up to the camera', order: 40, icon: <CameraIcon />, View: CameraScan });
