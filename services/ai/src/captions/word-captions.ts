/**
 * Word captions, TikTok style, as an ASS v4+ script: a few words at a time in large bold
 * type, and the word being said highlighted — its colour and a slight enlargement —
 * from the moment it starts until the next one does. Each word of a cue is its own
 * Dialogue event showing the whole cue with that word marked, so the highlight follows
 * the voice to the centisecond without relying on karaoke effects players render
 * differently. The script is laid out for the output frame (PlayResX/Y), so sizes are
 * output pixels; media.render burns it in as written.
 */
import type { WordCaptionStyle } from '@reelay/contracts';
import type { AlignedWord } from './forced-alignment.js';

/** A style as the worker's parse leaves it: every default filled in but the frame-relative margin. */
export type ResolvedWordStyle = Omit<Required<WordCaptionStyle>, 'marginPx'> & { marginPx?: number | undefined };

/**
 * The margin when a style gives none: on an upright frame 22% of the height, so bottom
 * captions sit in the lower third above TikTok's and Reels' own captions, music line and
 * buttons (about the bottom fifth); 8% on a landscape or square frame. media.render's
 * SRT styling uses the same rule.
 */
export function defaultMarginPx(style: Pick<ResolvedWordStyle, 'width' | 'height'>): number {
  return Math.round(style.height * (style.height > style.width ? 0.22 : 0.08));
}

export interface WordCue {
  words: AlignedWord[];
  startSec: number;
  endSec: number;
}

/** ASS v4+ numpad alignment: 2 bottom-centre, 5 middle-centre, 8 top-centre. */
const ALIGNMENT = { bottom: 2, middle: 5, top: 8 } as const;
/** A pause this long between words starts a new cue. */
const PAUSE_SEC = 0.45;
/** Average glyph advance of bold DejaVu Sans in ems, upper case: enough to keep a cue on two lines. */
const GLYPH_EM = 0.72;

/** Words grouped into cues: never across a sentence or a pause, at most maxWordsPerCue, and short enough for two lines. */
export function groupWordCues(words: readonly AlignedWord[], style: ResolvedWordStyle): WordCue[] {
  const maxChars = Math.max(6, Math.floor((style.width * 0.86) / (style.fontSizePx * GLYPH_EM))) * 2;
  const cues: WordCue[] = [];
  let current: AlignedWord[] = [];
  const flush = () => {
    if (current.length) cues.push({ words: current, startSec: current[0]!.startSec, endSec: current[current.length - 1]!.endSec });
    current = [];
  };
  for (const word of words) {
    const last = current[current.length - 1];
    const chars = current.reduce((n, w) => n + w.word.length + 1, 0) + word.word.length;
    if (
      last &&
      (last.sentenceIndex !== word.sentenceIndex ||
        word.startSec - last.endSec > PAUSE_SEC ||
        current.length >= style.maxWordsPerCue ||
        chars > maxChars ||
        /[.!?]$/.test(last.word))
    ) {
      flush();
    }
    current.push(word);
  }
  flush();
  return cues;
}

export function wordCaptionsAss(words: readonly AlignedWord[], style: ResolvedWordStyle): string {
  const cues = groupWordCues(words, style);
  const side = Math.round(style.width * 0.07);
  const shadow = Math.max(1, Math.round(style.fontSizePx / 28));
  const header = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${style.width}`,
    `PlayResY: ${style.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: Word,${style.font},${style.fontSizePx},${assColour(style.colour)},${assColour(style.highlightColour)},${assColour(style.outlineColour)},${assColour('#000000', 0x70)},-1,0,0,0,100,100,0,0,1,${style.outlinePx},${shadow},${ALIGNMENT[style.position]},${side},${side},${style.marginPx ?? defaultMarginPx(style)},1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const events: string[] = [];
  const highlight = `{\\1c&H${assColour(style.highlightColour).slice(4)}&\\fscx112\\fscy112}`;
  for (const [c, cue] of cues.entries()) {
    // A cue stays up until the next one starts, unless a long pause follows.
    const nextStart = cues[c + 1]?.startSec;
    const cueEnd = nextStart !== undefined && nextStart - cue.endSec <= PAUSE_SEC ? nextStart : cue.endSec + 0.25;
    for (const [i, word] of cue.words.entries()) {
      const from = i === 0 ? cue.startSec : word.startSec;
      const to = i < cue.words.length - 1 ? cue.words[i + 1]!.startSec : cueEnd;
      if (to <= from) continue;
      const text = cue.words.map((w, k) => (k === i ? `${highlight}${shown(w.word, style)}{\\r}` : shown(w.word, style))).join(' ');
      events.push(`Dialogue: 0,${assTime(from)},${assTime(to)},Word,,0,0,0,,${text}`);
    }
  }
  return `${[...header, ...events].join('\n')}\n`;
}

/** What a word looks like on screen: upper case if asked, no trailing comma, nothing that ASS reads as an override. */
function shown(word: string, style: ResolvedWordStyle): string {
  const bare = word.replace(/[,;:]+$/, '').replace(/[{}\\]/g, '');
  return style.uppercase ? bare.toUpperCase() : bare;
}

/** "#RRGGBB" → ASS "&HAABBGGRR". */
export function assColour(hex: string, alpha = 0): string {
  const rgb = hex.replace('#', '').toUpperCase();
  return `&H${alpha.toString(16).toUpperCase().padStart(2, '0')}${rgb.slice(4, 6)}${rgb.slice(2, 4)}${rgb.slice(0, 2)}`;
}

/** Seconds → ASS `H:MM:SS.cc`. */
export function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(cs / 360_000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${pad(cs % 100)}`;
}
