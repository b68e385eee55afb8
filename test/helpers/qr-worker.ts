/**
 * The QR worker as the app ships it: node/qr/worker.ts bundled by esbuild with the same options as
 * scripts/build.mjs (ESM, packages external), written inside the repository so that its bare
 * imports (zxing-wasm) resolve from node_modules.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_ROOT } from './qr-corpus.js';

export async function buildQrWorker(): Promise<string> {
  const root = path.resolve(CORPUS_ROOT, '../../..');
  const outdir = path.join(root, 'test/.tmp', `qr-worker-${process.pid}`);
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root, entryPoints: { 'qr-worker': 'node/qr/worker.ts' }, outdir, bundle: true, platform: 'node', target: 'node20',
    format: 'esm', packages: 'external', outExtension: { '.js': '.mjs' }, logLevel: 'warning',
  });
  return path.join(outdir, 'qr-worker.mjs');
}
