#!/usr/bin/env node
// Renders the icons from the SVG sources in assets/ (run after changing them; the outputs are committed
// so packaging needs neither sharp's SVG support nor ImageMagick):
//   build/icon.png            1024 px: electron-builder makes macOS's .icns from it
//   build/icons/NxN.png       16..1024 px: the Linux icon set (AppImage, deb: hicolor theme)
//   build/icon.ico            16..256 px: Windows (ImageMagick packs the PNGs)
//   assets/icon.png           256 px: the window icon on Linux at run time
//   assets/tray/trayTemplate.png, @2x   macOS menu bar (template image: black + alpha, the OS tints it)
//   assets/tray/tray.png, @2x           Windows notification area and Linux tray (coloured)
import sharp from 'sharp';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => path.join(root, ...p);
const appSvg = readFileSync(at('assets/icon.svg'));
const traySvg = readFileSync(at('assets/tray-template.svg'));
// icon.svg follows the macOS grid (an 824 px body in a 1024 canvas). Windows, Linux and trays expect the
// shape to fill more of the square: the same drawing with a tighter viewBox.
const tightSvg = Buffer.from(appSvg.toString('utf8').replace('viewBox="0 0 1024 1024"', 'viewBox="76 76 872 872"'));

async function render(svg, size, out) {
  // Rasterise at (at least) 4x the target, then downsample: crisper small sizes than rasterising tiny.
  const intrinsic = svg === traySvg ? 32 : 1024;
  await sharp(svg, { density: Math.max(72, Math.ceil((72 * size * 4) / intrinsic)) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(out);
}

mkdirSync(at('build/icons'), { recursive: true });
mkdirSync(at('assets/tray'), { recursive: true });
const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
for (const size of sizes) await render(tightSvg, size, at('build/icons', `${size}x${size}.png`));
await render(appSvg, 1024, at('build/icon.png'));
await render(tightSvg, 256, at('assets/icon.png'));
await render(traySvg, 16, at('assets/tray/trayTemplate.png'));
await render(traySvg, 32, at('assets/tray/trayTemplate@2x.png'));
await render(tightSvg, 32, at('assets/tray/tray.png'));
await render(tightSvg, 64, at('assets/tray/tray@2x.png'));

const icoSizes = [16, 24, 32, 48, 64, 128, 256];
rmSync(at('build/icon.ico'), { force: true });
execFileSync('convert', [...icoSizes.map((s) => at('build/icons', `${s}x${s}.png`)), at('build/icon.ico')]);
console.log('icons written');
