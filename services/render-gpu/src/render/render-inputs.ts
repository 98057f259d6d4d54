import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TextCard } from '@reelay/contracts';
import type { PlannedCard } from '../tasks/render-graph.js';
import { type CaptionWindow, clipDialogue, isAssScript, type ResolvedSubtitleStyle, srtToAss } from './ass-script.js';
import { layoutCard, type ResolvedCard } from './text-card.js';

/**
 * The files a render's graph reads besides its media, written into the job's directory:
 * the subtitles as an ASS script, and each card's lines of text (drawtext `textfile`s).
 * Names are ours; nothing a user wrote reaches a path or the filter graph.
 */

/**
 * Debian's fonts-dejavu-core (a dependency of ffmpeg's libass through fontconfig): a
 * bold face for the cards. drawtext's fontconfig lookup in ffmpeg 5.1 ignores styles,
 * so the file is named; fontconfig's regular DejaVu Sans when it is not there.
 */
export const TITLE_FONT_FILE: Promise<string | undefined> = access('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf').then(
  () => '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  () => undefined,
);

export interface SubtitlesToPrepare {
  dir: string;
  /** The downloaded subtitles, in `dir`: an SRT, or an ASS script (ai.captions' word captions). */
  file: string;
  style: ResolvedSubtitleStyle;
  width: number;
  height: number;
  /** Where captions may show on the body's timeline (clear of the title card and outro); everywhere when absent. */
  window?: CaptionWindow | undefined;
}

/**
 * An ASS script is burned as written, an SRT styled into one for the frame; either is
 * then cut to the caption window. Returns the file name in `dir`.
 */
export async function preparedSubtitles({ dir, file, style, width, height, window }: SubtitlesToPrepare): Promise<string> {
  const text = await readFile(path.join(dir, file), 'utf8');
  const script = isAssScript(text) ? text : srtToAss(text, style, width, height);
  if (script === text && !window) return file;
  await writeFile(path.join(dir, 'subtitles-styled.ass'), window ? clipDialogue(script, window) : script);
  return 'subtitles-styled.ass';
}

/** Lays a card out and writes its lines. */
export async function preparedCard(
  dir: string,
  card: TextCard,
  which: 'title' | 'outro',
  width: number,
  height: number,
): Promise<PlannedCard> {
  // The worker's parse filled in every default.
  const resolved = card as ResolvedCard;
  const layout = layoutCard(resolved, width, height, `${which}-line`);
  for (const line of [...layout.lines, ...layout.subtitleLines]) await writeFile(path.join(dir, line.file), line.text);
  return { card: resolved, layout };
}
