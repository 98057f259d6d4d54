/**
 * The offline avatar's pictures, as SVG: a few variants that the video cuts between.
 *   - A procedural cartoon presenter (head, hair, eyes, brows, mouth, shoulders) drawn for
 *     a seed in the illustrator's palette, one variant per mouth level and eyes open or
 *     shut. Used when the portrait is a URL (the offline engine fetches nothing).
 *   - A portrait artifact in a circle with an "audiogram" treatment: a ring and a glow
 *     that swell with the voice. The photo itself does not move: this is not lip-sync.
 */
import { makePalette, mix, type Palette } from '../images/palette.js';
import { seededRandom } from '../images/seeded-random.js';
import type { MouthLevel } from './mouth-motion.js';

export interface FaceLook {
  palette: Palette;
  skin: string;
  hair: string;
  shirt: string;
  hairStyle: 'short' | 'long' | 'bun';
  /** Eye spacing and head shape nudges, in units of the picture's size. */
  eyeGap: number;
  headWide: number;
}

const SKINS = ['#f5d0b5', '#eab894', '#d49a6a', '#b57a4e', '#8d5a3a', '#6b4129'];
const HAIRS = ['#2b1d16', '#4a2f1f', '#7a4a26', '#c2873f', '#1f1f24', '#8c3b2a'];

/** The look a seed draws: same seed, same presenter. */
export function faceLook(seed: number): FaceLook {
  const random = seededRandom(seed);
  const palette = makePalette(random.pick(['friendly', 'informative', 'calm', 'energetic'] as const), 'people', random);
  return {
    palette,
    skin: random.pick(SKINS),
    hair: random.pick(HAIRS),
    shirt: palette.accent,
    hairStyle: random.pick(['short', 'long', 'bun'] as const),
    eyeGap: random.range(0.085, 0.1),
    headWide: random.range(0.2, 0.225),
  };
}

const n = (v: number) => Number(v.toFixed(1));

function background(size: number, p: Palette): string {
  return (
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p.skyTop}"/>` +
    `<stop offset="0.6" stop-color="${p.skyMid}"/><stop offset="1" stop-color="${p.skyBottom}"/></linearGradient>` +
    `<radialGradient id="halo" cx="0.5" cy="0.42" r="0.5"><stop offset="0" stop-color="${p.glow}" stop-opacity="0.75"/>` +
    `<stop offset="1" stop-color="${p.glow}" stop-opacity="0"/></radialGradient></defs>` +
    `<rect width="${size}" height="${size}" fill="url(#sky)"/><rect width="${size}" height="${size}" fill="url(#halo)"/>`
  );
}

