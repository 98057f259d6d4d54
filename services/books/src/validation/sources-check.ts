/**
 * book.validate-sources: every factual paragraph cites a supplied source, every citation
 * names a supplied source, carries its quote, and the quote occurs in that source's text
 * (white space collapsed on both sides, as sources wrap lines anywhere).
 *
 * A paragraph counts as factual when it holds a figure or a proper noun — a capitalised
 * word not at a sentence's start that is not one of the book's own names (its part
 * title, section headings, the sources' titles and authors). Connective text ("The
 * account moves on to…") is neither and needs no citation.
 */
import type { BookChapter, BookValidationReport } from '@reelay/contracts';
import type { SourceText } from '../generation/source-corpus.js';
import { splitSentences } from '../text/sentences.js';
import { normalizeSpace, words } from '../text/words.js';
import { ReportBuilder, where } from './report.js';

export function checkSources(part: BookChapter, sources: readonly SourceText[]): BookValidationReport {
  const report = new ReportBuilder('sources');
  const texts = new Map(sources.map((s) => [s.id, normalizeQuote(s.text)]));
  const ownNames = new Set(
    [part.title, ...part.sections.map((s) => s.heading), ...sources.flatMap((s) => [s.title, s.author ?? ''])].flatMap((t) =>
      words(t).map((w) => w.toLowerCase()),
    ),
  );
  let paragraphs = 0;
  let factual = 0;
  let citations = 0;
  let resolved = 0;
  part.sections.forEach((section, si) => {
    section.paragraphs.forEach((paragraph, pi) => {
      paragraphs++;
      const isFactual = looksFactual(paragraph.text, ownNames);
      if (isFactual) factual++;
      if (isFactual && paragraph.citations.length === 0) {
        report.fail('UNCITED_PARAGRAPH', 'a factual paragraph (figures or names) cites no source', where(si, pi));
      }
      paragraph.citations.forEach((citation, ci) => {
        citations++;
        const at = `citation ${ci + 1} of ${where(si, pi)}`;
        const text = texts.get(citation.sourceId);
        if (text === undefined) {
          report.fail('UNKNOWN_SOURCE', `cites "${citation.sourceId}", which is not one of the supplied sources`, at);
          return;
        }
        if (!citation.quote?.trim()) {
          report.fail('QUOTE_MISSING', 'a citation without the passage it rests on cannot be checked', at);
          return;
        }
        if (!text.includes(normalizeQuote(citation.quote))) {
          report.fail('QUOTE_NOT_FOUND', `the quoted passage "${clip(citation.quote)}" does not occur in source ${citation.sourceId}`, at);
          return;
        }
        resolved++;
      });
    });
  });
  report.metric('paragraphs', paragraphs);
  report.metric('factualParagraphs', factual);
  report.metric('citations', citations);
  report.metric('resolvedCitations', resolved);
  const uncited = report.reasons.filter((r) => r.code === 'UNCITED_PARAGRAPH').length;
  const score = 100 * (citations ? resolved / citations : 1) * (factual ? 1 - uncited / factual : 1);
  return report.build(score);
}

function looksFactual(text: string, ownNames: Set<string>): boolean {
  if (/\d/.test(text)) return true;
  for (const sentence of splitSentences(text)) {
    const ws = words(sentence);
    for (let i = 1; i < ws.length; i++) {
      const w = ws[i]!;
      if (/^\p{Lu}/u.test(w) && w !== 'I' && !ownNames.has(w.toLowerCase())) return true;
    }
  }
  return false;
}

/** White space collapsed and typographic quotes straightened, on both sides of the match. */
function normalizeQuote(text: string): string {
  return normalizeSpace(text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"'));
}

function clip(text: string): string {
  const t = normalizeSpace(text);
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}
