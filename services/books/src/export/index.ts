import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { BOOK_EXPORT_CONTENT_TYPES, type BookExportFormat, type BookExportOptions, bookExportTasks } from '@reelay/contracts';
import { implementTask, type JobContext, type TaskImplementation } from '@reelay/runtime';
import type { z } from 'zod';
import { loadBook } from './book-content.js';
import { renderDocx } from './docx.js';
import { buildExportBook, type ExportBook, fileNameFor } from './export-model.js';
import { renderMarkdown } from './markdown.js';
import { renderPdf } from './pdf.js';
import { type PdfFonts, resolvePdfFonts } from './pdf-fonts.js';

/**
 * The `book.export-*` tasks (queue `book-export`): a manifest's chapters loaded from the
 * artifact store, rendered to Markdown, Word or PDF (or all three), and stored as
 * artifacts of the job's project. Not the validation of the book: export prints what it
 * is given, and refuses only what it cannot print (a chapter that is not one, a citation
 * of an unlisted source).
 */

export interface ExportDeps {
  /** A directory with the DejaVu TTF files; the `dejavu-fonts-ttf` package's by default. */
  fontDir?: string;
}

type Options = z.output<typeof BookExportOptions>;

const EXTENSIONS: Record<BookExportFormat, string> = { markdown: 'md', docx: 'docx', pdf: 'pdf' };

async function prepare(input: { manifest: Parameters<typeof loadBook>[0]; options: Options }, ctx: JobContext): Promise<ExportBook> {
  ctx.progress(2, 'loading chapters');
  const book = await loadBook(input.manifest, ctx.artifacts);
  return buildExportBook(book, { quotesInNotes: input.options.quotesInNotes });
}

function store(ctx: JobContext, format: BookExportFormat, bytes: Buffer | string, book: ExportBook, options: Options) {
  const name = `${options.fileName ?? fileNameFor(book.title)}.${EXTENSIONS[format]}`;
  return ctx.artifacts.putStream(Readable.from([Buffer.from(bytes)]), { name, contentType: BOOK_EXPORT_CONTENT_TYPES[format] });
}

/** Between parts: let the worker's timers run, and stop if the job was cancelled. */
function pacer(ctx: JobContext, from: number, to: number, total: number) {
  let done = 0;
  return async (stage: string) => {
    await setImmediate();
    ctx.signal.throwIfAborted();
    ctx.progress(from + ((to - from) * done++) / Math.max(1, total), `pdf: ${stage}`);
  };
}

export function exportTaskImplementations(deps: ExportDeps = {}): TaskImplementation[] {
  const fonts: PdfFonts = resolvePdfFonts(deps.fontDir);
  const pdfOf = (book: ExportBook, options: Options, ctx: JobContext, from: number, to: number) =>
    renderPdf(book, { pageSize: options.pageSize, fonts, pace: pacer(ctx, from, to, book.parts.length + 2) });

  return [
    implementTask(bookExportTasks['book.export-markdown'], async (input, ctx) => {
      const book = await prepare(input, ctx);
      const artifact = await store(ctx, 'markdown', renderMarkdown(book), book, input.options);
      return { artifact, ...book.figures };
    }),
    implementTask(bookExportTasks['book.export-docx'], async (input, ctx) => {
      const book = await prepare(input, ctx);
      ctx.progress(10, 'docx');
      const docx = await renderDocx(book, { pageSize: input.options.pageSize });
      const artifact = await store(ctx, 'docx', docx, book, input.options);
      return { artifact, ...book.figures };
    }),
    implementTask(bookExportTasks['book.export-pdf'], async (input, ctx) => {
      const book = await prepare(input, ctx);
      const { pdf, pages } = await pdfOf(book, input.options, ctx, 5, 95);
      const artifact = await store(ctx, 'pdf', pdf, book, input.options);
      return { artifact, pages, ...book.figures };
    }),
    implementTask(bookExportTasks['book.export-all'], async (input, ctx) => {
      const book = await prepare(input, ctx);
      const markdown = await store(ctx, 'markdown', renderMarkdown(book), book, input.options);
      ctx.progress(10, 'docx');
      const docx = await store(ctx, 'docx', await renderDocx(book, { pageSize: input.options.pageSize }), book, input.options);
      await setImmediate();
      ctx.signal.throwIfAborted();
      const { pdf, pages } = await pdfOf(book, input.options, ctx, 30, 95);
      const pdfRef = await store(ctx, 'pdf', pdf, book, input.options);
      return { markdown, docx, pdf: pdfRef, pages, ...book.figures };
    }),
  ];
}
