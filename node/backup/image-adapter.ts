/**
 * QR images for imports, through the QR engineer's loader and decoder (node/qr/scan.ts), loaded
 * lazily: sharp and zxing-wasm are heavy and only an image import needs them.
 */
export async function readImagePayloads(bytes: Uint8Array): Promise<readonly string[]> {
  const { scanImageBytes } = await import('../qr/scan.js');
  return (await scanImageBytes(bytes)).map((qr) => qr.text);
}
