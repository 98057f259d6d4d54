import { z } from 'zod';
import { ArtifactRef } from '../artifact.js';
import { defineTask } from '../catalogue.js';
import { BookManifest } from './book-document.js';

/**
 * The book export family: a finished book (its manifest: title, sources and the chapter
 * artifacts in reading order) rendered to Markdown, Word and PDF files in the artifact
 * store. Served by services/books on the `book-export` queue. Export renders what it is
 * given; checking the book (lengths, citations, order) is the validation family's work.
 */

export const BOOK_EXPORT_QUEUE = 'book-export';

export const BookExportFormat = {
  markdown: 'markdown',
  docx: 'docx',
  pdf: 'pdf',
} as const;
export type BookExportFormat = (typeof BookExportFormat)[keyof typeof BookExportFormat];

/** The content type each format's file is stored with. */
export const BOOK_EXPORT_CONTENT_TYPES: Record<BookExportFormat, string> = {
  markdown: 'text/markdown',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

export const BookExportOptions = z.object({
  /** The output file's name without extension; a slug of the title when left out. */
  fileName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/, 'letters, digits, ., - and _ (1–120), no separators')
    .optional(),
  /** Paper size of the PDF and the Word document. */
  pageSize: z.enum(['A4', 'LETTER']).default('A4'),
  /** Print each citation's quoted passage in its note, not only the source. */
  quotesInNotes: z.boolean().default(true),
});
export type BookExportOptions = z.input<typeof BookExportOptions>;

export const BookExportInput = z.object({
  manifest: BookManifest,
  options: BookExportOptions.prefault({}),
});
export type BookExportInput = z.input<typeof BookExportInput>;

/** What every export reports of the book it rendered. */
const BookFigures = {
  /** Words of body text (paragraphs), introduction and conclusion included. */
  words: z.number().int().nonnegative(),
  /** Numbered chapters (the introduction and conclusion not counted). */
  chapters: z.number().int().nonnegative(),
  /** Citation notes (footnotes, endnotes). */
  notes: z.number().int().nonnegative(),
};

export const BookExportOutput = z.object({ artifact: ArtifactRef, ...BookFigures });
export type BookExportOutput = z.infer<typeof BookExportOutput>;

export const BookPdfExportOutput = z.object({
  artifact: ArtifactRef,
  pages: z.number().int().positive(),
  ...BookFigures,
});
export type BookPdfExportOutput = z.infer<typeof BookPdfExportOutput>;

export const BookExportAllOutput = z.object({
  markdown: ArtifactRef,
  docx: ArtifactRef,
  pdf: ArtifactRef,
  /** The PDF's page count. */
  pages: z.number().int().positive(),
  ...BookFigures,
});
export type BookExportAllOutput = z.infer<typeof BookExportAllOutput>;

// Rendering is deterministic: a retry helps only when the artifact store hiccupped.
const exportRetry = { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export const bookExportTasks = {
  'book.export-markdown': defineTask({
    type: 'book.export-markdown',
    description: 'Renders a book manifest to Markdown: title, linked table of contents, chapters, citations as footnotes, bibliography.',
    queue: BOOK_EXPORT_QUEUE,
    input: BookExportInput,
    output: BookExportOutput,
    retry: exportRetry,
    hardTimeoutMs: 5 * 60_000,
  }),
  'book.export-docx': defineTask({
    type: 'book.export-docx',
    description:
      'Renders a book manifest to Word (.docx): title page, table of contents, Heading 1/2 chapters, citation footnotes, bibliography.',
    queue: BOOK_EXPORT_QUEUE,
    input: BookExportInput,
    output: BookExportOutput,
    retry: exportRetry,
    hardTimeoutMs: 10 * 60_000,
  }),
  'book.export-pdf': defineTask({
    type: 'book.export-pdf',
    description:
      'Renders a book manifest to PDF with embedded fonts: title page, contents with page numbers, numbered notes, bibliography.',
    queue: BOOK_EXPORT_QUEUE,
    input: BookExportInput,
    output: BookPdfExportOutput,
    retry: exportRetry,
    hardTimeoutMs: 10 * 60_000,
  }),
  'book.export-all': defineTask({
    type: 'book.export-all',
    description: 'Renders a book manifest to Markdown, Word and PDF in one job; returns the three artifacts.',
    queue: BOOK_EXPORT_QUEUE,
    input: BookExportInput,
    output: BookExportAllOutput,
    retry: exportRetry,
    hardTimeoutMs: 20 * 60_000,
  }),
} as const;
