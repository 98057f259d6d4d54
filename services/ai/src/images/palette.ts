/**
 * Colour for the offline illustrator: a mood sets saturation and light (energetic is
 * bright and hot, mysterious deep and cold), the motif sets the hue family (water blue,
 * nature green, food amber), the seed nudges both so neighbouring scenes differ. Depth
 * comes from atmospheric perspective: far layers lean towards the sky's colour, near ones
 * are darker and more saturated.
 */
import type { MediaMood } from '@reelay/contracts';
import type { Random } from './seeded-random.js';
import type { Motif } from './visual-hint.js';

export interface Palette {
  skyTop: string;
  skyMid: string;
  skyBottom: string;
  glow: string;
  far: string;
  mid: string;
  near: string;
  accent: string;
  /** Type colour, readable on the sky behind it. */
  ink: string;
}

interface MoodLight {
  /** Hue family when the motif says nothing. */
  hue: number;
  saturation: number;
  /** Lightness of the sky's top and bottom. */
  top: number;
  bottom: number;
  /** Degrees from the base hue to the accent. */
  accentTurn: number;
}

const MOODS: Record<MediaMood, MoodLight> = {
  friendly: { hue: 18, saturation: 72, top: 30, bottom: 72, accentTurn: 170 },
  energetic: { hue: 330, saturation: 88, top: 26, bottom: 62, accentTurn: 60 },
  informative: { hue: 205, saturation: 70, top: 22, bottom: 66, accentTurn: 180 },
  serious: { hue: 220, saturation: 40, top: 12, bottom: 42, accentTurn: 180 },
  humorous: { hue: 48, saturation: 92, top: 40, bottom: 78, accentTurn: 150 },
  calm: { hue: 180, saturation: 42, top: 28, bottom: 78, accentTurn: 150 },
  dramatic: { hue: 352, saturation: 75, top: 8, bottom: 40, accentTurn: 40 },
  mysterious: { hue: 262, saturation: 58, top: 8, bottom: 36, accentTurn: 120 },
};

const MOTIF_HUES: Partial<Record<Motif, number>> = {
  water: 200,
  nature: 135,
  food: 30,
  space: 245,
  growth: 155,
  tech: 195,
  city: 285,
};

export function makePalette(mood: MediaMood, motif: Motif, random: Random, sceneIndex = 0): Palette {
  const m = MOODS[mood];
  const motifHue = MOTIF_HUES[motif];
  // A motif's hue family blended with the mood's, so "calm ocean" and "dramatic ocean" differ.
  const base = motifHue === undefined ? m.hue : mixHue(motifHue, m.hue, 0.3);
  const hue = base + random.range(-16, 16) + ((sceneIndex % 3) - 1) * 14;
  const s = clamp(m.saturation + random.range(-8, 8), 15, 95);
  const top = clamp(m.top + random.range(-4, 4), 5, 60);
  const bottom = clamp(m.bottom + random.range(-5, 5), 20, 88);
  const accentHue = hue + m.accentTurn + random.range(-12, 12);
  const skyTop = hsl(hue + 25, s * 0.9, top);
  const skyMid = hsl(hue + 8, s, (top + bottom) / 2);
  const skyBottom = hsl(hue - 12, s * 0.95, bottom);
  return {
    skyTop,
    skyMid,
    skyBottom,
    glow: hsl(accentHue, clamp(s + 10, 0, 100), clamp(bottom + 14, 50, 92)),
    far: hsl(hue + 4, s * 0.55, clamp(bottom - 14, 12, 80)),
    mid: hsl(hue - 4, s * 0.7, clamp(top + 8, 8, 55)),
    near: hsl(hue - 10, s * 0.8, clamp(top - 4, 4, 30)),
    accent: hsl(accentHue, clamp(s + 5, 40, 100), 60),
    // The type sits over the sky's upper half: light on a dark top, dark on a bright one.
    ink: top < 46 ? hsl(hue + 30, 30, 97) : hsl(hue, 60, 12),
  };
}

/** Colours darkest first, as `#rrggbb`: what the result reports. */
export function paletteSwatches(p: Palette): string[] {
  const all = [p.skyTop, p.skyMid, p.skyBottom, p.glow, p.far, p.mid, p.near, p.accent, p.ink];
  return [...new Set(all)].sort((a, b) => luminance(a) - luminance(b));
}

/** Mix towards another colour, 0 = a, 1 = b. */
export function mix(a: string, b: string, t: number): string {
  const [ar, ag, ab] = rgb(a);
  const [br, bg, bb] = rgb(b);
  return hex(ar + (br - ar) * t, ag + (bg - ag) * t, ab + (bb - ab) * t);
}

export function hsl(h: number, s: number, l: number): string {
  const hh = (((h % 360) + 360) % 360) / 360;
  const ss = clamp(s, 0, 100) / 100;
  const ll = clamp(l, 0, 100) / 100;
  const q = ll < 0.5 ? ll * (1 + ss) : ll + ss - ll * ss;
  const p = 2 * ll - q;
  const channel = (t: number) => {
    const x = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (x < 1 / 6) return p + (q - p) * 6 * x;
    if (x < 1 / 2) return q;
    if (x < 2 / 3) return p + (q - p) * (2 / 3 - x) * 6;
    return p;
  };
  return hex(channel(hh + 1 / 3) * 255, channel(hh) * 255, channel(hh - 1 / 3) * 255);
}

function mixHue(a: number, b: number, t: number): number {
  const d = ((((b - a) % 360) + 540) % 360) - 180;
  return a + d * t;
}

function rgb(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(r: number, g: number, b: number): string {
  const c = (v: number) =>
    Math.round(clamp(v, 0, 255))
      .toString(16)
      .padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

function luminance(color: string): number {
  const [r, g, b] = rgb(color);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
