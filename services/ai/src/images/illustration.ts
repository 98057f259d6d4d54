/**
 * The offline illustrator's composition: a visual hint becomes an SVG picture in three
 * depth layers — background (sky, glow, far ridges), middle (the motif: a skyline, a
 * forest, the sea, a chart…) and foreground (near ground, light particles, the keyword
 * in type) — so a renderer can move them at different speeds for parallax. Everything is
 * drawn from a seeded random source: one seed, one picture. Geometry is in the picture's
 * own pixels, with sizes scaled from a 1080-wide design, so any aspect ratio composes.
 * Not here: rasterising (render-png.ts) and storing (the ai.image handler).
 */
import type { MediaMood } from '@reelay/contracts';
import { makePalette, mix, type Palette, paletteSwatches } from './palette.js';
import { type Random, seededRandom } from './seeded-random.js';
import { type Motif, readHint } from './visual-hint.js';

export interface IllustrationSpec {
  prompt: string;
  width: number;
  height: number;
  seed: number;
  sceneIndex?: number | undefined;
  mood?: MediaMood | undefined;
  keyword?: string | undefined;
}

export interface Illustration {
  /** The whole picture. */
  svg: string;
  /** The same picture as separate transparent layers, back to front (background is opaque). */
  layers: { name: 'background' | 'middle' | 'foreground'; svg: string }[];
  palette: string[];
  mood: MediaMood;
  motif: Motif;
  keyword: string;
}

export const ILLUSTRATION_FONT_FAMILY = 'DejaVu Sans';

interface Frame {
  w: number;
  h: number;
  /** Scale from the 1080-wide design. */
  s: number;
  /** Where the land meets the sky. */
  horizon: number;
  r: Random;
  p: Palette;
  id: (name: string) => string;
}

