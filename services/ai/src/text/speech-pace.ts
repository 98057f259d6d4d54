/**
 * How long narration takes to say, so ai.script can choose words that fill a target
 * length. ai.tts voices each sentence on its own and puts a pause between them, so a
 * sentence costs a fixed lead-in and tail (the engine's own silences) on top of its
 * syllables, and a comma or colon adds a short breath.
 *
 * The constants are fitted to the offline default voice (flite `slt` at rate 1, through
 * ai.tts with its default 250 ms pause): `node services/ai/dist/text/pace-calibration.js`
 * voices the script template's sentences and prints the fit (docs/benchmarks.md, "Script
 * length"). Provider voices speak at a similar pace; a script for them lands within a
 * few percent of the same length.
 */
import { splitSentences } from './sentences.js';
import { syllables } from './syllables.js';
import { words } from './words.js';

export interface SpeechPace {
  /** Seconds every sentence costs whatever its length (the voice's lead-in and tail). */
  perSentenceSec: number;
  perSyllableSec: number;
  /** A comma, colon or semicolon inside a sentence. */
  perBreakSec: number;
  /** ai.tts's pause between sentences (its `pauseMs` default). */
  pauseSec: number;
}

/** Fitted to flite slt through ai.tts (see the module comment). */
export const DEFAULT_PACE: SpeechPace = { perSentenceSec: 0.47, perSyllableSec: 0.21, perBreakSec: 0.31, pauseSec: 0.25 };

/** Seconds to say one sentence, without the pause after it. */
export function sentenceSeconds(sentence: string, pace: SpeechPace = DEFAULT_PACE): number {
  const syl = words(sentence).reduce((n, w) => n + syllables(w), 0);
  const breaks = (sentence.match(/[,;:—]/g) ?? []).length;
  return pace.perSentenceSec + syl * pace.perSyllableSec + breaks * pace.perBreakSec;
}

/** Seconds to say a run of texts in order as one track, pauses between sentences included. */
export function narrationSeconds(texts: readonly string[], pace: SpeechPace = DEFAULT_PACE): number {
  const sentences = texts.flatMap((t) => splitSentences(t));
  if (sentences.length === 0) return 0;
  return sentences.reduce((sum, s) => sum + sentenceSeconds(s, pace), 0) + (sentences.length - 1) * pace.pauseSec;
}

/** Words a writer should aim for to fill `seconds`, for a writer (a chat model) that does not count syllables. */
export function wordsForSeconds(seconds: number, pace: SpeechPace = DEFAULT_PACE): number {
  // A typical narration sentence: 10 words, 14 syllables, one break.
  const perSentence = pace.perSentenceSec + 14 * pace.perSyllableSec + pace.perBreakSec + pace.pauseSec;
  return Math.max(5, Math.round((seconds / perSentence) * 10));
}
