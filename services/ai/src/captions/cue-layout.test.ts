import { describe, expect, it } from 'vitest';
import { layoutCues, wrap } from './cue-layout.js';
import { distributeWords } from './word-timings.js';

describe('caption cue layout', () => {
  it('wraps greedily without exceeding the line length', () => {
    expect(wrap(['Keep', 'every', 'sentence', 'simple', 'and', 'clear.'], 16)).toEqual(['Keep every', 'sentence simple', 'and clear.']);
  });

  it('gives an overlong word a line of its own instead of breaking it', () => {
    expect(wrap(['a', 'supercalifragilistic', 'b'], 10)).toEqual(['a', 'supercalifragilistic', 'b']);
  });

  it('spreads words over the sentence in proportion to their length, ending exactly at the sentence end', () => {
    const { words } = distributeWords({ index: 0, text: 'aaa b', startSec: 1, endSec: 2 });
    expect(words[0]).toEqual({ word: 'aaa', startSec: 1, endSec: 1 + 4 / 6 });
    expect(words[1]!.startSec).toBe(words[0]!.endSec);
    expect(words[1]!.endSec).toBe(2);
  });

  it('splits a sentence into cues within the line, line-count and duration limits, never across sentences', () => {
    const sentences = [
      { index: 0, text: 'Short videos grab attention in the first few seconds of every single scroll.', startSec: 0, endSec: 6 },
      { index: 1, text: 'Start bold.', startSec: 6.25, endSec: 7 },
    ];
    const cues = layoutCues(sentences.map(distributeWords), { maxCharsPerLine: 20, maxLines: 2, maxCueSeconds: 3 });
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(20);
      expect(cue.endSec - cue.startSec).toBeLessThanOrEqual(3);
    }
    const first = cues.filter((c) => c.sentenceIndex === 0);
    expect(first[0]!.startSec).toBe(0);
    expect(first.at(-1)!.endSec).toBe(6);
    expect(cues.at(-1)).toMatchObject({ startSec: 6.25, endSec: 7, lines: ['Start bold.'], sentenceIndex: 1 });
    expect(cues.map((c) => c.index)).toEqual(cues.map((_, i) => i + 1));
  });
});