export function illustrate(spec: IllustrationSpec): Illustration {
  const reading = readHint(spec.prompt, { mood: spec.mood, keyword: spec.keyword });
  const r = seededRandom(spec.seed);
  const p = makePalette(reading.mood, reading.motif, r, spec.sceneIndex ?? 0);
  const w = spec.width;
  const h = spec.height;
  const f: Frame = {
    w,
    h,
    s: Math.min(w, h * 0.5625) / 1080,
    horizon: h * r.range(0.6, 0.68),
    r,
    p,
    id: (name) => `${name}-${spec.seed.toString(36)}`,
  };
  const background = drawBackground(f, reading.motif);
  const middle = drawMotif(f, reading.motif);
  const foreground = drawForeground(f, reading.keyword, spec.sceneIndex);
  const wrap = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${body}</svg>`;
  return {
    svg: wrap(background + middle + foreground),
    layers: [
      { name: 'background', svg: wrap(background) },
      { name: 'middle', svg: wrap(middle) },
      { name: 'foreground', svg: wrap(foreground) },
    ],
    palette: paletteSwatches(p),
    mood: reading.mood,
    motif: reading.motif,
    keyword: reading.keyword,
  };
}

// ---- background: sky, glow, stars, far ridges ----

function drawBackground(f: Frame, motif: Motif): string {
  const { w, h, s, r, p, id } = f;
  const glowX = w * r.range(0.2, 0.8);
  const glowY = f.horizon - h * r.range(0.12, 0.3);
  const glowR = 150 * s * r.range(0.8, 1.4);
  const dark = isDark(p.skyTop);
  let out = `<defs>
<linearGradient id="${id('sky')}" x1="0" y1="0" x2="0" y2="1">
<stop offset="0" stop-color="${p.skyTop}"/><stop offset="0.55" stop-color="${p.skyMid}"/><stop offset="1" stop-color="${p.skyBottom}"/>
</linearGradient>
<radialGradient id="${id('halo')}"><stop offset="0" stop-color="${p.glow}" stop-opacity="0.75"/><stop offset="0.35" stop-color="${p.glow}" stop-opacity="0.28"/><stop offset="1" stop-color="${p.glow}" stop-opacity="0"/></radialGradient>
<radialGradient id="${id('disc')}" cx="0.4" cy="0.38"><stop offset="0" stop-color="${mix(p.glow, '#ffffff', 0.55)}"/><stop offset="1" stop-color="${p.glow}"/></radialGradient>
</defs>
<rect width="${w}" height="${h}" fill="url(#${id('sky')})"/>`;
  if (dark || motif === 'space') out += stars(f, motif === 'space' ? 140 : 70);
  out += `<circle cx="${n(glowX)}" cy="${n(glowY)}" r="${n(glowR * 4.2)}" fill="url(#${id('halo')})"/>`;
  out += `<circle cx="${n(glowX)}" cy="${n(glowY)}" r="${n(glowR)}" fill="url(#${id('disc')})" opacity="0.95"/>`;
  // Soft bands of cloud or haze across the sky, lighter near the horizon.
  for (let i = 0; i < 3; i++) {
    const y = f.horizon - h * r.range(0.08, 0.42);
    out += `<ellipse cx="${n(w * r.range(0.1, 0.9))}" cy="${n(y)}" rx="${n(w * r.range(0.35, 0.7))}" ry="${n(22 * s * r.range(1, 2.5))}" fill="${mix(p.skyMid, '#ffffff', 0.25)}" opacity="${n(r.range(0.08, 0.18), 2)}"/>`;
  }
  // Two far ridges: atmospheric perspective, the furthest nearly the sky's own colour.
  if (motif !== 'water') {
    out += ridge(f, f.horizon - 120 * s, 70 * s, mix(p.far, p.skyBottom, 0.55), 0.9);
    out += ridge(f, f.horizon - 40 * s, 90 * s, mix(p.far, p.skyBottom, 0.2), 1);
  }
  return out;
}

function stars(f: Frame, count: number): string {
  const { w, r, s } = f;
  let out = '<g fill="#ffffff">';
  for (let i = 0; i < count; i++) {
    const y = f.horizon * 0.8 * r.next() ** 1.4;
    out += `<circle cx="${n(w * r.next())}" cy="${n(y)}" r="${n(s * r.range(1, 3.4), 1)}" opacity="${n(r.range(0.25, 0.9), 2)}"/>`;
  }
  return `${out}</g>`;
}

/** A ridgeline from the sum of three seeded waves, filled down to the bottom edge. */
function ridge(f: Frame, base: number, amplitude: number, color: string, opacity: number): string {
  const { w, h, r } = f;
  const waves = [0, 1, 2].map((k) => ({
    f: (r.range(1.2, 2.4) * (k + 1) * Math.PI) / w,
    ph: r.range(0, Math.PI * 2),
    a: amplitude / (k + 1.2),
  }));
  const step = Math.max(8, w / 120);
  let d = `M0 ${n(h)}`;
  for (let x = 0; x <= w + step; x += step) {
    const y = base - waves.reduce((sum, wv) => sum + wv.a * Math.sin(x * wv.f + wv.ph), 0);
    d += ` L${n(Math.min(x, w))} ${n(y)}`;
  }
  return `<path d="${d} L${n(w)} ${n(h)} Z" fill="${color}" opacity="${opacity}"/>`;
}

// ---- middle: the motif ----

function drawMotif(f: Frame, motif: Motif): string {
  switch (motif) {
    case 'city':
      return skyline(f);
    case 'nature':
      return forest(f);
    case 'water':
      return sea(f);
    case 'tech':
      return circuitry(f);
    case 'growth':
      return chart(f);
    case 'space':
      return planet(f);
    case 'food':
      return loaf(f);
    case 'people':
      return figures(f);
    case 'steps':
      return checklist(f);
    default:
      return shapes(f);
  }
}

function skyline(f: Frame): string {
  const { w, s, r, p } = f;
  const base = f.horizon + 40 * s;
  let out = '';
  for (const row of [0, 1]) {
    const color = row === 0 ? mix(p.mid, p.skyBottom, 0.45) : p.mid;
    let x = -r.range(0, 60) * s;
    while (x < w) {
      const bw = r.range(70, 170) * s;
      const bh = r.range(180, row === 0 ? 720 : 520) * s;
      const top = base - bh + row * 60 * s;
      out += `<rect x="${n(x)}" y="${n(top)}" width="${n(bw)}" height="${n(f.h - top)}" fill="${color}"/>`;
      if (r.chance(0.3))
        out += `<rect x="${n(x + bw * 0.4)}" y="${n(top - 50 * s)}" width="${n(6 * s)}" height="${n(50 * s)}" fill="${color}"/>`;
      if (row === 1) {
        for (let wy = top + 24 * s; wy < base; wy += 38 * s)
          for (let wx = x + 14 * s; wx < x + bw - 22 * s; wx += 30 * s)
            if (r.chance(0.32))
              out += `<rect x="${n(wx)}" y="${n(wy)}" width="${n(14 * s)}" height="${n(20 * s)}" fill="${p.glow}" opacity="${n(r.range(0.5, 0.95), 2)}"/>`;
      }
      x += bw + r.range(4, 26) * s;
    }
  }
  return `<g>${out}</g>`;
}

function forest(f: Frame): string {
  const { w, s, r, p } = f;
  let out = '';
  for (const row of [0, 1, 2]) {
    const color = mix(p.mid, p.skyBottom, 0.5 - row * 0.22);
    const y = f.horizon + (row * 70 - 20) * s;
    const size = (0.6 + row * 0.35) * s;
    for (let x = -40 * s; x < w + 40 * s; x += r.range(50, 110) * size) {
      const th = r.range(180, 330) * size;
      const tw = th * r.range(0.34, 0.44);
      const yy = y + r.range(-20, 20) * s;
      out += `<rect x="${n(x - 5 * size)}" y="${n(yy - 20 * size)}" width="${n(10 * size)}" height="${n(60 * size)}" fill="${color}"/>`;
      for (let k = 0; k < 3; k++) {
        const ty = yy - th + (k * th) / 4;
        const kw = tw * (0.55 + k * 0.25);
        out += `<path d="M${n(x)} ${n(ty)} L${n(x + kw / 2)} ${n(ty + th / 2.1)} L${n(x - kw / 2)} ${n(ty + th / 2.1)} Z" fill="${color}"/>`;
      }
    }
  }
  return `<g>${out}</g>`;
}

function sea(f: Frame): string {
  const { w, h, s, r, p, id } = f;
  const top = f.horizon;
  let out = `<defs><linearGradient id="${id('sea')}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${mix(p.far, p.skyBottom, 0.3)}"/><stop offset="1" stop-color="${p.near}"/></linearGradient></defs>`;
  out += `<rect x="0" y="${n(top)}" width="${w}" height="${n(h - top)}" fill="url(#${id('sea')})"/>`;
  // The glow's reflection: a broken column of light on the water.
  const cx = w * r.range(0.3, 0.7);
  for (let y = top + 10 * s; y < h; y += 26 * s) {
    const spread = ((y - top) / (h - top)) * 220 * s + 30 * s;
    out += `<rect x="${n(cx - spread * r.range(0.3, 1))}" y="${n(y)}" width="${n(spread * r.range(0.6, 1.6))}" height="${n(6 * s)}" rx="${n(3 * s)}" fill="${p.glow}" opacity="${n(r.range(0.25, 0.6) * (1 - (y - top) / (h - top)) + 0.05, 2)}"/>`;
  }
  for (let k = 0; k < 9; k++) {
    const y = top + ((k + 1) / 10) ** 1.5 * (h - top);
    const amp = (6 + k * 3) * s;
    const len = (60 + k * 30) * s;
    let d = '';
    for (let x = -len; x < w + len; x += len) d += `M${n(x)} ${n(y)} q ${n(len / 4)} ${n(-amp)} ${n(len / 2)} 0 t ${n(len / 2)} 0 `;
    out += `<path d="${d}" fill="none" stroke="${mix(p.skyBottom, '#ffffff', 0.3)}" stroke-width="${n((2 + k * 0.6) * s)}" opacity="${n(0.18 + k * 0.03, 2)}" stroke-linecap="round"/>`;
  }
  return `<g>${out}</g>`;
}

function circuitry(f: Frame): string {
  const { w, h, s, r, p } = f;
  const vx = w / 2;
  const top = f.horizon;
  let out = `<rect x="0" y="${n(top)}" width="${w}" height="${n(h - top)}" fill="${p.near}" opacity="0.85"/>`;
  // A perspective grid running to the vanishing point on the horizon.
  for (let k = -12; k <= 12; k++) {
    out += `<line x1="${n(vx)}" y1="${n(top)}" x2="${n(vx + k * 180 * s)}" y2="${n(h)}" stroke="${p.accent}" stroke-width="${n(2 * s)}" opacity="0.45"/>`;
  }
  for (let k = 1; k < 14; k++) {
    const y = top + (k / 14) ** 2 * (h - top);
    out += `<line x1="0" y1="${n(y)}" x2="${w}" y2="${n(y)}" stroke="${p.accent}" stroke-width="${n(2 * s)}" opacity="${n(0.15 + k * 0.03, 2)}"/>`;
  }
  // Floating interface cards with lines of "text" and a node network between them.
  const nodes: [number, number][] = [];
  for (let i = 0; i < 3; i++) {
    const cw = r.range(260, 380) * s;
    const ch = cw * r.range(0.5, 0.7);
    const x = r.range(0.06, 0.94) * w - cw / 2;
    const y = top - r.range(0.08, 0.3) * h;
    nodes.push([x + cw / 2, y + ch / 2]);
    out += `<g opacity="0.92"><rect x="${n(x)}" y="${n(y)}" width="${n(cw)}" height="${n(ch)}" rx="${n(24 * s)}" fill="${mix(p.skyTop, '#000000', 0.2)}" stroke="${p.accent}" stroke-width="${n(3 * s)}"/>`;
    for (let l = 0; l < 3; l++)
      out += `<rect x="${n(x + 26 * s)}" y="${n(y + 30 * s + l * 34 * s)}" width="${n((cw - 52 * s) * r.range(0.4, 1))}" height="${n(12 * s)}" rx="${n(6 * s)}" fill="${l === 0 ? p.accent : p.glow}" opacity="${l === 0 ? 0.95 : 0.5}"/>`;
    out += '</g>';
  }
  for (let i = 1; i < nodes.length; i++) {
    const [ax, ay] = nodes[i - 1]!;
    const [bx, by] = nodes[i]!;
    out += `<path d="M${n(ax)} ${n(ay)} C ${n(ax)} ${n((ay + by) / 2)}, ${n(bx)} ${n((ay + by) / 2)}, ${n(bx)} ${n(by)}" fill="none" stroke="${p.glow}" stroke-width="${n(3 * s)}" stroke-dasharray="${n(10 * s)} ${n(10 * s)}" opacity="0.6"/>`;
  }
  return `<g>${out}</g>`;
}

function chart(f: Frame): string {
  const { w, s, r, p } = f;
  const base = f.horizon + 60 * s;
  const bars = r.int(5, 7);
  const gap = 24 * s;
  const bw = (w * 0.78 - gap * (bars - 1)) / bars;
  let x = w * 0.11;
  let out = '';
  const tops: [number, number][] = [];
  let height = r.range(120, 200) * s;
  for (let i = 0; i < bars; i++) {
    height *= r.range(1.12, 1.32);
    const y = base - height;
    tops.push([x + bw / 2, y]);
    out += `<rect x="${n(x)}" y="${n(y)}" width="${n(bw)}" height="${n(height + 200 * s)}" rx="${n(18 * s)}" fill="${mix(p.accent, p.glow, i / (bars - 1))}" opacity="0.92"/>`;
    x += bw + gap;
  }
  const line = tops.map(([tx, ty], i) => `${i ? 'L' : 'M'}${n(tx)} ${n(ty - 60 * s)}`).join(' ');
  const [lx, ly] = tops[tops.length - 1]!;
  out += `<path d="${line}" fill="none" stroke="${p.glow}" stroke-width="${n(12 * s)}" stroke-linecap="round" stroke-linejoin="round"/>`;
  out += `<path d="M${n(lx - 34 * s)} ${n(ly - 60 * s - 6 * s)} L${n(lx + 20 * s)} ${n(ly - 60 * s - 40 * s)} L${n(lx + 8 * s)} ${n(ly - 60 * s + 26 * s)} Z" fill="${p.glow}"/>`;
  for (const [tx, ty] of tops) out += `<circle cx="${n(tx)}" cy="${n(ty - 60 * s)}" r="${n(14 * s)}" fill="${p.glow}"/>`;
  return `<g>${out}</g>`;
}

function planet(f: Frame): string {
  const { w, h, s, r, p, id } = f;
  const cx = w * r.range(0.3, 0.7);
  const cy = h * r.range(0.38, 0.5);
  const rad = 210 * s * r.range(0.85, 1.15);
  const tilt = r.range(-24, -8);
  return `<defs><radialGradient id="${id('planet')}" cx="0.35" cy="0.3"><stop offset="0" stop-color="${mix(p.accent, '#ffffff', 0.3)}"/><stop offset="0.7" stop-color="${p.accent}"/><stop offset="1" stop-color="${mix(p.accent, '#000000', 0.55)}"/></radialGradient></defs>
<g transform="rotate(${n(tilt)} ${n(cx)} ${n(cy)})">
<ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(rad * 1.9)}" ry="${n(rad * 0.42)}" fill="none" stroke="${p.glow}" stroke-width="${n(16 * s)}" opacity="0.45"/>
<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(rad)}" fill="url(#${id('planet')})"/>
<path d="M${n(cx - rad * 1.9)} ${n(cy)} A ${n(rad * 1.9)} ${n(rad * 0.42)} 0 0 0 ${n(cx + rad * 1.9)} ${n(cy)}" fill="none" stroke="${p.glow}" stroke-width="${n(16 * s)}" opacity="0.85"/>
</g>
<circle cx="${n(cx + rad * 2.1)}" cy="${n(cy - rad * 1.4)}" r="${n(rad * 0.22)}" fill="${mix(p.glow, '#ffffff', 0.4)}" opacity="0.9"/>`;
}

function loaf(f: Frame): string {
  const { w, s, r, p, id } = f;
  const cx = w / 2 + r.range(-60, 60) * s;
  const base = f.horizon + 120 * s;
  const rw = 330 * s;
  const rh = 230 * s;
  // Bread is brown whatever the sky: the palette only tints it.
  const crust = mix('#b8692c', p.accent, 0.12);
  let out = `<defs><radialGradient id="${id('crust')}" cx="0.4" cy="0.25"><stop offset="0" stop-color="${mix(crust, '#ffe2b0', 0.55)}"/><stop offset="1" stop-color="${mix(crust, '#000000', 0.25)}"/></radialGradient></defs>`;
  out += `<rect x="${n(cx - rw * 1.45)}" y="${n(base - 10 * s)}" width="${n(rw * 2.9)}" height="${n(46 * s)}" rx="${n(23 * s)}" fill="${mix(p.mid, '#000000', 0.2)}"/>`;
  out += `<path d="M${n(cx - rw)} ${n(base)} C ${n(cx - rw)} ${n(base - rh * 1.35)}, ${n(cx + rw)} ${n(base - rh * 1.35)}, ${n(cx + rw)} ${n(base)} Z" fill="url(#${id('crust')})"/>`;
  for (let k = -1; k <= 1; k++) {
    const x = cx + k * rw * 0.42;
    out += `<path d="M${n(x - 60 * s)} ${n(base - rh * 0.55 + Math.abs(k) * 30 * s)} Q ${n(x)} ${n(base - rh * 0.95 + Math.abs(k) * 30 * s)} ${n(x + 60 * s)} ${n(base - rh * 0.78 + Math.abs(k) * 30 * s)}" fill="none" stroke="${mix(crust, '#fff1d6', 0.7)}" stroke-width="${n(14 * s)}" stroke-linecap="round"/>`;
  }
  for (let k = 0; k < 3; k++) {
    const x = cx + (k - 1) * 90 * s;
    const top = base - rh * 1.2;
    out += `<path d="M${n(x)} ${n(top)} c ${n(-40 * s)} ${n(-60 * s)}, ${n(40 * s)} ${n(-100 * s)}, 0 ${n(-170 * s)} c ${n(-30 * s)} ${n(-40 * s)}, ${n(30 * s)} ${n(-70 * s)}, 0 ${n(-110 * s)}" fill="none" stroke="#ffffff" stroke-width="${n(9 * s)}" stroke-linecap="round" opacity="0.35"/>`;
  }
  return `<g>${out}</g>`;
}

function figures(f: Frame): string {
  const { w, s, r, p } = f;
  const base = f.horizon + 200 * s;
  const count = r.int(3, 5);
  let out = '';
  for (let i = 0; i < count; i++) {
    const t = (i + 0.5) / count;
    const size = (i === Math.floor(count / 2) ? 1.25 : r.range(0.8, 1)) * s;
    const x = w * (0.12 + t * 0.76);
    const color = i % 2 ? mix(p.accent, p.mid, 0.35) : mix(p.glow, p.mid, 0.25);
    out += `<path d="M${n(x - 120 * size)} ${n(base)} C ${n(x - 120 * size)} ${n(base - 230 * size)}, ${n(x + 120 * size)} ${n(base - 230 * size)}, ${n(x + 120 * size)} ${n(base)} Z" fill="${color}"/>`;
    out += `<circle cx="${n(x)}" cy="${n(base - 290 * size)}" r="${n(78 * size)}" fill="${color}"/>`;
  }
  // A speech bubble above the group: these are people talking.
  const bx = w * r.range(0.3, 0.7);
  const by = f.horizon - 330 * s;
  out += `<g opacity="0.95"><rect x="${n(bx - 150 * s)}" y="${n(by - 70 * s)}" width="${n(300 * s)}" height="${n(140 * s)}" rx="${n(60 * s)}" fill="#ffffff"/><path d="M${n(bx - 30 * s)} ${n(by + 66 * s)} l ${n(-30 * s)} ${n(50 * s)} l ${n(70 * s)} ${n(-50 * s)} Z" fill="#ffffff"/>`;
  for (let k = -1; k <= 1; k++) out += `<circle cx="${n(bx + k * 62 * s)}" cy="${n(by)}" r="${n(16 * s)}" fill="${p.accent}"/>`;
  return `<g>${out}</g></g>`;
}

function checklist(f: Frame): string {
  const { w, s, r, p } = f;
  const cw = w * 0.72;
  const ch = 150 * s;
  const x = (w - cw) / 2;
  let y = f.horizon - 3 * (ch + 34 * s) + 80 * s;
  const done = r.int(1, 3);
  let out = '';
  for (let i = 0; i < 3; i++) {
    const tilt = r.range(-2.5, 2.5);
    out += `<g transform="rotate(${n(tilt)} ${n(x + cw / 2)} ${n(y + ch / 2)})"><rect x="${n(x + 10 * s)}" y="${n(y + 14 * s)}" width="${n(cw)}" height="${n(ch)}" rx="${n(30 * s)}" fill="#000000" opacity="0.25"/>`;
    out += `<rect x="${n(x)}" y="${n(y)}" width="${n(cw)}" height="${n(ch)}" rx="${n(30 * s)}" fill="${mix('#ffffff', p.skyBottom, 0.12)}"/>`;
    const cx = x + 80 * s;
    const cy = y + ch / 2;
    out += `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(38 * s)}" fill="${i < done ? p.accent : 'none'}" stroke="${p.accent}" stroke-width="${n(7 * s)}"/>`;
    if (i < done)
      out += `<path d="M${n(cx - 18 * s)} ${n(cy + 2 * s)} l ${n(12 * s)} ${n(13 * s)} l ${n(24 * s)} ${n(-28 * s)}" fill="none" stroke="#ffffff" stroke-width="${n(8 * s)}" stroke-linecap="round" stroke-linejoin="round"/>`;
    out += `<rect x="${n(cx + 70 * s)}" y="${n(cy - 24 * s)}" width="${n(cw * r.range(0.4, 0.62))}" height="${n(18 * s)}" rx="${n(9 * s)}" fill="${p.mid}" opacity="0.85"/>`;
    out += `<rect x="${n(cx + 70 * s)}" y="${n(cy + 10 * s)}" width="${n(cw * r.range(0.2, 0.4))}" height="${n(14 * s)}" rx="${n(7 * s)}" fill="${p.mid}" opacity="0.4"/></g>`;
    y += ch + 34 * s;
  }
  return `<g>${out}</g>`;
}