/** The cartoon presenter with the given mouth and eyes. */
export function cartoonFaceSvg(size: number, look: FaceLook, mouth: MouthLevel, eyesShut: boolean): string {
  const s = size;
  const cx = s / 2;
  const cy = s * 0.45;
  const rx = s * look.headWide;
  const ry = s * 0.265;
  const ink = '#2a1c18';
  const skinShade = mix(look.skin, '#5a2e1e', 0.25);
  const parts: string[] = [background(s, look.palette)];

  // Hair behind the head (long hair falls to the shoulders, a bun sits on top).
  if (look.hairStyle === 'long')
    parts.push(
      `<path d="M${n(cx - rx * 1.12)} ${n(cy)} Q${n(cx - rx * 1.2)} ${n(s * 0.78)} ${n(cx - rx * 0.6)} ${n(s * 0.8)} L${n(cx + rx * 0.6)} ${n(s * 0.8)} Q${n(cx + rx * 1.2)} ${n(s * 0.78)} ${n(cx + rx * 1.12)} ${n(cy)} Z" fill="${look.hair}"/>`,
    );
  if (look.hairStyle === 'bun') parts.push(`<circle cx="${n(cx)}" cy="${n(cy - ry * 1.12)}" r="${n(rx * 0.42)}" fill="${look.hair}"/>`);
  parts.push(`<ellipse cx="${n(cx)}" cy="${n(cy - ry * 0.08)}" rx="${n(rx * 1.08)}" ry="${n(ry * 1.04)}" fill="${look.hair}"/>`);

  // Shoulders and neck.
  parts.push(
    `<path d="M${n(s * 0.12)} ${s} Q${n(s * 0.14)} ${n(s * 0.8)} ${n(cx - s * 0.12)} ${n(s * 0.77)} L${n(cx + s * 0.12)} ${n(s * 0.77)} Q${n(s * 0.86)} ${n(s * 0.8)} ${n(s * 0.88)} ${s} Z" fill="${look.shirt}"/>`,
    `<rect x="${n(cx - s * 0.06)}" y="${n(cy + ry * 0.7)}" width="${n(s * 0.12)}" height="${n(s * 0.14)}" rx="${n(s * 0.03)}" fill="${skinShade}"/>`,
    `<path d="M${n(cx - s * 0.09)} ${n(s * 0.775)} Q${n(cx)} ${n(s * 0.85)} ${n(cx + s * 0.09)} ${n(s * 0.775)}" fill="${look.skin}"/>`,
  );

  // Ears, head.
  for (const side of [-1, 1])
    parts.push(
      `<ellipse cx="${n(cx + side * rx * 0.98)}" cy="${n(cy + ry * 0.05)}" rx="${n(s * 0.03)}" ry="${n(s * 0.045)}" fill="${skinShade}"/>`,
    );
  parts.push(`<ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(rx)}" ry="${n(ry)}" fill="${look.skin}"/>`);

  // Fringe: the hair's front edge across the forehead, clipped to the head.
  parts.push(
    // A hair's breadth wider than the head, so no skin-coloured seam shows at the edge.
    `<clipPath id="head"><ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(rx + s * 0.004)}" ry="${n(ry + s * 0.004)}"/></clipPath>`,
    `<path clip-path="url(#head)" fill="${look.hair}" d="M${n(cx - rx * 1.1)} ${n(cy - ry * 1.1)} L${n(cx + rx * 1.1)} ${n(cy - ry * 1.1)} L${n(cx + rx * 1.1)} ${n(cy - ry * 0.3)} Q${n(cx + rx * 0.5)} ${n(cy - ry * 0.62)} ${n(cx - rx * 0.05)} ${n(cy - ry * 0.5)} Q${n(cx - rx * 0.6)} ${n(cy - ry * 0.42)} ${n(cx - rx * 1.1)} ${n(cy - ry * 0.15)} Z"/>`,
  );

  // Cheeks.
  for (const side of [-1, 1])
    parts.push(`<circle cx="${n(cx + side * rx * 0.58)}" cy="${n(cy + ry * 0.3)}" r="${n(s * 0.032)}" fill="#e8766a" opacity="0.35"/>`);

  // Eyes and brows: the brows lift a little as the mouth opens wide.
  const eyeY = cy + ry * 0.02;
  const gap = s * look.eyeGap;
  const lift = mouth >= 2 ? s * 0.008 * (mouth - 1) : 0;
  for (const side of [-1, 1]) {
    const ex = cx + side * gap;
    if (eyesShut) {
      parts.push(
        `<path d="M${n(ex - s * 0.034)} ${n(eyeY)} Q${n(ex)} ${n(eyeY + s * 0.022)} ${n(ex + s * 0.034)} ${n(eyeY)}" stroke="${ink}" stroke-width="${n(s * 0.009)}" fill="none" stroke-linecap="round"/>`,
      );
    } else {
      parts.push(
        `<ellipse cx="${n(ex)}" cy="${n(eyeY)}" rx="${n(s * 0.034)}" ry="${n(s * 0.04)}" fill="#ffffff"/>`,
        `<circle cx="${n(ex + side * s * 0.004)}" cy="${n(eyeY + s * 0.006)}" r="${n(s * 0.021)}" fill="${ink}"/>`,
        `<circle cx="${n(ex + side * s * 0.004 + s * 0.008)}" cy="${n(eyeY - s * 0.004)}" r="${n(s * 0.007)}" fill="#ffffff"/>`,
      );
    }
    const by = eyeY - s * 0.065 - lift;
    parts.push(
      `<path d="M${n(ex - s * 0.04)} ${n(by + s * 0.008)} Q${n(ex)} ${n(by - s * 0.012)} ${n(ex + s * 0.04)} ${n(by + s * 0.006)}" stroke="${mix(look.hair, ink, 0.3)}" stroke-width="${n(s * 0.012)}" fill="none" stroke-linecap="round"/>`,
    );
  }

  // Nose.
  parts.push(
    `<path d="M${n(cx)} ${n(cy + ry * 0.12)} Q${n(cx - s * 0.018)} ${n(cy + ry * 0.3)} ${n(cx + s * 0.006)} ${n(cy + ry * 0.33)}" stroke="${skinShade}" stroke-width="${n(s * 0.008)}" fill="none" stroke-linecap="round"/>`,
  );
  parts.push(mouthSvg(s, cx, cy + ry * 0.56, mouth));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">${parts.join('')}</svg>`;
}

