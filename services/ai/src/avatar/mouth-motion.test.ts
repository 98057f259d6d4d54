import { describe, expect, it } from 'vitest';
import { seededRandom } from '../images/seeded-random.js';
import { blinkMask, frameRuns, loudnessEnvelope, mouthLevels } from './mouth-motion.js';

/** A sine burst of the given peak amplitude (0–1), `seconds` long at 16 kHz. */
function tone(seconds: number, amplitude: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * 16_000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.sin((2 * Math.PI * 200 * i) / 16_000) * amplitude * 32_767);
  return out;
}

const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('loudnessEnvelope', () => {
  it('gives one RMS level per 1/fps window, the floor for silence and about -3 dBFS for a full-scale sine', () => {
    const env = loudnessEnvelope(concat(tone(0.4, 0), tone(0.4, 1)), 16_000, 25);
    expect(env).toHaveLength(20);
    expect(env.slice(0, 10).every((db) => db === -100)).toBe(true);
    for (const db of env.slice(10)) expect(db).toBeCloseTo(-3.01, 1);
  });

  it('counts a last partial window as a frame', () => {
    expect(loudnessEnvelope(tone(0.05, 0.5), 16_000, 25)).toHaveLength(2);
  });
});

describe('mouthLevels', () => {
  it('keeps the mouth closed through silence and opens it wide on the loud part of the voice', () => {
    const levels = mouthLevels(loudnessEnvelope(concat(tone(0.4, 0), tone(0.4, 0.8), tone(0.4, 0)), 16_000, 25));
    expect(levels.slice(0, 10)).toEqual(new Array(10).fill(0));
    expect(levels.slice(10, 20)).toEqual(new Array(10).fill(3));
    expect(levels.slice(20)).toEqual(new Array(10).fill(0));
  });

  it('moves a quiet voice as much as a loud one: levels follow the voice, not full scale', () => {
    const loud = mouthLevels(loudnessEnvelope(concat(tone(0.4, 0.5), tone(0.4, 0.1)), 16_000, 25));
    const quiet = mouthLevels(loudnessEnvelope(concat(tone(0.4, 0.05), tone(0.4, 0.01)), 16_000, 25));
    expect(quiet).toEqual(loud);
    expect(loud[0]).toBe(3);
    expect(loud.at(-1)).toBeLessThan(3);
  });

  it('holds a level while the loudness hovers just under its threshold (hysteresis), and leaves it once clearly under', () => {
    // Thresholds are relative to the loud level (0 dB here): level 2 starts at -12 dB, level 1 at -24.
    const t = { silenceDbfs: -60, levelDb: [-24, -12, -5] as const, hysteresisDb: 3 };
    expect(mouthLevels([0, -11, -13, -14, -11, -13, -16, -11], t)).toEqual([3, 2, 2, 2, 2, 2, 1, 2]);
    // Without hysteresis the same frames flicker between 1 and 2.
    expect(mouthLevels([0, -11, -13, -14, -11, -13, -16, -11], { ...t, hysteresisDb: 0 })).toEqual([3, 2, 1, 1, 2, 1, 1, 2]);
  });

  it('closes at once on silence, whatever the level before', () => {
    const t = { silenceDbfs: -45, levelDb: [-24, -12, -5] as const, hysteresisDb: 3 };
    expect(mouthLevels([-3, -3, -80, -3], t)).toEqual([3, 3, 0, 3]);
  });

  it('is all closed for a silent voice', () => {
    expect(mouthLevels([-100, -100, -90])).toEqual([0, 0, 0]);
  });
});

describe('blinkMask and frameRuns', () => {
  it('blinks for three frames every 2.5–5 s, the same way for the same seed', () => {
    const mask = blinkMask(25 * 20, 25, seededRandom(7));
    expect(blinkMask(25 * 20, 25, seededRandom(7))).toEqual(mask);
    const starts = mask.flatMap((shut, i) => (shut && !mask[i - 1] ? [i] : []));
    expect(starts.length).toBeGreaterThanOrEqual(4);
    for (const [i, at] of starts.entries()) {
      // A blink the clip's end cuts short is shorter.
      expect(mask.slice(at, at + 3)).toEqual(new Array(Math.min(3, mask.length - at)).fill(true));
      if (i > 0) expect(at - starts[i - 1]!).toBeGreaterThanOrEqual(25 * 2.5 - 1);
    }
  });

  it('joins consecutive frames of one picture into runs', () => {
    expect(frameRuns(['a', 'a', 'b', 'a', 'a', 'a'])).toEqual([
      { variant: 'a', frames: 2 },
      { variant: 'b', frames: 1 },
      { variant: 'a', frames: 3 },
    ]);
  });
});
