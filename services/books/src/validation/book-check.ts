/**
 * book.validate-book: the whole book — the introduction and conclusion where given, the
 * chapters numbered 1…N in order with distinct titles, as many as the outline planned,
 * each within its target — with totals, and no passage duplicated: every run of
 * `shingleWords` words is hashed, and a run found in two paragraphs (of one part or
 * two) is a duplicated passage.
 */
import type { BookChapter, BookValidationReport } from '@reelay/contracts';
import { lowerWords } from '../text/words.js';
import { partWords } from './length-check.js';
import { ReportBuilder } from './report.js';

export interface BookCheckInput {
  introduction?: BookChapter | undefined;
  chapters: readonly BookChapter[];
  conclusion?: BookChapter | undefined;
  expectedChapters?: number | undefined;
  targetWordsPerChapter?: number | undefined;
  tolerance: number;
  shingleWords: number;
}

/** Duplicates listed in a report before the rest are only counted. */
const MAX_LISTED_DUPLICATES = 10;

export function checkBook(input: BookCheckInput): BookValidationReport {
  const report = new ReportBuilder('book');
  if (input.introduction && input.introduction.kind !== 'introduction') {
    report.fail('PART_MISPLACED', `the introduction slot holds a ${input.introduction.kind}`, 'introduction');
  }
  if (input.conclusion && input.conclusion.kind !== 'conclusion') {
    report.fail('PART_MISPLACED', `the conclusion slot holds a ${input.conclusion.kind}`, 'conclusion');
  }
  if (input.expectedChapters !== undefined && input.chapters.length !== input.expectedChapters) {
    report.fail('CHAPTER_COUNT', `${input.chapters.length} chapters; the outline planned ${input.expectedChapters}`);
  }
  const titles = new Map<string, number>();
  input.chapters.forEach((chapter, i) => {
    const at = `chapter ${i + 1}`;
    if (chapter.kind !== 'chapter') report.fail('PART_MISPLACED', `chapter slot ${i + 1} holds the ${chapter.kind}`, at);
    if (chapter.number !== i + 1) report.fail('CHAPTER_OUT_OF_ORDER', `chapter slot ${i + 1} holds chapter ${chapter.number}`, at);
    const t = chapter.title.trim().toLowerCase();
    if (titles.has(t)) report.fail('CHAPTER_TITLE_DUPLICATE', `"${chapter.title}" is the title of chapter ${titles.get(t)! + 1} too`, at);
    else titles.set(t, i);
    if (input.targetWordsPerChapter !== undefined) {
      const words = partWords(chapter);
      const min = Math.ceil(input.targetWordsPerChapter * (1 - input.tolerance));
      const max = Math.floor(input.targetWordsPerChapter * (1 + input.tolerance));
      if (words < min || words > max)
        report.fail('CHAPTER_LENGTH', `${words} words; the target ${input.targetWordsPerChapter} allows ${min}–${max}`, at);
    }
  });

  const parts: { name: string; part: BookChapter }[] = [
    ...(input.introduction ? [{ name: 'introduction', part: input.introduction }] : []),
    ...input.chapters.map((part, i) => ({ name: `chapter ${i + 1}`, part })),
    ...(input.conclusion ? [{ name: 'conclusion', part: input.conclusion }] : []),
  ];
  const duplicates = findDuplicates(parts, input.shingleWords);
  for (const d of duplicates.slice(0, MAX_LISTED_DUPLICATES)) {
    report.fail(
      'DUPLICATED_PASSAGE',
      `"${d.sample}…" (${d.runs} overlapping ${input.shingleWords}-word runs) appears in ${d.first} and again`,
      d.second,
    );
  }
  if (duplicates.length > MAX_LISTED_DUPLICATES) {
    report.fail('DUPLICATED_PASSAGE', `${duplicates.length - MAX_LISTED_DUPLICATES} more duplicated passages`);
  }

  let words = 0;
  let paragraphs = 0;
  let citations = 0;
  for (const { part } of parts) {
    words += partWords(part);
    for (const s of part.sections) {
      paragraphs += s.paragraphs.length;
      for (const p of s.paragraphs) citations += p.citations.length;
    }
  }
  report.metric('parts', parts.length);
  report.metric('chapters', input.chapters.length);
  report.metric('words', words);
  report.metric(
    'chapterWords',
    input.chapters.reduce((n, c) => n + partWords(c), 0),
  );
  report.metric('paragraphs', paragraphs);
  report.metric('citations', citations);
  report.metric('duplicatedPassages', duplicates.length);
  return report.build(100 - 10 * report.reasons.length);
}

export interface Duplicate {
  first: string;
  second: string;
  sample: string;
  runs: number;
}

/** Pairs of paragraphs that share a run of `n` words, each pair once. */
export function findDuplicates(parts: readonly { name: string; part: BookChapter }[], n: number): Duplicate[] {
  const firstSeen = new Map<string, string>();
  const pairs = new Map<string, Duplicate>();
  for (const { name, part } of parts) {
    part.sections.forEach((section, si) => {
      section.paragraphs.forEach((paragraph, pi) => {
        const at = `${name} section ${si + 1} paragraph ${pi + 1}`;
        const ws = lowerWords(paragraph.text);
        const own = new Set<string>();
        for (let i = 0; i + n <= ws.length; i++) {
          const run = ws.slice(i, i + n).join(' ');
          if (own.has(run)) continue;
          own.add(run);
          const earlier = firstSeen.get(run);
          if (earlier === undefined) {
            firstSeen.set(run, at);
            continue;
          }
          const key = `${earlier}|${at}`;
          const pair = pairs.get(key);
          if (pair) pair.runs++;
          else pairs.set(key, { first: earlier, second: at, sample: ws.slice(i, i + n).join(' '), runs: 1 });
        }
      });
    });
  }
  return [...pairs.values()];
}