/** Closed: a smile. Half, open, wide: a darker opening that grows, with teeth and a tongue once it is open. */
function mouthSvg(s: number, cx: number, my: number, level: MouthLevel): string {
  const lip = '#a8423c';
  if (level === 0)
    return `<path d="M${n(cx - s * 0.05)} ${n(my - s * 0.004)} Q${n(cx)} ${n(my + s * 0.03)} ${n(cx + s * 0.05)} ${n(my - s * 0.004)}" stroke="${lip}" stroke-width="${n(s * 0.011)}" fill="none" stroke-linecap="round"/>`;
  const w = s * [0, 0.046, 0.054, 0.062][level]!;
  const h = s * [0, 0.026, 0.052, 0.078][level]!;
  const top = my - h * 0.25;
  const shape = `M${n(cx - w)} ${n(top)} Q${n(cx)} ${n(top - s * 0.01)} ${n(cx + w)} ${n(top)} Q${n(cx + w * 0.9)} ${n(top + h)} ${n(cx)} ${n(top + h)} Q${n(cx - w * 0.9)} ${n(top + h)} ${n(cx - w)} ${n(top)} Z`;
  const inside: string[] = [];
  if (level >= 2) {
    inside.push(
      `<clipPath id="mouth"><path d="${shape}"/></clipPath>`,
      `<rect clip-path="url(#mouth)" x="${n(cx - w)}" y="${n(top - s * 0.012)}" width="${n(w * 2)}" height="${n(h * 0.3)}" fill="#fbf7f2"/>`,
      `<ellipse clip-path="url(#mouth)" cx="${n(cx)}" cy="${n(top + h)}" rx="${n(w * 0.6)}" ry="${n(h * 0.35)}" fill="#d9626a"/>`,
    );
  }
  return `<path d="${shape}" fill="#4a1a1e" stroke="${lip}" stroke-width="${n(s * 0.008)}" stroke-linejoin="round"/>${inside.join('')}`;
}

/**
 * The portrait (a square PNG, as a data: URL) in a circle, with a ring and glow that
 * swell with `level` and soft rings around it in the palette's accent.
 */
export function portraitSvg(size: number, portraitPngDataUrl: string, palette: Palette, level: MouthLevel): string {
  const s = size;
  const c = s / 2;
  const r = s * 0.34;
  const swell = level / 3;
  const ring = r + s * (0.018 + 0.02 * swell);
  const waves = [1, 2, 3]
    .map((i) => {
      const rr = ring + s * (0.025 + 0.02 * i * (0.4 + 0.6 * swell));
      const opacity = (0.5 - i * 0.12) * (0.35 + 0.65 * swell);
      return `<circle cx="${c}" cy="${c}" r="${n(rr)}" fill="none" stroke="${palette.accent}" stroke-width="${n(s * 0.006)}" opacity="${opacity.toFixed(3)}"/>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">` +
    background(s, palette) +
    `<defs><filter id="blur" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${n(s * (0.012 + 0.02 * swell))}"/></filter>` +
    `<clipPath id="face"><circle cx="${c}" cy="${c}" r="${n(r)}"/></clipPath></defs>` +
    `<circle cx="${c}" cy="${c}" r="${n(ring + s * 0.01)}" fill="${palette.glow}" opacity="${(0.35 + 0.5 * swell).toFixed(3)}" filter="url(#blur)"/>` +
    waves +
    `<circle cx="${c}" cy="${c}" r="${n(ring)}" fill="${palette.accent}"/>` +
    `<image clip-path="url(#face)" x="${n(c - r)}" y="${n(c - r)}" width="${n(r * 2)}" height="${n(r * 2)}" href="${portraitPngDataUrl}" preserveAspectRatio="xMidYMid slice"/>` +
    `</svg>`
  );
}
