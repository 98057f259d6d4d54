import { WordCaptionStyle } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { type AlignedWord, proportional, tokenize } from './forced-alignment.js';
import { sceneSpans } from './scene-spans.js';
import { groupWordCues, type ResolvedWordStyle, wordCaptionsAss } from './word-captions.js';

const style = (o: WordCaptionStyle = {}) => WordCaptionStyle.parse(o) as ResolvedWordStyle;
const word = (w: string, startSec: number, endSec: number, sentenceIndex = 0): AlignedWord => ({
  word: w,
  startSec,
  endSec,
  sentenceIndex,
  source: 'forced-alignment',
});

describe('word captions', () => {
  it('cues hold at most maxWordsPerCue words and break at sentence ends, pauses and full stops', () => {
    const words = [
      word('Mornings', 0, 0.4),
      word('get', 0.4, 0.6),
      word('easier', 0.6, 1),
      word('with', 1, 1.2),
      word('habits.', 1.2, 1.6),
      word('Start', 1.7, 2, 1),
      word('now', 3, 3.3, 1), // a 1 s pause before it
    ];
    const cues = groupWordCues(words, style({ maxWordsPerCue: 3 }));
    expect(cues.map((c) => c.words.map((w) => w.word))).toEqual([['Mornings', 'get', 'easier'], ['with', 'habits.'], ['Start'], ['now']]);
  });

  it('each word of a cue is an event from its start to the next word’s, with that word highlighted', () => {
    const ass = wordCaptionsAss([word('one,', 1, 1.3), word('two', 1.3, 1.8)], style({ highlightColour: '#FFD400', position: 'middle' }));
    expect(ass).toContain('[V4+ Styles]');
    expect(ass).toContain('PlayResX: 1080\nPlayResY: 1920');
    const style5 = ass
      .split('\n')
      .find((l) => l.startsWith('Style: Word,'))
      ?.split(',');
    expect(style5?.[18]).toBe('5'); // numpad middle-centre
    const events = ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
    expect(events).toEqual([
      'Dialogue: 0,0:00:01.00,0:00:01.30,Word,,0,0,0,,{\\1c&H00D4FF&\\fscx112\\fscy112}ONE{\\r} TWO',
      'Dialogue: 0,0:00:01.30,0:00:02.05,Word,,0,0,0,,ONE {\\1c&H00D4FF&\\fscx112\\fscy112}TWO{\\r}',
    ]);
  });

  it("by default captions sit at the bottom of the lower third, clear of the platforms' UI: 22% up an upright frame, 8% up a landscape one", () => {
    const styleLine = (o: WordCaptionStyle) =>
      wordCaptionsAss([word('one', 1, 1.3)], style(o))
        .split('\n')
        .find((l) => l.startsWith('Style: Word,'))
        ?.split(',');
    const upright = styleLine({});
    expect([upright?.[18], upright?.[21]]).toEqual(['2', '422']);
    const landscape = styleLine({ width: 1920, height: 1080 });
    expect([landscape?.[18], landscape?.[21]]).toEqual(['2', '86']);
    // Alignment, side margins (7% of the width) and the margin asked for.
    expect(styleLine({ position: 'top', marginPx: 150 })?.slice(18, 22)).toEqual(['8', '76', '76', '150']);
  });

  it('tokens keep what is shown and what is said apart: punctuation rides along, hyphenated words are two', () => {
    expect(tokenize('Flat-pack furniture — easy, right?')).toEqual([
      { text: 'Flat-pack', spoken: ['flat', 'pack'] },
      { text: 'furniture —', spoken: ['furniture'] },
      { text: 'easy,', spoken: ['easy'] },
      { text: 'right?', spoken: ['right'] },
    ]);
    const spread = proportional({ index: 2, text: 'Hello — world', startSec: 1, endSec: 2 });
    expect(spread.map((w) => w.word)).toEqual(['Hello —', 'world']);
    expect(spread[0]?.startSec).toBe(1);
    expect(spread[1]?.endSec).toBe(2);
  });

  it('scene spans start at 0, follow each scene’s first sentence, and hold the last past the voice', () => {
    const spans = sceneSpans(
      [
        { index: 0, text: 'a', startSec: 0.1, endSec: 1, sceneIndex: 0 },
        { index: 1, text: 'b', startSec: 1.25, endSec: 2, sceneIndex: 1 },
        { index: 2, text: 'c', startSec: 2.25, endSec: 3, sceneIndex: 1 },
        { index: 3, text: 'd', startSec: 3.25, endSec: 4, sceneIndex: 2 },
      ],
      0.5,
    );
    expect(spans).toEqual([
      { sceneIndex: 0, startSec: 0, endSec: 1.25, durationSec: 1.25 },
      { sceneIndex: 1, startSec: 1.25, endSec: 3.25, durationSec: 2 },
      { sceneIndex: 2, startSec: 3.25, endSec: 4.5, durationSec: 1.25 },
    ]);
    expect(sceneSpans([{ index: 0, text: 'a', startSec: 0, endSec: 1 }], 0.5)).toBeUndefined();
  });
});
