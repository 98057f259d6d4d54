/**
 * ai.quality's offline judgement: readability (Flesch), sentence length, pacing against
 * the slot, and whether the opening line is short enough to hook in the first seconds.
 * Each check says why it passed or failed in numbers a writer can act on.
 */
import type { QualityCheck, QualityMetrics } from '@reelay/contracts';
import { splitSentences } from './sentences.js';
import { words } from './words.js';

export interface QualityVerdict {
  score: number;
  passed: boolean;
  checks: QualityCheck[];
}

/** A verdict passes at this score with no failed pacing check. */
export const PASS_SCORE = 70;

export function judge(text: string, metrics: QualityMetrics, wordsPerSecond: number, targetSeconds?: number): QualityVerdict {
  const checks: QualityCheck[] = [
    readability(metrics),
    sentenceLength(metrics),
    pacing(metrics, wordsPerSecond, targetSeconds),
    hook(text),
  ];
  const score = Math.round(checks.reduce((sum, c) => sum + c.score, 0) / checks.length);
  const pacingFailed = checks.some((c) => c.name === 'pacing' && !c.passed);
  return { score, passed: score >= PASS_SCORE && !pacingFailed, checks };
}

function readability(m: QualityMetrics): QualityCheck {
  // 60+ is plain English; below 30 is academic prose, too dense to follow by ear.
  const score = clamp(((m.fleschReadingEase - 30) / 40) * 100);
  const passed = m.fleschReadingEase >= 60;
  return {
    name: 'readability',
    passed,
    score,
    reason: passed
      ? `Flesch reading ease ${m.fleschReadingEase}: easy to follow by ear`
      : `Flesch reading ease ${m.fleschReadingEase} (aim for 60+): use shorter words and sentences`,
  };
}

function sentenceLength(m: QualityMetrics): QualityCheck {
  const over = Math.max(0, m.averageWordsPerSentence - 15) * 5 + Math.max(0, m.longestSentenceWords - 25) * 3;
  const score = clamp(100 - over);
  const passed = m.averageWordsPerSentence <= 20 && m.longestSentenceWords <= 30;
  return {
    name: 'sentence-length',
    passed,
    score,
    reason: passed
      ? `${m.averageWordsPerSentence} words per sentence on average, longest ${m.longestSentenceWords}`
      : `sentences run long (average ${m.averageWordsPerSentence}, longest ${m.longestSentenceWords} words): split them, a listener cannot re-read`,
  };
}

function pacing(m: QualityMetrics, wordsPerSecond: number, targetSeconds?: number): QualityCheck {
  if (targetSeconds === undefined) {
    // No slot given: judge against short-form video, where under a minute keeps viewers.
    const passed = m.estimatedSeconds >= 5 && m.estimatedSeconds <= 60;
    const score = passed ? 100 : clamp(100 - Math.abs(m.estimatedSeconds - (m.estimatedSeconds < 5 ? 5 : 60)) * 2);
    return {
      name: 'length',
      passed,
      score,
      reason: `about ${m.estimatedSeconds} s at ${wordsPerSecond} words/s${passed ? '' : ': short-form video works best between 5 and 60 s'}`,
    };
  }
  const ratio = m.estimatedSeconds / targetSeconds;
  const passed = ratio >= 0.85 && ratio <= 1.1;
  const score = clamp(100 - Math.abs(1 - ratio) * 200);
  const fitWords = Math.round(targetSeconds * wordsPerSecond);
  const advice = ratio > 1.1 ? `cut about ${m.words - fitWords} words` : ratio < 0.85 ? `add about ${fitWords - m.words} words` : 'fits';
  return {
    name: 'pacing',
    passed,
    score,
    reason: `takes about ${m.estimatedSeconds} s at ${wordsPerSecond} words/s for a ${targetSeconds} s slot (needs ${m.requiredWordsPerSecond} words/s): ${advice}`,
  };
}

function hook(text: string): QualityCheck {
  const first = splitSentences(text)[0] ?? '';
  const n = words(first).length;
  // About three seconds of speech: the window in which viewers decide to stay.
  const passed = n > 0 && n <= 12;
  const score = n === 0 ? 0 : clamp(100 - Math.max(0, n - 12) * 8);
  return {
    name: 'hook',
    passed,
    score,
    reason: passed ? `opening line is ${n} words: lands within about 3 s` : `opening line is ${n} words: keep the hook to 12 or fewer`,
  };
}

const clamp = (n: number) => Math.round(Math.min(100, Math.max(0, n)));
