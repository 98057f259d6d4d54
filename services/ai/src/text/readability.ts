/**
 * Plain measurements of a narration: Flesch reading ease, sentence lengths, and how long
 * it takes to say at a given pace. ai.quality's offline checks are built on these, and
 * the provider path reports them too, so scores can be compared across engines.
 */
import type { QualityMetrics } from '@reelay/contracts';
import { splitSentences } from './sentences.js';
import { syllables } from './syllables.js';
import { words } from './words.js';

export function measure(text: string, wordsPerSecond: number, targetSeconds?: number): QualityMetrics {
  const sentences = splitSentences(text);
  const allWords = words(text);
  const perSentence = sentences.map((s) => words(s).length).filter((n) => n > 0);
  const wordCount = allWords.length;
  const sentenceCount = Math.max(1, perSentence.length);
  const syllableCount = allWords.reduce((sum, w) => sum + syllables(w), 0);
  const metrics: QualityMetrics = {
    words: wordCount,
    sentences: perSentence.length,
    syllables: syllableCount,
    fleschReadingEase: wordCount === 0 ? 0 : round1(fleschReadingEase(wordCount, sentenceCount, syllableCount)),
    averageWordsPerSentence: round1(wordCount / sentenceCount),
    longestSentenceWords: perSentence.length ? Math.max(...perSentence) : 0,
    estimatedSeconds: round1(wordCount / wordsPerSecond),
  };
  if (targetSeconds !== undefined) metrics.requiredWordsPerSecond = round1(wordCount / targetSeconds);
  return metrics;
}

/** Flesch (1948): 206.835 − 1.015 (words/sentences) − 84.6 (syllables/words). */
export function fleschReadingEase(wordCount: number, sentenceCount: number, syllableCount: number): number {
  return 206.835 - 1.015 * (wordCount / sentenceCount) - 84.6 * (syllableCount / wordCount);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
