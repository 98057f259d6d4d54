import { describe, expect, it } from 'vitest';
import { templateScript } from './script-template.js';
import { narrationSeconds } from './speech-pace.js';

const request = { topic: 'three habits that make mornings easier', audience: 'a general audience', tone: 'friendly' as const };

describe('the offline script template', () => {
  it('chooses its words from targetSeconds: 10, 20 and 40 s scripts differ in length and each fills its target within 10%', () => {
    const counts = [10, 20, 40].map((targetSeconds) => {
      const script = templateScript({ ...request, targetSeconds, reservedSeconds: 0 });
      const seconds = narrationSeconds(script.scenes.map((s) => s.text));
      expect(Math.abs(seconds - targetSeconds) / targetSeconds).toBeLessThanOrEqual(0.1);
      return script.wordCount;
    });
    expect(counts[0]).toBeLessThan(counts[1]!);
    expect(counts[1]).toBeLessThan(counts[2]!);
  });

  it('leaves reservedSeconds unnarrated: a 20 s video with 4 s of cards gets about 16 s of narration', () => {
    const script = templateScript({ ...request, targetSeconds: 20, reservedSeconds: 4 });
    const seconds = narrationSeconds(script.scenes.map((s) => s.text));
    expect(Math.abs(seconds - 16) / 16).toBeLessThanOrEqual(0.1);
    // Scene durations are the narration's, not the whole video's.
    expect(Math.abs(script.totalSeconds - seconds)).toBeLessThan(0.5);
  });

  it('writes exactly sceneCount scenes when asked, for every count from 3 to 8', () => {
    for (let sceneCount = 3; sceneCount <= 8; sceneCount++) {
      const script = templateScript({ ...request, targetSeconds: 30, reservedSeconds: 0, sceneCount });
      expect(script.scenes).toHaveLength(sceneCount);
      expect(script.scenes.map((s) => s.index)).toEqual([...Array(sceneCount).keys()]);
    }
  });

  it('titles read as English: one step is "1 simple step", and the default audience is not in the title', () => {
    const short = templateScript({ ...request, targetSeconds: 10, reservedSeconds: 0 });
    const steps = Number(/(\d+) simple step/.exec(short.title)?.[1]);
    expect(steps).toBeGreaterThan(0);
    expect(short.title).toContain(steps === 1 ? '1 simple step' : `${steps} simple steps`);
    expect(short.title).not.toMatch(/\b1 simple steps\b/);
    expect(short.title).not.toContain('a general audience');
    const forBeginners = templateScript({ ...request, audience: 'beginners', targetSeconds: 20, reservedSeconds: 0 });
    expect(forBeginners.title).toMatch(/ for beginners$/);
  });
});
