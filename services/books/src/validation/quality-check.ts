/**
 * book.validate-quality: readability (Flesch reading ease over the paragraphs), repetition
 * (a sentence said twice; the share of four-word runs said more than once), formatting
 * (Markdown or markup left in the text, doubled spaces, unterminated paragraphs,
 * overlong sentences and paragraphs, unbalanced brackets) and headings (a title, a
 * heading on every section, none repeated, and more than one section in a long part).
 */
import type { BookChapter, BookValidationReport } from '@reelay/contracts';
import { readability } from '../text/readability.js';
import { splitSentences } from '../text/sentences.js';
import { countWords, lowerWords } from '../text/words.js';
import { partWords } from './length-check.js';
import { ReportBuilder, where } from './report.js';

export interface QualityOptions {
  minReadingEase: number;
}

/** Share of four-word runs said more than once above which a part reads as repetitive. */
const MAX_REPEATED_RUN_SHARE = 0.08;
const MAX_SENTENCE_WORDS = 60;
const MAX_PARAGRAPH_WORDS = 300;
/** A part longer than this wants more than one heading. */
const WORDS_PER_HEADING = 900;

export function checkQuality(part: BookChapter, options: QualityOptions = { minReadingEase: 30 }): BookValidationReport {
  const report = new ReportBuilder('quality');
  const text = part.sections.flatMap((s) => s.paragraphs.map((p) => p.text)).join('\n\n');
  const r = readability(text);
  report.metric('fleschReadingEase', r.fleschReadingEase);
  report.metric('averageWordsPerSentence', r.averageWordsPerSentence);
  report.metric('longestSentenceWords', r.longestSentenceWords);
  report.metric('sentences', r.sentences);
  if (r.words > 0 && r.fleschReadingEase < options.minReadingEase) {
    report.fail(
      'READABILITY_LOW',
      `Flesch reading ease ${r.fleschReadingEase}, below ${options.minReadingEase} (${r.averageWordsPerSentence} words a sentence)`,
    );
  }

  // Headings.
  if (!part.title.trim()) report.fail('TITLE_MISSING', 'the part has no title');
  const headings = new Map<string, number>();
  part.sections.forEach((s, si) => {
    const h = s.heading.trim().toLowerCase();
    if (!h) report.fail('HEADING_MISSING', 'a section without a heading', where(si));
    else if (headings.has(h)) report.fail('HEADING_DUPLICATE', `"${s.heading}" heads section ${headings.get(h)! + 1} already`, where(si));
    else headings.set(h, si);
  });
  const words = partWords(part);
  if (words > WORDS_PER_HEADING && part.sections.length < 2) {
    report.fail('HEADINGS_TOO_FEW', `${words} words under a single heading; break it into sections`);
  }

  // Repetition and formatting, paragraph by paragraph.
  const sentencesSeen = new Map<string, string>();
  part.sections.forEach((section, si) => {
    section.paragraphs.forEach((paragraph, pi) => {
      const at = where(si, pi);
      const t = paragraph.text;
      if (/(^|\s)#{1,6}\s|\*\*|__|`|<\/?[a-z][^>]*>|\[[^\]]*\]\([^)]*\)/i.test(t))
        report.fail('FORMATTING_MARKUP', 'Markdown or HTML markup left in the text', at);
      if (/ {2,}|\s[,.;:!?]/.test(t) || t !== t.trim())
        report.fail('FORMATTING_SPACING', 'doubled spaces or a space before punctuation', at);
      if (!/[.!?]["'”’)\]]*$/.test(t.trim())) report.fail('FORMATTING_UNTERMINATED', 'the paragraph does not end a sentence', at);
      if (count(t, '(') !== count(t, ')') || count(t, '[') !== count(t, ']')) report.fail('FORMATTING_BRACKETS', 'unbalanced brackets', at);
      const n = countWords(t);
      if (n > MAX_PARAGRAPH_WORDS) report.fail('PARAGRAPH_TOO_LONG', `${n} words in one paragraph (at most ${MAX_PARAGRAPH_WORDS})`, at);
      for (const sentence of splitSentences(t)) {
        const sw = countWords(sentence);
        if (sw > MAX_SENTENCE_WORDS) report.fail('SENTENCE_TOO_LONG', `a sentence of ${sw} words (at most ${MAX_SENTENCE_WORDS})`, at);
        const key = lowerWords(sentence).join(' ');
        if (countWords(sentence) < 4) continue;
        const first = sentencesSeen.get(key);
        if (first) report.fail('REPEATED_SENTENCE', `"${clip(sentence)}" is said in ${first} already`, at);
        else sentencesSeen.set(key, at);
      }
    });
  });
  const share = repeatedRunShare(lowerWords(text));
  report.metric('repeatedRunShare', share);
  if (share > MAX_REPEATED_RUN_SHARE) {
    report.fail(
      'REPETITIVE',
      `${Math.round(share * 100)}% of four-word runs are said more than once (at most ${MAX_REPEATED_RUN_SHARE * 100}%)`,
    );
  }
  // The score: reading ease mapped onto 0–100, less 10 for each problem found.
  const ease = Math.max(0, Math.min(100, r.fleschReadingEase + 30));
  return report.build(ease - 10 * report.reasons.length);
}

/** Share of four-word runs (of all runs) whose text occurs more than once. */
export function repeatedRunShare(ws: readonly string[]): number {
  if (ws.length < 4) return 0;
  const counts = new Map<string, number>();
  for (let i = 0; i + 4 <= ws.length; i++) {
    const run = ws.slice(i, i + 4).join(' ');
    counts.set(run, (counts.get(run) ?? 0) + 1);
  }
  let repeated = 0;
  for (const c of counts.values()) if (c > 1) repeated += c;
  return repeated / (ws.length - 3);
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
