/**
 * The scan area's main-side handlers (electron/main/handlers/scan.ts) over a real vault and the real
 * keychain (run under scripts/with-keyring.sh), with corpus images as the "screen", the "file" and
 * the "clipboard", and a Google export made by an independent protobuf encoder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultApi } from '../../core/vault/api.js';
import { openVault } from '../../node/open-vault.js';
import { loadImageFile } from '../../node/image/load.js';
import { decodeFrameInProcess } from '../../node/qr/decoder.js';
import { createScanHandlers, type ScanHandlerDeps } from '../../electron/main/handlers/scan.js';
import { SCAN_TTL_MS } from '../../electron/ipc/channels/scan.js';
import { buildQrCorpus, fakeSecret, type Corpus, type DecodeCase } from '../helpers/qr-corpus.js';
import { oracleBase32, oracleUri } from '../helpers/qr-protobuf.js';
import { tempDir } from '../helpers/cli.js';

let corpus: Corpus;
let vault: VaultApi;
const data = tempDir('authdesk-qr-scan-');
const byId = (id: string) => corpus.cases.find((c) => c.id === id) as DecodeCase;

beforeAll(async () => {
  corpus = await buildQrCorpus();
  vault = await openVault({ dataDir: data.path });
});
afterAll(async () => {
  for (const a of await vault.list()) await vault.remove(a.id);
  data.cleanup();
});

function service(over: Partial<ScanHandlerDeps> = {}) {
  const events: unknown[] = [];
  const camera: string[] = [];
  let clock = 1_000_000;
  const s = createScanHandlers({
    vault,
    events: { emit: (name: string, payload: unknown) => void events.push([name, payload]) } as ScanHandlerDeps['events'],
    decode: decodeFrameInProcess,
    captureScreens: async () => [
      { displayId: '1', frame: await loadImageFile(path.join(corpus.dir, byId('4K-dark-mode-qrencode').file)) },
      { displayId: '2', frame: await loadImageFile(path.join(corpus.dir, byId('1080p-no-code').file)) },
    ],
    chooseImageFile: async () => path.join(corpus.dir, byId('1440p-two-codes-qrcode-js').file),
    readClipboardImage: () => readFileSync(path.join(corpus.dir, byId('format-webp').file)),
    camera: { allow: (ms) => void camera.push(`allow ${ms}`), revoke: () => void camera.push('revoke') },
    now: () => clock,
    ...over,
  });
  return { ...s, events, camera, advance: (ms: number) => (clock += ms) };
}

describe('scan handlers', () => {
  it('screen: finds the AWS code on one of two displays; previews carry no secret; add puts it in the vault', async () => {
    const s = service();
    const outcome = await s.handlers.screen();
    expect(outcome.codes).toBe(1);
    expect(outcome.accounts).toHaveLength(1);
    const seed = Number(/user(\d+)@/.exec(byId('4K-dark-mode-qrencode').expected[0] ?? '')?.[1]);
    expect(outcome.accounts[0]).toEqual({ type: 'totp', issuer: 'Amazon Web Services', label: `user${seed}@123456789012`, algorithm: 'SHA1', digits: 6, period: 30, secretBits: 320, index: 0, source: 'otpauth', duplicate: false });
    expect(JSON.stringify(outcome)).not.toContain(fakeSecret(seed));
    const added = await s.handlers.add({ scanId: outcome.scanId, indexes: [0] });
    expect(added.map((a) => a.label)).toEqual([`user${seed}@123456789012`]);
    expect(await vault.revealSecret(added[0]!.id)).toBe(fakeSecret(seed));
    expect(s.events).toEqual([['accounts.changed', { source: 'app' }]]);
    // A scan's results are used once.
    await expect(s.handlers.add({ scanId: outcome.scanId, indexes: [0] })).rejects.toMatchObject({ code: 'SCAN_EXPIRED' });
    // Scanning the same code again marks it as already present.
    expect((await s.handlers.screen()).accounts[0]?.duplicate).toBe(true);
  });

  it('image file (two codes) and clipboard image; cancel -> null', async () => {
    const s = service();
    const two = await s.handlers.imageFile();
    expect(two?.accounts.map((a) => a.index)).toEqual([0, 1]);
    expect(await service({ chooseImageFile: async () => undefined }).handlers.imageFile()).toBeNull();
    expect((await s.handlers.clipboardImage()).accounts).toHaveLength(1);
    await expect(service({ readClipboardImage: () => undefined }).handlers.clipboardImage()).rejects.toMatchObject({ code: 'CLIPBOARD_NO_IMAGE' });
  });

  it('dropped bytes: a real image decodes, garbage is a clear error', async () => {
    const s = service();
    const base64 = readFileSync(path.join(corpus.dir, byId('format-bmp-imagemagick').file)).toString('base64');
    expect((await s.handlers.imageBytes({ base64 })).accounts).toHaveLength(1);
    await expect(s.handlers.imageBytes({ base64: Buffer.from('not an image').toString('base64') })).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    await expect(s.handlers.imageBytes({ base64: '!!!' })).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it('camera payloads: a Google export batch -> accounts with batch info, skipped MD5, missing-batch warning; add imports the chosen ones', async () => {
    const secret = Uint8Array.from({ length: 20 }, (_, i) => 200 - i);
    const uri = oracleUri({
      otp: [
        { secret, name: 'g-one@example.com', issuer: 'Google', algorithm: 1, digits: 1, type: 2 },
        { secret, name: 'hotp-user', issuer: 'Bank', algorithm: 2, digits: 2, type: 1, counter: 5 },
        { secret, name: 'legacy', issuer: 'Old', algorithm: 4, type: 2 },
      ],
      version: 1, batchSize: 2, batchIndex: 0, batchId: 77,
    });
    const s = service();
    const outcome = await s.handlers.payloads({ texts: [uri, 'https://example.com/\u202Eevil'] });
    expect(outcome.accounts.map((a) => [a.label, a.type, a.source, a.batch])).toEqual([
      ['g-one@example.com', 'totp', 'google-export', { index: 0, size: 2 }],
      ['hotp-user', 'hotp', 'google-export', { index: 0, size: 2 }],
    ]);
    expect(outcome.skipped).toEqual([{ issuer: 'Old', label: 'legacy', reason: expect.stringMatching(/MD5/) }]);
    expect(outcome.others).toEqual(['https://example.com/evil']);
    expect(outcome.warnings).toEqual(['This Google Authenticator export has 2 QR codes; this scan read 1. Add these, then scan the remaining 1.']);
    const added = await s.handlers.add({ scanId: outcome.scanId, indexes: [1] });
    expect(added.map((a) => [a.label, a.type, a.counter])).toEqual([['hotp-user', 'hotp', 5]]);
    expect(await vault.revealSecret(added[0]!.id)).toBe(oracleBase32(secret));
  });

  it('results expire, are dropped on clear(), and refuse foreign indexes', async () => {
    const s = service();
    const a = await s.handlers.payloads({ texts: [byId('1080p-clean-qrencode').expected[0]!] });
    await expect(s.handlers.add({ scanId: a.scanId, indexes: [5] })).rejects.toMatchObject({ code: 'SCAN_BAD_SELECTION' });
    const b = await s.handlers.payloads({ texts: [byId('1080p-clean-qrencode').expected[0]!] });
    s.advance(SCAN_TTL_MS + 1);
    await expect(s.handlers.add({ scanId: b.scanId, indexes: [0] })).rejects.toMatchObject({ code: 'SCAN_EXPIRED' });
    const c = await s.handlers.payloads({ texts: [byId('1080p-clean-qrencode').expected[0]!] });
    s.clear();
    await expect(s.handlers.add({ scanId: c.scanId, indexes: [0] })).rejects.toMatchObject({ code: 'SCAN_EXPIRED' });
  });

  it('not-an-authenticator, malformed and nothing found', async () => {
    const s = service();
    await expect(s.handlers.payloads({ texts: ['WIFI:S:home;T:WPA;P:secret;;'] })).rejects.toMatchObject({ code: 'QR_NOT_AUTHENTICATOR', message: 'This QR code is not an authenticator code. It contains: "WIFI:S:home;T:WPA;P:secret;;"' });
    const invalid = await s.handlers.payloads({ texts: ['otpauth://totp/x?secret=0000'] });
    expect(invalid.accounts).toEqual([]);
    expect(invalid.invalid[0]?.code).toBe('SECRET_INVALID_CHARACTER');
    const none = service({ captureScreens: async () => [{ displayId: '1', frame: await loadImageFile(path.join(corpus.dir, byId('4K-no-code').file)) }] });
    await expect(none.handlers.screen()).rejects.toMatchObject({ code: 'QR_NOT_FOUND' });
  });

  it('camera start/stop open and close main\'s permission gate', () => {
    const s = service();
    s.handlers.cameraStart();
    s.handlers.cameraStop();
    expect(s.camera).toEqual(['allow 120000', 'revoke']);
  });
});
