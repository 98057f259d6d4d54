/** book.validate-length: a part's words (paragraph text; headings do not count) against its target. */
import type { BookChapter, BookValidationReport } from '@reelay/contracts';
import { countWords } from '../text/words.js';
import { ReportBuilder } from './report.js';

export function partWords(part: BookChapter): number {
  return part.sections.reduce((sum, s) => sum + s.paragraphs.reduce((n, p) => n + countWords(p.text), 0), 0);
}

export function checkLength(part: BookChapter, targetWords: number, tolerance = 0.1): BookValidationReport {
  const report = new ReportBuilder('length');
  const words = partWords(part);
  const min = Math.ceil(targetWords * (1 - tolerance));
  const max = Math.floor(targetWords * (1 + tolerance));
  report.metric('words', words);
  report.metric('target', targetWords);
  report.metric('min', min);
  report.metric('max', max);
  if (words < min)
    report.fail('LENGTH_SHORT', `${words} words, below the ${min} that ${targetWords} ±${Math.round(tolerance * 100)}% allows`);
  if (words > max)
    report.fail('LENGTH_LONG', `${words} words, above the ${max} that ${targetWords} ±${Math.round(tolerance * 100)}% allows`);
  if (part.words !== words) report.fail('WORD_COUNT_WRONG', `the part says it has ${part.words} words; its paragraphs have ${words}`);
  const deviation = Math.abs(words - targetWords) / targetWords;
  return report.build(100 * (1 - Math.min(1, deviation / Math.max(tolerance, 0.01) / 2)));
}
