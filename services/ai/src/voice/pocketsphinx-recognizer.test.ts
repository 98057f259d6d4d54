import { describe, expect, it } from 'vitest';
import { parsePocketsphinx } from './pocketsphinx-recognizer.js';

// Real pocketsphinx_continuous -time yes output: a hypothesis line, then one line per word.
const OUTPUT = `short videos grab attention
<s> 0.000 0.110 0.999400
short 0.120 0.460 0.614740
videos(2) 0.470 0.900 0.369644
<sil> 0.910 0.950 0.709610
grab 0.960 1.210 0.601903
</s> 1.220 1.300 1.000000
attention
<s> 2.000 2.050 0.999400
[NOISE] 2.060 2.100 0.500000
attention 2.110 2.720 0.967825
</s> 2.730 2.800 1.000000
`;

describe('pocketsphinx output parsing', () => {
  it('keeps words with times and confidence, drops markers and alternate-pronunciation suffixes', () => {
    const parsed = parsePocketsphinx(OUTPUT);
    expect(parsed.words.map((w) => w.word)).toEqual(['short', 'videos', 'grab', 'attention']);
    expect(parsed.words[1]).toEqual({ word: 'videos', startSec: 0.47, endSec: 0.9, confidence: 0.369644 });
    expect(parsed.text).toBe('short videos grab attention');
  });

  it('makes one segment per utterance', () => {
    expect(parsePocketsphinx(OUTPUT).segments).toEqual([
      { startSec: 0.12, endSec: 1.21, text: 'short videos grab' },
      { startSec: 2.11, endSec: 2.72, text: 'attention' },
    ]);
  });
});
