import type { SubtitleStyle } from '@reelay/contracts';
import { parseSync } from 'subtitle';

/**
 * Styled subtitles as an ASS v4+ script laid out for the output frame (PlayResX/Y =
 * width × height, so sizes and margins are output pixels). An SRT is read with the
 * `subtitle` parser and each cue becomes a Dialogue line in the style `Default`; its
 * <i>, <b> and <u> become ASS overrides, other tags are dropped.
 *
 * Why not `subtitles=…:force_style='Alignment=…'`: libass applies force_style before it
 * knows the script type and reads Alignment as legacy SSA, where 5 is top-left, not the
 * v4+ numpad's middle-centre. A real [V4+ Styles] header has no such ambiguity.
 */

/** ASS v4+ alignment is the numeric keypad: 2 bottom-centre, 5 middle-centre, 8 top-centre. */
export const NUMPAD_ALIGNMENT = { bottom: 2, middle: 5, top: 8 } as const;

/** A style as the worker's parse leaves it: every default filled in but the frame-relative margin. */
export type ResolvedSubtitleStyle = Omit<Required<SubtitleStyle>, 'marginPx'> & { marginPx?: number | undefined };

/**
 * The margin when a style gives none: on an upright frame 22% of the height, so
 * bottom captions sit in the lower third above TikTok's and Reels' own captions,
 * music line and buttons (about the bottom fifth); 8% on a landscape or square frame.
 */
export function defaultCaptionMarginPx(width: number, height: number): number {
  return Math.round(height * (height > width ? 0.22 : 0.08));
}

const STYLE_FORMAT =
  'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding';

/** "#RRGGBB" → ASS "&H00BBGGRR" (alpha first, 00 = opaque, blue-green-red). */
export function assColour(hex: string, alpha = 0): string {
  const rgb = hex.replace('#', '').toUpperCase();
  const a = alpha.toString(16).toUpperCase().padStart(2, '0');
  return `&H${a}${rgb.slice(4, 6)}${rgb.slice(2, 4)}${rgb.slice(0, 2)}`;
}

/** [Script Info] and [V4+ Styles] with one style, `Default`, for a width × height frame. */
export function assHeader(style: ResolvedSubtitleStyle, width: number, height: number): string {
  const side = Math.round(width * 0.06);
  const fields = [
    'Default',
    style.font,
    style.fontSizePx,
    assColour(style.colour),
    assColour(style.colour),
    assColour(style.outlineColour),
    assColour('#000000', 0x80),
    -1, // bold
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    1, // outline + shadow, no box
    Number(style.outlinePx.toFixed(2)),
    0,
    NUMPAD_ALIGNMENT[style.position],
    side,
    side,
    style.marginPx ?? defaultCaptionMarginPx(width, height),
    1,
  ];
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    STYLE_FORMAT,
    `Style: ${fields.join(',')}`,
    '',
  ].join('\n');
}

/** Whether a subtitle file is already an ASS/SSA script (burned as written) rather than SRT. */
export function isAssScript(head: string): boolean {
  return /^\uFEFF?\s*\[Script Info\]/i.test(head);
}

/** An SRT file's cues as a styled ASS script for a width × height frame. */
export function srtToAss(srt: string, style: ResolvedSubtitleStyle, width: number, height: number): string {
  const events = ['[Events]', 'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text'];
  for (const node of parseSync(srt.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'))) {
    if (node.type !== 'cue') continue;
    const { start, end, text } = node.data;
    if (end <= start || !text.trim()) continue;
    events.push(`Dialogue: 0,${assTime(start)},${assTime(end)},Default,,0,0,0,,${assText(text)}`);
  }
  return `${assHeader(style, width, height)}\n${events.join('\n')}\n`;
}

/** Milliseconds → ASS `H:MM:SS.cc`. */
export function assTime(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const h = Math.floor(cs / 360_000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(s)}.${pad(cs % 100)}`;
}

/** SRT cue text → ASS: braces and backslashes cannot start an override, line breaks become \N. */
function assText(text: string): string {
  return text
    .trim()
    .replace(/\\/g, '\u2216')
    .replace(/[{}]/g, (c) => (c === '{' ? '(' : ')'))
    .replace(/<(\/?)([ibu])>/gi, (_, close: string, tag: string) => `{\\${tag.toLowerCase()}${close ? 0 : 1}}`)
    .replace(/<[^>]*>/g, '')
    .replace(/\n/g, '\\N');
}

/** Where captions may be drawn, in seconds of the script's timeline; `toSec` absent: to the end. */
export interface CaptionWindow {
  fromSec: number;
  toSec?: number | undefined;
}

/**
 * The script with every Dialogue event cut to `window`: an event outside it is dropped,
 * one across its edge shortened. media.render uses it to keep captions off its title
 * card and outro (their transitions included). Start is rounded up and end down to the
 * centisecond, so no cut event reaches a frame outside the window. Fields are found by
 * the [Events] Format line, so a script that orders them differently is cut right too.
 */
export function clipDialogue(script: string, window: CaptionWindow): string {
  const fromCs = Math.ceil(window.fromSec * 100 - 1e-6);
  const toCs = window.toSec === undefined ? Number.POSITIVE_INFINITY : Math.floor(window.toSec * 100 + 1e-6);
  let fields = ['Layer', 'Start', 'End'];
  let inEvents = false;
  const out: string[] = [];
  for (const line of script.split(/\r?\n/)) {
    const section = /^\s*\[(.+)\]\s*$/.exec(line);
    if (section) inEvents = section[1]!.trim().toLowerCase() === 'events';
    const format = inEvents ? /^Format:\s*(.*)$/i.exec(line) : null;
    if (format) fields = format[1]!.split(',').map((f) => f.trim().toLowerCase());
    const dialogue = inEvents ? /^Dialogue:\s?(.*)$/i.exec(line) : null;
    if (!dialogue) {
      out.push(line);
      continue;
    }
    // The last field (Text) may hold commas: split only as far as the fields before it.
    const values = splitFields(dialogue[1]!, fields.length);
    const s = fields.indexOf('start');
    const e = fields.indexOf('end');
    const start = centiseconds(values[s]);
    const end = centiseconds(values[e]);
    if (start === undefined || end === undefined) {
      out.push(line);
      continue;
    }
    const from = Math.max(start, fromCs);
    const to = Math.min(end, toCs);
    if (to <= from) continue;
    values[s] = assTime(from * 10);
    values[e] = assTime(to * 10);
    out.push(`Dialogue: ${values.join(',')}`);
  }
  return out.join('\n');
}

function splitFields(text: string, count: number): string[] {
  const values: string[] = [];
  let rest = text;
  while (values.length < count - 1) {
    const comma = rest.indexOf(',');
    if (comma < 0) break;
    values.push(rest.slice(0, comma));
    rest = rest.slice(comma + 1);
  }
  values.push(rest);
  return values;
}

/** ASS `H:MM:SS.cc` → centiseconds. */
function centiseconds(time: string | undefined): number | undefined {
  const m = time ? /^\s*(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{1,3}))?\s*$/.exec(time) : null;
  if (!m) return undefined;
  const fraction = Math.round(Number(`0.${m[4] ?? '0'}`) * 100);
  return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 100 + fraction;
}
