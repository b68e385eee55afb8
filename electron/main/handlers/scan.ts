/**
 * Main-side handlers of the scan area (electron/ipc/channels/scan.ts). Every OS-facing piece is
 * injected, so the same code runs under Electron (main.ts passes capture.ts, dialog, clipboard and
 * the worker decoder) and in tests / the e2e harness in plain Node.
 *
 * Wiring in main.ts (SHELL), next to createAppServices:
 *   const qr = createQrWorker({ workerPath: path.join(__dirname, QR_WORKER_FILE) });
 *   const scan = createScanHandlers({
 *     vault, events, decode: (f) => qr.decode(f),
 *     captureScreens: createScreenCapture({ desktopCapturer, screen, systemPreferences, platform: process.platform, hideWindows, showWindows }),
 *     chooseImageFile: async () => (await dialog.showOpenDialog(win, IMAGE_DIALOG_OPTIONS)).filePaths[0],
 *     readClipboardImage: () => { const img = clipboard.readImage(); return img.isEmpty() ? undefined : img.toPNG(); },
 *     camera: { allow: allowCameraFor, revoke: revokeCamera },
 *     onProgress: (done, total) => events.emit('scan.progress', { done, total }),
 *   });
 *   lock onChange(locked) -> scan.clear();   app 'before-quit' -> qr.close()
 */
import { randomBytes } from 'node:crypto';
import { QrError } from '../../../core/errors.js';
import type { OtpauthData } from '../../../core/otpauth/uri.js';
import type { RgbaFrame } from '../../../core/qr/limits.js';
import { classifyPayload } from '../../../core/qr/payload.js';
import type { Account } from '../../../core/vault/model.js';
import type { VaultApi } from '../../../core/vault/api.js';
import { decodeImageBytes, loadImageFile } from '../../../node/image/load.js';
import type { FrameDecoder } from '../../../node/qr/scan.js';
import { MAX_DROPPED_IMAGE_BYTES, SCAN_TTL_MS, type FoundAccount, type ScanHandlers, type ScanOutcome } from '../../ipc/channels/scan.js';
import type { EventSink } from './register.js';

/** One display's pixels, as capture.ts returns them. */
export interface CapturedScreen {
  readonly displayId: string;
  readonly frame: RgbaFrame;
}

export interface ScanHandlerDeps {
  readonly vault: VaultApi;
  readonly events: EventSink;
  readonly decode: FrameDecoder;
  /** Every display (capture.ts); throws QrError with OS guidance when capture is denied. */
  readonly captureScreens: () => Promise<readonly CapturedScreen[]>;
  /** The open dialog: a path, or undefined when cancelled. */
  readonly chooseImageFile: () => Promise<string | undefined>;
  /** The clipboard's image as PNG (or any supported format) bytes; undefined when it holds none. */
  readonly readClipboardImage: () => Promise<Uint8Array | undefined> | Uint8Array | undefined;
  readonly camera: { allow(ms: number): void; revoke(): void };
  readonly onProgress?: (done: number, total: number) => void;
  readonly now?: () => number;
}

/** Dialog filters for Electron's showOpenDialog (the formats node/image/load.ts reads). */
export const IMAGE_DIALOG_OPTIONS = {
  title: 'Choose an image with a QR code',
  properties: ['openFile'] as const,
  filters: [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] }],
};

/** How long the camera permission stays open for one camera dialog. */
export const CAMERA_WINDOW_MS = 2 * 60_000;
/** At most this many scans awaiting confirmation (each holds secrets in memory until dropped). */
const MAX_PENDING = 8;

interface Pending {
  readonly accounts: OtpauthData[];
  readonly expires: number;
}

export interface ScanService {
  readonly handlers: ScanHandlers;
  /** Forget every pending scan (call when the app locks and on quit). */
  clear(): void;
}

function forget(pending: Pending): void {
  // Strings cannot be wiped in JavaScript; dropping the only reference is what we can do.
  pending.accounts.length = 0;
}

