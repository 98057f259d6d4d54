import type { TextCard } from '@reelay/contracts';

/**
 * A title or outro card as a filter chain: the background (a blurred, darkened still of
 * the neighbouring scene, or a flat colour with a vignette), drifting in a slow zoom so
 * the card is not a frozen frame, then the text centred line by line in large bold type
 * with a soft shadow, an accent bar, and an optional smaller line under it.
 *
 * drawtext reads each line from a file (`textfile`, expansion off), so no text a user
 * writes is ever parsed as filter syntax or as a `%{…}` expansion. drawtext cannot centre
 * the lines of one block (ffmpeg 5.1 has no text_align), hence one drawtext per line.
 */

export type ResolvedCard = Required<Omit<TextCard, 'subtitle'>> & { subtitle?: string | undefined };

export interface CardLayout {
  /** Lines of the main text, and the files they are written to (relative to ffmpeg's cwd). */
  lines: { text: string; file: string }[];
  subtitleLines: { text: string; file: string }[];
  fontSize: number;
  subtitleSize: number;
}

/** Average advance of a DejaVu Sans Bold glyph, in ems: enough to wrap without measuring. */
const GLYPH_EM = 0.62;

/** Greedy wrap by characters; a word longer than a line gets a line of its own. */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= maxChars) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Type size and line breaks for a card: starts at 5.2% of the frame height and shrinks until the text fits in five lines. */
export function layoutCard(card: ResolvedCard, width: number, height: number, filePrefix: string): CardLayout {
  let fontSize = Math.round(height * 0.052);
  let lines: string[] = [];
  for (;;) {
    const maxChars = Math.max(4, Math.floor((width * 0.84) / (fontSize * GLYPH_EM)));
    lines = wrapText(card.text, maxChars);
    if (lines.length <= 5 || fontSize <= 12) break;
    fontSize = Math.round(fontSize * 0.88);
  }
  const subtitleSize = Math.max(8, Math.round(fontSize * 0.5));
  const subMax = Math.max(4, Math.floor((width * 0.84) / (subtitleSize * GLYPH_EM)));
  const subtitleLines = card.subtitle ? wrapText(card.subtitle, subMax).slice(0, 3) : [];
  return {
    lines: lines.map((text, i) => ({ text, file: `${filePrefix}-${i}.txt` })),
    subtitleLines: subtitleLines.map((text, i) => ({ text, file: `${filePrefix}-sub-${i}.txt` })),
    fontSize,
    subtitleSize,
  };
}

export interface CardFilterOptions {
  card: ResolvedCard;
  layout: CardLayout;
  /** The background input, already a single frame (or a colour source). */
  input: string;
  background: 'scene' | 'colour';
  frames: number;
  width: number;
  height: number;
  fps: number;
  /** A bold TrueType font file; fontconfig's DejaVu Sans when absent. */
  fontFile?: string | undefined;
  output: string;
}

export function cardFilter(o: CardFilterOptions): string {
  const { width: w, height: h, layout } = o;
  const font = o.fontFile ? `fontfile=${o.fontFile}` : `font='DejaVu Sans'`;
  const hex = (c: string) => `0x${c.slice(1)}`;
  const steps: string[] = [];
  if (o.background === 'scene') {
    // Blurred small and scaled back up: a soft, cheap blur; darkened so white type reads on any picture.
    steps.push(
      `scale=${Math.round(w / 4)}:${Math.round(h / 4)}:force_original_aspect_ratio=increase`,
      `crop=${Math.round(w / 4)}:${Math.round(h / 4)}`,
      'boxblur=12:2',
      `scale=${w * 2}:${h * 2}`,
      'eq=brightness=-0.16:saturation=0.75',
    );
  } else {
    steps.push(`scale=${w * 2}:${h * 2}`, 'vignette=angle=PI/4');
  }
  steps.push(
    'setsar=1',
    'format=yuv444p',
    `zoompan=z='1+0.05*on/${Math.max(1, o.frames - 1)}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=${o.frames}:s=${w}x${h}:fps=${o.fps}`,
  );

  const lineHeight = Math.round(layout.fontSize * 1.22);
  const subHeight = Math.round(layout.subtitleSize * 1.3);
  const gap = Math.round(layout.fontSize * 0.55);
  const bar = Math.max(3, Math.round(h * 0.006));
  const blockHeight =
    layout.lines.length * lineHeight + gap + bar + (layout.subtitleLines.length ? gap + layout.subtitleLines.length * subHeight : 0);
  let y = Math.round(h * 0.46 - blockHeight / 2);
  const shadow = Math.max(1, Math.round(layout.fontSize / 24));
  for (const line of layout.lines) {
    steps.push(
      `drawtext=${font}:textfile=${line.file}:expansion=none:fontsize=${layout.fontSize}:fontcolor=${hex(o.card.textColour)}:` +
        `shadowcolor=black@0.55:shadowx=${shadow}:shadowy=${shadow}:x=(w-text_w)/2:y=${y}`,
    );
    y += lineHeight;
  }
  y += gap;
  const barWidth = Math.round(w * 0.18);
  steps.push(`drawbox=x=${Math.round((w - barWidth) / 2)}:y=${y}:w=${barWidth}:h=${bar}:color=${hex(o.card.accentColour)}:t=fill`);
  y += bar + gap;
  for (const line of layout.subtitleLines) {
    steps.push(
      `drawtext=${font}:textfile=${line.file}:expansion=none:fontsize=${layout.subtitleSize}:fontcolor=${hex(o.card.textColour)}@0.9:` +
        `shadowcolor=black@0.5:shadowx=1:shadowy=1:x=(w-text_w)/2:y=${y}`,
    );
    y += subHeight;
  }
  steps.push('format=yuv420p', `trim=end_frame=${o.frames}`, 'setpts=PTS-STARTPTS', `settb=1/${o.fps}`);
  return `[${o.input}]${steps.join(',')}[${o.output}]`;
}
