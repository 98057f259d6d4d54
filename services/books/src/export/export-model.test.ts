import type { BookChapter } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { buildExportBook, countWords, fileNameFor, partHeading } from './export-model.js';

const sources = [
  { id: 'A', title: 'Alpha Papers', author: 'Ann Author' },
  { id: 'B', title: 'Beta Letters', url: 'https://example.org/b' },
];

function part(
  kind: BookChapter['kind'],
  number: number,
  citations: BookChapter['sections'][number]['paragraphs'][number]['citations'][],
): BookChapter {
  return {
    kind,
    number,
    title: kind === 'chapter' ? `Part ${number}` : kind,
    sections: [{ heading: 'One', paragraphs: citations.map((c, i) => ({ text: `Paragraph  ${i}\nwith   words.`, citations: c })) }],
    words: 0,
  };
}

describe('the export model', () => {
  it('numbers notes through the whole book in reading order and keeps each part’s own', () => {
    const book = buildExportBook(
      {
        title: 'T',
        sources,
        parts: [
          part('introduction', 0, [[{ sourceId: 'A' }]]),
          part('chapter', 1, [[{ sourceId: 'B' }, { sourceId: 'A', quote: 'q' }], []]),
        ],
      },
      { quotesInNotes: true },
    );
    expect(book.parts.map((p) => p.notes.map((n) => n.number))).toEqual([[1], [2, 3]]);
    expect(book.parts[1]?.sections[0]?.paragraphs.map((p) => p.notes)).toEqual([[2, 3], []]);
    expect(book.parts[1]?.notes[1]?.text).toBe('Alpha Papers, Ann Author: “q”');
    expect(book.figures).toEqual({ words: 12, chapters: 1, notes: 3 });
  });

  it('collapses whitespace in paragraph text', () => {
    const book = buildExportBook({ title: 'T', sources, parts: [part('chapter', 1, [[]])] }, { quotesInNotes: true });
    expect(book.parts[0]?.sections[0]?.paragraphs[0]?.text).toBe('Paragraph 0 with words.');
  });

  it('makes one note of a source cited twice in a paragraph, and leaves quotes out when told to', () => {
    const book = buildExportBook(
      {
        title: 'T',
        sources,
        parts: [
          part('chapter', 1, [
            [
              { sourceId: 'A', quote: 'x' },
              { sourceId: 'A', quote: 'x' },
              { sourceId: 'A', quote: 'y' },
            ],
          ]),
        ],
      },
      { quotesInNotes: false },
    );
    expect(book.parts[0]?.notes.map((n) => n.text)).toEqual(['Alpha Papers, Ann Author.']);
  });

  it('refuses a citation of a source the manifest does not list, as permanent bad input', () => {
    expect(() =>
      buildExportBook({ title: 'T', sources, parts: [part('chapter', 2, [[{ sourceId: 'Z' }]])] }, { quotesInNotes: true }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        retryable: false,
        message: 'Chapter 2: Part 2 cites source "Z", which the manifest does not list',
      }),
    );
  });

  it('lists the bibliography in the manifest’s order, with URLs apart', () => {
    const book = buildExportBook({ title: 'T', sources, parts: [part('chapter', 1, [[]])] }, { quotesInNotes: true });
    expect(book.bibliography).toEqual([
      { sourceId: 'A', text: 'Ann Author. Alpha Papers.', url: undefined },
      { sourceId: 'B', text: 'Beta Letters.', url: 'https://example.org/b' },
    ]);
  });

  it('heads chapters with their number, the introduction and conclusion with their title', () => {
    expect(partHeading({ kind: 'chapter', number: 4, title: ' The  End ' })).toBe('Chapter 4: The End');
    expect(partHeading({ kind: 'conclusion', number: 0, title: 'Afterword' })).toBe('Afterword');
  });

  it('counts words and names files from titles', () => {
    expect(countWords('  one two\nthree ')).toBe(3);
    expect(countWords('   ')).toBe(0);
    expect(fileNameFor('Ada Lovelace: Éléments & “Notes”')).toBe('ada-lovelace-elements-notes');
    expect(fileNameFor('—')).toBe('book');
  });
});
