/**
 * SVG → PNG with resvg (a Rust SVG renderer, via @resvg/resvg-js): no browser, no system
 * fonts. Type is set in DejaVu Sans from the `dejavu-fonts-ttf` package, which installs
 * with the service, so the same SVG rasterises to the same pixels on every host.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { ILLUSTRATION_FONT_FAMILY } from './illustration.js';

const require = createRequire(import.meta.url);

let fontFiles: string[] | undefined;
function dejavuFiles(): string[] {
  if (!fontFiles) {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(dir, f));
  }
  return fontFiles;
}

export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: dejavuFiles(), loadSystemFonts: false, defaultFontFamily: ILLUSTRATION_FONT_FAMILY },
    shapeRendering: 2, // geometricPrecision: anti-aliased edges
    textRendering: 1, // optimizeLegibility
  });
  return resvg.render().asPng();
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), without decoding it. */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
