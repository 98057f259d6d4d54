import type { BookChapter, BookPartKind, BookSourceRef } from '@reelay/contracts';
import { ErrorCode } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';

/**
 * The one place a book becomes what every export format prints: part headings, citation
 * notes numbered in reading order, bibliography entries and the figures a job reports.
 * Markdown, Word and PDF all render this model, so a note is number 7 in all three.
 * Pure: loading the chapters is book-content.ts's job.
 */

/** A book as export takes it: the manifest's front matter and its parts, loaded, in order. */
export interface Book {
  title: string;
  subtitle?: string | undefined;
  author?: string | undefined;
  sources: BookSourceRef[];
  parts: BookChapter[];
}

export interface ExportNote {
  /** 1-based, continuous through the book. */
  number: number;
  sourceId: string;
  /** "Title, Author: “quote”" — what a footnote or endnote says. */
  text: string;
}

export interface ExportParagraph {
  /** Whitespace collapsed to single spaces. */
  text: string;
  /** The numbers of the notes this paragraph calls. */
  notes: number[];
}

export interface ExportSection {
  heading: string;
  paragraphs: ExportParagraph[];
}

export interface ExportPart {
  kind: BookPartKind;
  number: number;
  /** "Chapter 3: The Long Voyage"; the introduction and conclusion by their own title. */
  heading: string;
  sections: ExportSection[];
  /** This part's notes, in order. */
  notes: ExportNote[];
}

export interface BibliographyEntry {
  sourceId: string;
  /** "Author. Title." */
  text: string;
  url?: string | undefined;
}

export interface ExportFigures {
  words: number;
  chapters: number;
  notes: number;
}

export interface ExportBook {
  title: string;
  subtitle?: string | undefined;
  author?: string | undefined;
  parts: ExportPart[];
  bibliography: BibliographyEntry[];
  figures: ExportFigures;
}

export const BIBLIOGRAPHY_HEADING = 'Bibliography';

export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

export function partHeading(part: Pick<BookChapter, 'kind' | 'number' | 'title'>): string {
  const title = normaliseSpace(part.title);
  return part.kind === 'chapter' ? `Chapter ${part.number}: ${title}` : title;
}

function sourceLabel(source: BookSourceRef): string {
  const title = normaliseSpace(source.title);
  return source.author ? `${title}, ${normaliseSpace(source.author)}` : title;
}

export function bibliographyEntry(source: BookSourceRef): BibliographyEntry {
  const author = source.author ? `${normaliseSpace(source.author)}. ` : '';
  const title = normaliseSpace(source.title).replace(/([^.!?])$/, '$1.');
  return { sourceId: source.id, text: author + title, url: source.url?.trim() || undefined };
}

/**
 * Numbers every citation in reading order (a source cited twice in one paragraph, with
 * the same quote, is one note) and refuses a citation of a source the manifest does not
 * list: a note that names nothing is a broken book, not something to print.
 */
export function buildExportBook(book: Book, options: { quotesInNotes: boolean }): ExportBook {
  const sources = new Map(book.sources.map((s) => [s.id, s]));
  let next = 1;
  let words = 0;
  const parts = book.parts.map((part): ExportPart => {
    const notes: ExportNote[] = [];
    const sections = part.sections.map((section) => ({
      heading: normaliseSpace(section.heading),
      paragraphs: section.paragraphs.map((paragraph) => {
        const text = normaliseSpace(paragraph.text);
        words += countWords(text);
        const seen = new Set<string>();
        const numbers: number[] = [];
        for (const citation of paragraph.citations) {
          const source = sources.get(citation.sourceId);
          if (!source) {
            throw new PermanentError(`${partHeading(part)} cites source "${citation.sourceId}", which the manifest does not list`, {
              code: ErrorCode.INVALID_INPUT,
              details: { part: part.number, kind: part.kind, sourceId: citation.sourceId },
            });
          }
          const quote = options.quotesInNotes && citation.quote ? normaliseSpace(citation.quote) : '';
          const key = `${citation.sourceId}\u0000${quote}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const note = {
            number: next++,
            sourceId: source.id,
            text: quote ? `${sourceLabel(source)}: “${quote}”` : `${sourceLabel(source)}.`,
          };
          notes.push(note);
          numbers.push(note.number);
        }
        return { text, notes: numbers };
      }),
    }));
    return { kind: part.kind, number: part.number, heading: partHeading(part), sections, notes };
  });
  return {
    title: normaliseSpace(book.title),
    subtitle: book.subtitle ? normaliseSpace(book.subtitle) : undefined,
    author: book.author ? normaliseSpace(book.author) : undefined,
    parts,
    bibliography: book.sources.map(bibliographyEntry),
    figures: { words, chapters: book.parts.filter((p) => p.kind === 'chapter').length, notes: next - 1 },
  };
}

/** A file name from a title: ASCII letters and digits joined by hyphens, "book" if none. */
export function fileNameFor(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'book';
}