export function createScanHandlers(deps: ScanHandlerDeps): ScanService {
  const now = deps.now ?? Date.now;
  const pending = new Map<string, Pending>();

  function sweep(): void {
    const t = now();
    for (const [id, p] of pending) {
      if (p.expires <= t) {
        forget(p);
        pending.delete(id);
      }
    }
    while (pending.size >= MAX_PENDING) {
      const oldest = pending.keys().next().value as string;
      forget(pending.get(oldest)!);
      pending.delete(oldest);
    }
  }

  async function outcome(texts: readonly string[], notFound: string, displayOf?: ReadonlyMap<string, string>): Promise<ScanOutcome> {
    if (texts.length === 0) throw new QrError('QR_NOT_FOUND', notFound);
    const existing = await deps.vault.list();
    const sameName = new Map<string, Account[]>();
    for (const a of existing) {
      const key = `${a.issuer}\u0000${a.label}`;
      sameName.set(key, [...(sameName.get(key) ?? []), a]);
    }
    /**
     * Already in Authdesk = same name AND same key. A new key under a known name is a new account:
     * AWS gives the same "Amazon Web Services:user@account" to every device assigned to that user, so
     * re-assigning an MFA device shows a known name with a new key; unticking it would leave the
     * user with the old key and a console that refuses every code. Only same-name accounts are read
     * from the keychain.
     */
    const isDuplicate = async (a: OtpauthData): Promise<boolean> => {
      for (const e of sameName.get(`${a.issuer}\u0000${a.label}`) ?? []) {
        try {
          if (e.type === a.type && (await deps.vault.revealSecret(e.id)) === a.secret) return true;
        } catch {
          // Its key is missing or unreadable: adding the account again is the repair.
        }
      }
      return false;
    };
    const accounts: OtpauthData[] = [];
    const found: FoundAccount[] = [];
    const skipped: { issuer: string; label: string; reason: string }[] = [];
    const others: string[] = [];
    const invalid: ScanOutcome['invalid'][number][] = [];
    const batches = new Map<number, { size: number; seen: Set<number> }>();
    // Which display a code was on, only when the codes came from more than one (see FoundAccount.display).
    const displays = new Set(displayOf?.values());
    const push = async (a: OtpauthData, source: FoundAccount['source'], batch?: { index: number; size: number }, display?: string) => {
      const { secret, ...rest } = a;
      const duplicate = await isDuplicate(a);
      found.push({
        ...rest, secretBits: Math.floor((secret.length * 5) / 8) * 8, index: accounts.length, source, ...(batch ? { batch } : {}),
        ...(display !== undefined && displays.size > 1 ? { display } : {}), duplicate,
      });
      accounts.push(a);
    };
    for (const text of texts) {
      const c = classifyPayload(text);
      const display = displayOf?.get(text);
      if (c.kind === 'otpauth') await push(c.account, 'otpauth', undefined, display);
      else if (c.kind === 'migration') {
        for (const a of c.accounts) await push(a, 'google-export', { index: c.batchIndex, size: c.batchSize }, display);
        skipped.push(...c.skipped.map(({ issuer, label, reason }) => ({ issuer, label, reason })));
        const b = batches.get(c.batchId) ?? { size: c.batchSize, seen: new Set<number>() };
        b.seen.add(c.batchIndex);
        batches.set(c.batchId, b);
      } else if (c.kind === 'invalid') invalid.push(c.error);
      else others.push(c.display);
    }
    const warnings: string[] = [];
    for (const b of batches.values()) {
      if (b.seen.size < b.size) {
        warnings.push(`This Google Authenticator export has ${b.size} QR codes; this scan read ${b.seen.size}. Add these, then scan the remaining ${b.size - b.seen.size}.`);
      }
    }
    if (accounts.length === 0 && invalid.length === 0 && skipped.length === 0) {
      throw new QrError('QR_NOT_AUTHENTICATOR', `This QR code is not an authenticator code.${others[0] ? ` It contains: "${others[0]}"` : ''}`);
    }
    sweep();
    const scanId = randomBytes(12).toString('base64url');
    if (accounts.length > 0) pending.set(scanId, { accounts, expires: now() + SCAN_TTL_MS });
    return { scanId, codes: texts.length, accounts: found, skipped, others, invalid, warnings };
  }

  async function decodeTexts(frame: RgbaFrame): Promise<string[]> {
    return (await deps.decode(frame)).map((d) => d.text);
  }

  const handlers: ScanHandlers = {
    async screen() {
      const screens = await deps.captureScreens();
      const texts: string[] = [];
      // A code on two displays (mirrored screens) counts once, on the first.
      const displayOf = new Map<string, string>();
      for (const s of screens) {
        for (const t of await decodeTexts(s.frame)) {
          if (texts.includes(t)) continue;
          texts.push(t);
          displayOf.set(t, s.displayId);
        }
      }
      return outcome(texts, screens.length > 1
        ? `No QR code was found on your ${screens.length} screens. Make sure the code is fully visible and not covered by another window, then try again.`
        : 'No QR code was found on the screen. Make sure the code is fully visible and not covered by another window, then try again.', displayOf);
    },

    async imageFile() {
      const file = await deps.chooseImageFile();
      if (file === undefined) return null;
      const frame = await loadImageFile(file);
      return outcome(await decodeTexts(frame), 'No QR code was found in that image. Make sure the whole code is visible and sharp.');
    },

    async clipboardImage() {
      const bytes = await deps.readClipboardImage();
      if (!bytes || bytes.length === 0) {
        throw new QrError('CLIPBOARD_NO_IMAGE', 'The clipboard holds no image. Take a screenshot of the QR code with your system’s screenshot tool, copy it, and try again.');
      }
      const frame = await decodeImageBytes(bytes);
      return outcome(await decodeTexts(frame), 'No QR code was found in the image on the clipboard. Copy a screenshot that shows the whole code.');
    },

    async imageBytes({ base64 }) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new QrError('IMAGE_UNREADABLE', 'This file is not a readable image.');
      const bytes = Buffer.from(base64, 'base64');
      if (bytes.length > MAX_DROPPED_IMAGE_BYTES) throw new QrError('IMAGE_FILE_TOO_LARGE', 'The dropped image is too large; use “Image file” instead.');
      const frame = await decodeImageBytes(bytes);
      return outcome(await decodeTexts(frame), 'No QR code was found in the dropped image. Make sure the whole code is visible and sharp.');
    },

    async payloads({ texts }) {
      return outcome([...new Set(texts)], 'No QR code was read.');
    },

    async add({ scanId, indexes }) {
      sweep();
      const p = pending.get(scanId);
      if (!p) throw new QrError('SCAN_EXPIRED', 'These scan results have expired (or the app was locked). Scan the code again.');
      const chosen = [...new Set(indexes)].map((i) => {
        const a = p.accounts[i];
        if (!a) throw new QrError('SCAN_BAD_SELECTION', 'The selection does not match the scan results. Scan the code again.');
        return a;
      });
      let added: readonly Account[];
      try {
        added = chosen.length === 1 ? [await deps.vault.add(chosen[0]!)] : await deps.vault.addMany(chosen, deps.onProgress);
      } finally {
        // Whatever happened, these secrets leave main's memory now (added ones live in the keychain).
        forget(p);
        pending.delete(scanId);
      }
      deps.events.emit('accounts.changed', { source: 'app' });
      return added;
    },

    discard({ scanId }) {
      const p = pending.get(scanId);
      if (p) forget(p);
      pending.delete(scanId);
    },

    cameraStart() {
      deps.camera.allow(CAMERA_WINDOW_MS);
    },

    cameraStop() {
      deps.camera.revoke();
    },
  };

  return {
    handlers,
    clear() {
      for (const p of pending.values()) forget(p);
      pending.clear();
    },
  };
}