function shapes(f: Frame): string {
  const { w, h, s, r, p } = f;
  let out = '';
  const colors = [p.accent, p.glow, mix(p.accent, p.glow, 0.5), p.mid];
  for (let i = 0; i < 5; i++) {
    const rad = r.range(110, 300) * s;
    out += `<circle cx="${n(w * r.range(0.05, 0.95))}" cy="${n(h * r.range(0.3, 0.7))}" r="${n(rad)}" fill="${colors[i % colors.length]}" opacity="${n(r.range(0.35, 0.75), 2)}"/>`;
  }
  for (let i = 0; i < 3; i++) {
    const cx = w * r.range(0.2, 0.8);
    const cy = h * r.range(0.35, 0.6);
    const rad = r.range(240, 420) * s;
    const a = r.range(0, Math.PI);
    out += `<path d="M${n(cx + rad * Math.cos(a))} ${n(cy + rad * Math.sin(a))} A ${n(rad)} ${n(rad)} 0 0 1 ${n(cx - rad * Math.cos(a))} ${n(cy - rad * Math.sin(a))}" fill="none" stroke="#ffffff" stroke-width="${n(10 * s)}" stroke-linecap="round" opacity="0.5"/>`;
  }
  return `<g>${out}</g>`;
}

// ---- foreground: near ground, particles, type, vignette ----

