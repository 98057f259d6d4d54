import { describe, expect, it } from 'vitest';
import { fleschReadingEase, measure } from './readability.js';
import { splitSentences } from './sentences.js';
import { syllables } from './syllables.js';

describe('readability measurements', () => {
  it('counts syllables by vowel groups with the silent-e rule', () => {
    expect(['cat', 'table', 'reading', 'beautiful', 'made', 'hello'].map(syllables)).toEqual([1, 2, 2, 3, 1, 2]);
  });

  it('computes Flesch reading ease with the published constants', () => {
    expect(fleschReadingEase(100, 10, 130)).toBeCloseTo(206.835 - 10.15 - 109.98, 6);
  });

  it('does not end sentences at abbreviations or decimals', () => {
    expect(splitSentences('Dr. Smith paid 3.5 dollars. Then he left! Really?')).toEqual([
      'Dr. Smith paid 3.5 dollars.',
      'Then he left!',
      'Really?',
    ]);
  });

  it('measures words, sentences, pace and the speed a slot requires', () => {
    const m = measure('The cat sat on the mat. It was happy.', 2, 4);
    expect(m).toMatchObject({ words: 9, sentences: 2, longestSentenceWords: 6, estimatedSeconds: 4.5, requiredWordsPerSecond: 2.3 });
    expect(m.fleschReadingEase).toBeGreaterThan(90);
  });
});
