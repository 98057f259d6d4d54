/**
 * Groups timed words into caption cues for vertical video: at most `maxLines` lines of
 * `maxCharsPerLine` characters and `maxCueSeconds` on screen. Cues never cross a
 * sentence (or transcript segment) boundary, so every sentence's first cue starts and
 * last cue ends exactly on the sentence's synthesis times. A single word longer than a
 * line gets a line of its own rather than being broken mid-word.
 */
import type { CaptionCue } from '@reelay/contracts';
import type { SentenceWords } from './word-timings.js';

export interface CueLimits {
  maxCharsPerLine: number;
  maxLines: number;
  maxCueSeconds: number;
}

export function layoutCues(groups: readonly SentenceWords[], limits: CueLimits): CaptionCue[] {
  const cues: CaptionCue[] = [];
  for (const group of groups) {
    let current: SentenceWords['words'] = [];
    const flush = () => {
      if (current.length === 0) return;
      cues.push({
        index: cues.length + 1,
        startSec: current[0]!.startSec,
        endSec: current[current.length - 1]!.endSec,
        lines: wrap(
          current.map((w) => w.word),
          limits.maxCharsPerLine,
        ),
        sentenceIndex: group.sentenceIndex,
      });
      current = [];
    };
    for (const word of group.words) {
      const candidate = [...current, word];
      const tooLong =
        wrap(
          candidate.map((w) => w.word),
          limits.maxCharsPerLine,
        ).length > limits.maxLines;
      const tooSlow = word.endSec - (current[0]?.startSec ?? word.startSec) > limits.maxCueSeconds;
      if (current.length > 0 && (tooLong || tooSlow)) flush();
      current.push(word);
    }
    flush();
  }
  return cues;
}

/** Greedy line fill; a line never ends up longer than `max` unless one word is. */
export function wrap(words: readonly string[], max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