function drawForeground(f: Frame, keyword: string, sceneIndex: number | undefined): string {
  const { w, h, s, r, p, id } = f;
  let out = `<defs>
<radialGradient id="${id('vignette')}" cx="0.5" cy="0.45" r="0.75"><stop offset="0.55" stop-color="#000000" stop-opacity="0"/><stop offset="1" stop-color="#000000" stop-opacity="0.55"/></radialGradient>
<linearGradient id="${id('floor')}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p.near}" stop-opacity="0"/><stop offset="0.5" stop-color="${p.near}" stop-opacity="0.75"/><stop offset="1" stop-color="${mix(p.near, '#000000', 0.4)}" stop-opacity="0.95"/></linearGradient>
<filter id="${id('soft')}" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${n(6 * s)}"/></filter>
<filter id="${id('shadow')}" x="-20%" y="-40%" width="140%" height="180%"><feGaussianBlur stdDeviation="${n(14 * s)}"/></filter>
</defs>`;
  out += ridge(f, h * 0.9, 40 * s, p.near, 0.96);
  // A dark floor under the lower third keeps captions readable over any motif.
  out += `<rect x="0" y="${n(h * 0.7)}" width="${w}" height="${n(h * 0.3)}" fill="url(#${id('floor')})"/>`;
  // Out-of-focus light: big soft discs near the lens, small sharp ones further off.
  for (let i = 0; i < 16; i++) {
    const near = r.chance(0.35);
    const rad = (near ? r.range(30, 70) : r.range(5, 14)) * s;
    out += `<circle cx="${n(w * r.next())}" cy="${n(h * r.range(0.08, 0.95))}" r="${n(rad)}" fill="${r.chance(0.5) ? p.glow : p.accent}" opacity="${n(near ? r.range(0.1, 0.22) : r.range(0.3, 0.7), 2)}"${near ? ` filter="url(#${id('soft')})"` : ''}/>`;
  }
  out += `<rect width="${w}" height="${h}" fill="url(#${id('vignette')})"/>`;
  if (keyword) out += typeBlock(f, keyword, sceneIndex);
  return out;
}

