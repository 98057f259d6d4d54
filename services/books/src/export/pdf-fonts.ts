import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The TrueType fonts the PDF export embeds. The default is DejaVu from the
 * `dejavu-fonts-ttf` npm package: it installs with the service's dependencies, so a
 * fresh machine with only Node, and the slim container image `pnpm deploy` builds, have
 * it without an apt package. (pdfkit's built-in standard 14 fonts are never embedded,
 * and cannot print much beyond Latin-1.) A deployment may point at another directory
 * holding the same DejaVu file names, such as Debian's /usr/share/fonts/truetype/dejavu
 * with fonts-dejavu-core and fonts-dejavu-extra installed.
 */

export interface PdfFonts {
  regular: string;
  bold: string;
  italic: string;
  /** Headings: a sans face against the serif body text. */
  heading: string;
}

const FILES: Record<keyof PdfFonts, string> = {
  regular: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  italic: 'DejaVuSerif-Italic.ttf',
  heading: 'DejaVuSans-Bold.ttf',
};

export function defaultFontDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/** The font files in `dir`, checked now, so a worker missing one fails at start, not per job. */
export function resolvePdfFonts(dir: string = defaultFontDir()): PdfFonts {
  const fonts = {} as PdfFonts;
  for (const [face, file] of Object.entries(FILES) as [keyof PdfFonts, string][]) {
    const fontPath = path.join(dir, file);
    try {
      accessSync(fontPath, constants.R_OK);
    } catch (err) {
      throw new Error(`the PDF export needs the font ${fontPath}, which cannot be read`, { cause: err });
    }
    fonts[face] = fontPath;
  }
  return fonts;
}
