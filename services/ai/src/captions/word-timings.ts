/**
 * Word times inside a sentence whose start and end are known (from synthesis): the
 * sentence's span is shared among its words in proportion to their length in characters
 * (plus one for the gap), a good proxy for how long each takes to say. The first word
 * starts at the sentence start and the last ends at its end, exactly.
 */
import type { TimedSentence, TimedWord } from '@reelay/contracts';

export interface SentenceWords {
  sentenceIndex: number;
  words: TimedWord[];
}

export function distributeWords(sentence: TimedSentence): SentenceWords {
  const tokens = sentence.text.split(/\s+/).filter(Boolean);
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const span = sentence.endSec - sentence.startSec;
  let at = sentence.startSec;
  let acc = 0;
  const words: TimedWord[] = tokens.map((word, i) => {
    acc += weights[i]!;
    const end = i === tokens.length - 1 ? sentence.endSec : sentence.startSec + (span * acc) / total;
    const timed = { word, startSec: at, endSec: end };
    at = end;
    return timed;
  });
  return { sentenceIndex: sentence.index, words };
}