/** The keyword in heavy capitals in the upper third, a kicker with the scene number above it. */
function typeBlock(f: Frame, keyword: string, sceneIndex: number | undefined): string {
  const { w, h, s, p, id } = f;
  const lines = breakLines(keyword.toUpperCase(), 14);
  const longest = Math.max(...lines.map((l) => l.length));
  // DejaVu Sans Bold capitals average about 0.8 em wide (W and M more, I less).
  const size = Math.min(150 * s, (w * 0.84) / (longest * 0.8));
  const x = w * 0.08;
  const top = h * 0.16;
  let out = '';
  const kicker = sceneIndex === undefined ? '' : String(sceneIndex + 1).padStart(2, '0');
  out += `<rect x="${n(x)}" y="${n(top - 46 * s)}" width="${n(110 * s)}" height="${n(12 * s)}" rx="${n(6 * s)}" fill="${p.accent}"/>`;
  if (kicker)
    out += `<text x="${n(x + 130 * s)}" y="${n(top - 30 * s)}" font-family="${ILLUSTRATION_FONT_FAMILY}" font-weight="bold" font-size="${n(38 * s)}" fill="${p.ink}" opacity="0.85" letter-spacing="${n(4 * s)}">${kicker}</text>`;
  lines.forEach((line, i) => {
    const y = top + size * (i + 1) * 1.02;
    const text = escapeXml(line);
    out += `<text x="${n(x + 6 * s)}" y="${n(y + 10 * s)}" font-family="${ILLUSTRATION_FONT_FAMILY}" font-weight="bold" font-size="${n(size)}" fill="#000000" opacity="0.45" filter="url(#${id('shadow')})">${text}</text>`;
    out += `<text x="${n(x)}" y="${n(y)}" font-family="${ILLUSTRATION_FONT_FAMILY}" font-weight="bold" font-size="${n(size)}" fill="${p.ink}">${text}</text>`;
  });
  return out;
}

/** Greedy word wrap to at most two lines; a single long word stays whole (the size shrinks). */
function breakLines(text: string, maxChars: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last.length + 1 + word.length <= maxChars || lines.length === 2))
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length ? lines : [text];
}

function isDark(color: string): boolean {
  const v = Number.parseInt(color.slice(1), 16);
  return 0.2126 * ((v >> 16) & 255) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255) < 90;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Numbers in the SVG, rounded: shorter documents, and identical text for identical seeds. */
function n(v: number, digits = 1): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}
