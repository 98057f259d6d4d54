/**
 * Flesch reading ease (1948): 206.835 − 1.015 × words per sentence − 84.6 × syllables
 * per word. 60–70 is plain English, 30–50 college level, below 30 very difficult.
 */
import { splitSentences } from './sentences.js';
import { syllables } from './syllables.js';
import { words } from './words.js';

export interface Readability {
  words: number;
  sentences: number;
  syllables: number;
  fleschReadingEase: number;
  averageWordsPerSentence: number;
  longestSentenceWords: number;
}

export function readability(text: string): Readability {
  const perSentence = splitSentences(text)
    .map((s) => words(s).length)
    .filter((n) => n > 0);
  const all = words(text);
  const syllableCount = all.reduce((sum, w) => sum + syllables(w), 0);
  const sentenceCount = Math.max(1, perSentence.length);
  return {
    words: all.length,
    sentences: perSentence.length,
    syllables: syllableCount,
    fleschReadingEase: all.length === 0 ? 0 : round1(fleschReadingEase(all.length, sentenceCount, syllableCount)),
    averageWordsPerSentence: round1(all.length / sentenceCount),
    longestSentenceWords: perSentence.length ? Math.max(...perSentence) : 0,
  };
}

export function fleschReadingEase(wordCount: number, sentenceCount: number, syllableCount: number): number {
  return 206.835 - 1.015 * (wordCount / sentenceCount) - 84.6 * (syllableCount / wordCount);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
