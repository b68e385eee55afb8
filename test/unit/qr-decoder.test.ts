/** core/qr/decode.ts setup errors (a fresh module per test file: the decoder's configuration is per thread). */
import { describe, expect, it } from 'vitest';
import { configureQrDecoder, decodeQrFrame, isQrDecoderConfigured } from '../../core/qr/decode.js';

describe('decoder setup', () => {
  it('refuses to decode before it is given its .wasm (never falls back to a CDN)', async () => {
    expect(isQrDecoderConfigured()).toBe(false);
    await expect(decodeQrFrame({ width: 4, height: 4, data: new Uint8Array(64) })).rejects.toMatchObject({ code: 'QR_DECODER_NOT_CONFIGURED' });
  });

  it('a damaged .wasm is an installation error, not "no code found"', async () => {
    configureQrDecoder({ wasmBinary: Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 9, 9, 9]) });
    const originalError = console.error;
    const originalWarn = console.warn;
    console.error = () => undefined; // emscripten reports the compile failure on the console
    console.warn = () => undefined;
    try {
      await expect(decodeQrFrame({ width: 4, height: 4, data: new Uint8Array(64) })).rejects.toMatchObject({ code: 'QR_DECODER_UNAVAILABLE' });
    } finally {
      console.error = originalError;
      console.warn = originalWarn;
    }
  });
});
