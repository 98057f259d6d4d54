/**
 * Each script scene's time on screen, from its sentences' voice timings: scene k starts
 * when its first sentence does (the first scene at 0, so the picture is up before the
 * voice) and ends when the next scene starts; the last one is held `tailSec` past the
 * voice. Durations therefore add up to the voice's length plus the tail — what
 * media.render's scene durations (with transitionTiming `hold`) need to stay on the voice.
 */
import type { CaptionScene, TimedSentence } from '@reelay/contracts';

export function sceneSpans(sentences: readonly TimedSentence[], tailSec: number): CaptionScene[] | undefined {
  if (sentences.length === 0 || sentences.some((s) => s.sceneIndex === undefined)) return undefined;
  const starts = new Map<number, number>();
  let end = 0;
  for (const s of sentences) {
    const k = s.sceneIndex!;
    starts.set(k, Math.min(starts.get(k) ?? Number.POSITIVE_INFINITY, s.startSec));
    end = Math.max(end, s.endSec);
  }
  const order = [...starts.entries()].sort((a, b) => a[1] - b[1]);
  return order.map(([sceneIndex, start], i) => {
    const startSec = i === 0 ? 0 : start;
    const endSec = i < order.length - 1 ? order[i + 1]![1] : end + tailSec;
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return { sceneIndex, startSec: round(startSec), endSec: round(endSec), durationSec: Math.max(0.001, round(endSec - startSec)) };
  });
}
