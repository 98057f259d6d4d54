import type { BookChapter } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import type { SourceText } from '../generation/source-corpus.js';
import { readability } from '../text/readability.js';
import { syllables } from '../text/syllables.js';
import { checkBook } from './book-check.js';
import { checkLength } from './length-check.js';
import { checkQuality } from './quality-check.js';
import { checkSources } from './sources-check.js';

const source: SourceText = {
  id: 'S1',
  title: 'Harbour Notes',
  text: 'The lighthouse at Rona was lit in 1857.\nIts keepers kept the lamp burning through\nevery winter storm. The tower stands on a bare rock.',
};

function part(paragraphs: BookChapter['sections'][number]['paragraphs'][], over: Partial<BookChapter> = {}): BookChapter {
  const sections = paragraphs.map((ps, i) => ({ heading: `Heading ${i + 1}`, paragraphs: ps }));
  const words = sections.reduce(
    (n, s) => n + s.paragraphs.reduce((m, p) => m + (p.text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0), 0),
    0,
  );
  return { kind: 'chapter', number: 1, title: 'The Light', sections, words, ...over };
}

describe('readability', () => {
  it('counts syllables by rule', () => {
    expect(['cat', 'table', 'beautiful', 'lighthouse', 'the', 'wanted', 'hopes'].map(syllables)).toEqual([1, 2, 3, 2, 1, 2, 1]);
  });

  it('scores plain short sentences high and long learned ones low (Flesch reading ease)', () => {
    const easy = readability('The cat sat on the mat. The dog ran to the park. We had fun in the sun.');
    expect(easy.sentences).toBe(3);
    expect(easy.fleschReadingEase).toBeGreaterThan(100);
    const hard = readability(
      'The institutionalisation of evolutionary epistemology necessitated considerable methodological reconsideration among contemporary philosophical practitioners.',
    );
    expect(hard.fleschReadingEase).toBeLessThan(0);
  });

  it('fails a part below the reading-ease floor and passes one above it', () => {
    const hard = part([
      [{ text: 'Institutionalised evolutionary epistemology necessitated considerable methodological reconsideration.', citations: [] }],
    ]);
    expect(checkQuality(hard, { minReadingEase: 30 }).reasons.map((r) => r.code)).toContain('READABILITY_LOW');
    const easy = part([[{ text: 'The lamp was lit at dusk. The keepers slept by day.', citations: [] }]]);
    expect(checkQuality(easy, { minReadingEase: 30 }).passed).toBe(true);
  });
});

describe('the quality check', () => {
  it('finds repeated sentences, markup, duplicate headings and missing punctuation', () => {
    const bad: BookChapter = {
      kind: 'chapter',
      number: 1,
      title: 'The Light',
      words: 20,
      sections: [
        { heading: 'Keepers', paragraphs: [{ text: '**Bold** words here. The lamp was lit at dusk each day.', citations: [] }] },
        { heading: 'keepers', paragraphs: [{ text: 'The lamp was lit at dusk each day. And then', citations: [] }] },
      ],
    };
    const codes = checkQuality(bad).reasons.map((r) => r.code);
    expect(codes).toEqual(
      expect.arrayContaining(['REPEATED_SENTENCE', 'FORMATTING_MARKUP', 'HEADING_DUPLICATE', 'FORMATTING_UNTERMINATED']),
    );
  });
});

describe('the source check', () => {
  it('passes a paragraph whose quote occurs in its source, line breaks and all', () => {
    const ok = part([
      [
        {
          text: 'Its keepers kept the lamp burning through every winter storm.',
          citations: [{ sourceId: 'S1', quote: 'Its keepers kept the lamp burning through every winter storm.' }],
        },
      ],
    ]);
    expect(checkSources(ok, [source]).passed).toBe(true);
  });

  it('fails an unknown source, a quote the source does not hold, and a factual paragraph without a citation', () => {
    const bad = part([
      [
        { text: 'The lighthouse at Rona was lit in 1857.', citations: [{ sourceId: 'S9', quote: 'lit in 1857' }] },
        { text: 'The lighthouse at Rona was lit in 1901.', citations: [{ sourceId: 'S1', quote: 'lit in 1901' }] },
        { text: 'The keepers came from Stornoway.', citations: [] },
        { text: 'The account moves on to the keepers.', citations: [] },
      ],
    ]);
    const report = checkSources(bad, [source]);
    expect(report.passed).toBe(false);
    expect(report.reasons.map((r) => [r.code, r.where])).toEqual([
      ['UNKNOWN_SOURCE', 'citation 1 of section 1 paragraph 1'],
      ['QUOTE_NOT_FOUND', 'citation 1 of section 1 paragraph 2'],
      ['UNCITED_PARAGRAPH', 'section 1 paragraph 3'],
    ]);
  });
});

describe('the length check', () => {
  it('passes within ±10% of the target and fails outside it', () => {
    const text = Array.from({ length: 95 }, () => 'word').join(' ');
    const p = part([[{ text: `${text}.`, citations: [] }]]);
    expect(checkLength(p, 100).passed).toBe(true);
    expect(checkLength(p, 120).reasons[0]?.code).toBe('LENGTH_SHORT');
    expect(checkLength(p, 80).reasons[0]?.code).toBe('LENGTH_LONG');
  });
});

describe('the book check', () => {
  const passage = 'The keepers of the Rona light rowed ashore each spring to fetch oil, bread and letters from the mainland.';
  const chapter = (number: number, text: string): BookChapter => ({
    ...part([[{ text, citations: [] }]]),
    number,
    title: `Chapter ${number}`,
  });

  it('catches a passage copied from one chapter into another', () => {
    const report = checkBook({
      chapters: [chapter(1, passage), chapter(2, `Much later, it was said that ${passage.toLowerCase()}`)],
      tolerance: 0.1,
      shingleWords: 8,
    });
    expect(report.passed).toBe(false);
    expect(report.reasons[0]).toMatchObject({ code: 'DUPLICATED_PASSAGE', where: 'chapter 2 section 1 paragraph 1' });
    expect(report.metrics.duplicatedPassages).toBe(1);
  });

  it('finds chapters missing or out of order', () => {
    const report = checkBook({
      chapters: [chapter(2, 'One text here for the chapter.'), chapter(1, 'Another and quite different text.')],
      expectedChapters: 3,
      tolerance: 0.1,
      shingleWords: 8,
    });
    expect(report.reasons.map((r) => r.code)).toEqual(['CHAPTER_COUNT', 'CHAPTER_OUT_OF_ORDER', 'CHAPTER_OUT_OF_ORDER']);
  });
});
