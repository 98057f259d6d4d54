/**
 * Recognized words grouped by the transcript segment they fall in (a segment is an
 * utterance between pauses), so transcript captions break where the speaker paused.
 * Words outside every segment (or when an engine reports none) form their own group.
 */
import type { TimedWord, TranscriptSegment } from '@reelay/contracts';
import type { SentenceWords } from './word-timings.js';

export function groupBySegment(words: readonly TimedWord[], segments: readonly TranscriptSegment[]): SentenceWords[] {
  const groups: SentenceWords[] = [];
  let current: SentenceWords | undefined;
  for (const word of words) {
    const mid = (word.startSec + word.endSec) / 2;
    const found = segments.findIndex((s) => mid >= s.startSec && mid <= s.endSec);
    const index = found === -1 ? segments.length : found;
    if (!current || current.sentenceIndex !== index) {
      current = { sentenceIndex: index, words: [] };
      groups.push(current);
    }
    current.words.push(word);
  }
  return groups;
}
