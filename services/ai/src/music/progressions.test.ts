import { describe, expect, it } from 'vitest';
import { seededRandom } from '../images/seeded-random.js';
import { arrange, frequency } from './progressions.js';
import { synthExpressions } from './synth-graph.js';

describe('music bed arrangement', () => {
  it('one seed and mood give one arrangement; the tempo stays in the mood’s range unless asked', () => {
    expect(arrange('friendly', seededRandom(3))).toEqual(arrange('friendly', seededRandom(3)));
    const friendly = arrange('friendly', seededRandom(3));
    expect(friendly.key).toBe('C major');
    expect(friendly.tempoBpm).toBeGreaterThanOrEqual(96);
    expect(friendly.tempoBpm).toBeLessThanOrEqual(108);
    expect(arrange('friendly', seededRandom(3), 150).tempoBpm).toBe(150);
  });

  it('chord symbols name the voicings played', () => {
    const a = arrange('mysterious', seededRandom(1));
    expect(a.key).toBe('A minor');
    expect(a.chords).toHaveLength(a.voicings.length);
    expect(a.chords[0]).toMatch(/^Am/);
    expect(a.voicings[0]![0]! % 12).toBe(9);
  });

  it('A4 is 440 Hz and an octave doubles it', () => {
    expect(frequency(69)).toBe(440);
    expect(frequency(81)).toBe(880);
  });

  it('each channel is one aevalsrc expression that reads every register it writes', () => {
    const [left, right] = synthExpressions(arrange('energetic', seededRandom(5)));
    for (const expr of [left, right]) {
      for (const register of [0, 1, 2, 3, 4, 5, 6, 7, 8]) expect(expr).toContain(`st(${register},`);
      expect(expr).not.toMatch(/[|']/); // the channel separator and filtergraph quoting stay outside
    }
    expect(right).not.toBe(left);
  });
});
