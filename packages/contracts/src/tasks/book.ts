import { z } from 'zod';
import { ArtifactId, ArtifactRef } from '../artifact.js';
import { defineTask } from '../catalogue.js';
import { FolderTarget, PresetRunFields, WebhookTarget } from '../http/preset-fields.js';
import { BookOutline, BookPartKind, BookSource } from './book-document.js';

/**
 * The `book` family's generation and validation tasks (services/books; export is in
 * book-export.ts). Generation plans an outline from the sources the caller supplies and
 * composes each part from them with citations; validation checks a part or the whole
 * book and answers with a report. Parts travel as chapter artifacts
 * (BOOK_CHAPTER_CONTENT_TYPE), never inline.
 */

export const BOOK_GENERATION_QUEUE = 'book-generation';
export const BOOK_VALIDATION_QUEUE = 'book-validation';

/** Who wrote a part: the offline extractive composer or a chat provider. */
export const BookWriterName = {
  offlineExtractive: 'offline-extractive',
  openaiCompatible: 'openai-compatible',
} as const;
export type BookWriterName = (typeof BookWriterName)[keyof typeof BookWriterName];
const BookWriterSchema = z.enum([BookWriterName.offlineExtractive, BookWriterName.openaiCompatible]);

// ---- validation reports ----

export const BookValidationReason = z.object({
  /** Stable, upper snake case: LENGTH_SHORT, QUOTE_NOT_FOUND, DUPLICATED_PASSAGE… (docs/books.md). */
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string(),
  /** Where in the part: `section 2 paragraph 3`, `chapter 4`, `citation 1 of section 1 paragraph 2`. */
  where: z.string().optional(),
});
export type BookValidationReason = z.infer<typeof BookValidationReason>;

export const BookValidationReport = z.object({
  /** Which check: length, sources, quality or book. */
  check: z.enum(['length', 'sources', 'quality', 'book']),
  passed: z.boolean(),
  /** 0–100 where the check scores. */
  score: z.number().min(0).max(100).optional(),
  /** Empty when passed. */
  reasons: z.array(BookValidationReason),
  /** The figures the check judged by (words, reading ease, overlaps…). */
  metrics: z.record(z.string(), z.number()).default({}),
});
export type BookValidationReport = z.infer<typeof BookValidationReport>;

/** What a generation task says of the part it wrote; the text itself is in `artifact`. */
export const BookPartSummary = z.object({
  artifact: ArtifactRef,
  kind: BookPartKind,
  number: z.number().int().nonnegative(),
  title: z.string(),
  words: z.number().int().nonnegative(),
  sections: z.number().int().nonnegative(),
  paragraphs: z.number().int().nonnegative(),
  citations: z.number().int().nonnegative(),
  /** The self-check it passed (or the last one, when it ran out of regenerations). */
  validation: z.array(BookValidationReport),
  /** How many times it was rewritten with a failed report as feedback. */
  regenerations: z.number().int().nonnegative(),
  writer: BookWriterSchema,
  model: z.string().optional(),
});
export type BookPartSummary = z.infer<typeof BookPartSummary>;

const Sources = z.array(BookSource).min(1).max(50);
/** Rewrites with the failed report as feedback, within the one job. */
const MaxRegenerations = z.number().int().min(0).max(5).default(2);

// ---- book.outline ----

export const BookOutlineInput = z.object({
  title: z.string().trim().min(1).max(300),
  subtitle: z.string().max(300).optional(),
  sources: Sources,
  chapters: z.number().int().min(1).max(40),
  wordsPerChapter: z.number().int().min(100).max(20_000).default(1_500),
});
export type BookOutlineInput = z.input<typeof BookOutlineInput>;

export const BookOutlineOutput = z.object({
  outline: BookOutline,
  /** Words of usable source material, and what the outline asks of it. */
  sourceWords: z.number().int().nonnegative(),
  requiredWords: z.number().int().nonnegative(),
  writer: BookWriterSchema,
  model: z.string().optional(),
});
export type BookOutlineOutput = z.infer<typeof BookOutlineOutput>;

// ---- book.chapter / book.regenerate / book.chapters ----

export const BookChapterInput = z.object({
  outline: BookOutline,
  /** Which outline chapter to write. */
  number: z.number().int().positive(),
  sources: Sources,
  maxRegenerations: MaxRegenerations,
  /** Reports from an earlier try, to write against (book.regenerate passes its own). */
  feedback: z.array(BookValidationReport).default([]),
});
export type BookChapterInput = z.input<typeof BookChapterInput>;

export const BookRegenerateInput = BookChapterInput.extend({
  /** The failed chapter, when there is one: named in the log and the result. */
  previous: ArtifactId.optional(),
  feedback: z.array(BookValidationReport).min(1),
});
export type BookRegenerateInput = z.input<typeof BookRegenerateInput>;

export const BookChaptersInput = z.object({
  outline: BookOutline,
  sources: Sources,
  /** The outline chapters to write, in this order. @default all */
  numbers: z.array(z.number().int().positive()).min(1).optional(),
  maxRegenerations: MaxRegenerations,
});
export type BookChaptersInput = z.input<typeof BookChaptersInput>;

export const BookChaptersOutput = z.object({
  chapters: z.array(BookPartSummary).min(1),
  words: z.number().int().nonnegative(),
});
export type BookChaptersOutput = z.infer<typeof BookChaptersOutput>;

// ---- book.introduction / book.conclusion ----

export const BookFrameInput = z.object({
  outline: BookOutline,
  sources: Sources,
  /**
   * The parts already written (the chapters; for the conclusion, the introduction too):
   * no sentence they use is used again.
   */
  writtenParts: z.array(ArtifactId).min(1),
  targetWords: z.number().int().min(50).max(5_000).default(400),
  maxRegenerations: MaxRegenerations,
});
export type BookFrameInput = z.input<typeof BookFrameInput>;

// ---- validation ----

const FailOnError = z
  .boolean()
  .default(false)
  .describe('Fail the job (OUTPUT_CHECK_FAILED, permanent) when the report does not pass, so a workflow stops there.');

export const BookValidateLengthInput = z.object({
  chapter: ArtifactId,
  targetWords: z.number().int().positive(),
  /** Allowed deviation from the target, as a fraction. */
  tolerance: z.number().min(0).max(1).default(0.1),
  failOnError: FailOnError,
});
export type BookValidateLengthInput = z.input<typeof BookValidateLengthInput>;

export const BookValidateSourcesInput = z.object({
  chapter: ArtifactId,
  sources: Sources,
  failOnError: FailOnError,
});
export type BookValidateSourcesInput = z.input<typeof BookValidateSourcesInput>;

export const BookValidateQualityInput = z.object({
  chapter: ArtifactId,
  /** Flesch reading ease below this fails (30 is "difficult", college level). */
  minReadingEase: z.number().min(-100).max(120).default(30),
  failOnError: FailOnError,
});
export type BookValidateQualityInput = z.input<typeof BookValidateQualityInput>;

export const BookValidateBookInput = z.object({
  title: z.string().min(1).optional(),
  introduction: ArtifactId.optional(),
  chapters: z.array(ArtifactId).min(1),
  conclusion: ArtifactId.optional(),
  /** Chapters the outline planned; fewer or more fails. */
  expectedChapters: z.number().int().positive().optional(),
  /** Per chapter, judged with `tolerance` like book.validate-length. */
  targetWordsPerChapter: z.number().int().positive().optional(),
  tolerance: z.number().min(0).max(1).default(0.1),
  /** Words per shingle for the duplicate check: a run this long in two places is a duplicated passage. */
  shingleWords: z.number().int().min(4).max(50).default(8),
  failOnError: FailOnError,
});
export type BookValidateBookInput = z.input<typeof BookValidateBookInput>;

export const BookValidateOutput = BookValidationReport;
export type BookValidateOutput = z.infer<typeof BookValidateOutput>;

// ---- catalogue ----

const generationRetry = { maxAttempts: 4, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export const bookTasks = {
  'book.outline': defineTask({
    type: 'book.outline',
    description: 'Plans a book outline from the supplied sources: chapters by topic, each with its sources and target words.',
    queue: BOOK_GENERATION_QUEUE,
    retry: generationRetry,
    hardTimeoutMs: 5 * 60_000,
    input: BookOutlineInput,
    output: BookOutlineOutput,
  }),
  'book.chapter': defineTask({
    type: 'book.chapter',
    description:
      'Writes one outline chapter from its sources with citations, self-validates it and rewrites it with the report as feedback.',
    queue: BOOK_GENERATION_QUEUE,
    retry: generationRetry,
    hardTimeoutMs: 15 * 60_000,
    input: BookChapterInput,
    output: BookPartSummary,
  }),
  'book.regenerate': defineTask({
    type: 'book.regenerate',
    description: 'Rewrites one outline chapter against a failed validation report.',
    queue: BOOK_GENERATION_QUEUE,
    retry: generationRetry,
    hardTimeoutMs: 15 * 60_000,
    input: BookRegenerateInput,
    output: BookPartSummary,
  }),
  'book.chapters': defineTask({
    type: 'book.chapters',
    description: 'Writes several outline chapters in one job, with progress per chapter.',
    queue: BOOK_GENERATION_QUEUE,
    retry: generationRetry,
    hardTimeoutMs: 60 * 60_000,
    input: BookChaptersInput,
    output: BookChaptersOutput,
  }),
  'book.introduction': defineTask({
    type: 'book.introduction',
    description: 'Writes the introduction from source material no chapter uses, presenting each chapter.',
    queue: BOOK_GENERATION_QUEUE,
    retry: generationRetry,
    hardTimeoutMs: 15 * 60_000,
    input: BookFrameInput,
    output: BookPartSummary,
  }),
  'book.conclusion': defineTask({
    type: 'book.conclusion',
    description: 'Writes the conclusion from source material no chapter or the introduction uses.',
    queue: BOOK_GENERATION_QUEUE,
    retry: generationRetry,
    hardTimeoutMs: 15 * 60_000,
    input: BookFrameInput,
    output: BookPartSummary,
  }),
  'book.validate-length': defineTask({
    type: 'book.validate-length',
    description: 'Checks a chapter artifact’s word count against its target (±10% by default).',
    queue: BOOK_VALIDATION_QUEUE,
    hardTimeoutMs: 60_000,
    input: BookValidateLengthInput,
    output: BookValidateOutput,
  }),
  'book.validate-sources': defineTask({
    type: 'book.validate-sources',
    description: 'Checks that every factual paragraph cites a supplied source and every quoted passage occurs in it.',
    queue: BOOK_VALIDATION_QUEUE,
    hardTimeoutMs: 2 * 60_000,
    input: BookValidateSourcesInput,
    output: BookValidateOutput,
  }),
  'book.validate-quality': defineTask({
    type: 'book.validate-quality',
    description: 'Scores a chapter’s readability (Flesch), repetition, formatting and headings.',
    queue: BOOK_VALIDATION_QUEUE,
    hardTimeoutMs: 60_000,
    input: BookValidateQualityInput,
    output: BookValidateOutput,
  }),
  'book.validate-book': defineTask({
    type: 'book.validate-book',
    description: 'Checks the whole book: every part present and in order, totals, and no passage duplicated across parts.',
    queue: BOOK_VALIDATION_QUEUE,
    hardTimeoutMs: 5 * 60_000,
    input: BookValidateBookInput,
    output: BookValidateOutput,
  }),
} as const;

// ---- the `book` workflow preset ----

/**
 * Where the book preset publishes: each format to a folder, or one webhook call with all
 * three. The reel's folder and webhook targets, less the folder's `fileName`: a book is
 * three files, each keeping the name the export gave it.
 */
export const BookTarget = z.discriminatedUnion('type', [FolderTarget.omit({ fileName: true }), WebhookTarget]);
export type BookTarget = z.input<typeof BookTarget>;

/**
 * `{"preset":"book", title, sources, chapters}`: outline → chapters (at most `batchSize`
 * at once) → per-chapter length, source and quality checks → introduction and conclusion
 * → the whole-book check → export to Markdown, Word and PDF → publish per target.
 * The DAG is fixed when the workflow is submitted, so the number of chapters is an input.
 */
export const BookPresetBody = z
  .object({
    preset: z.literal('book'),
    title: z.string().trim().min(1).max(300),
    subtitle: z.string().max(300).optional(),
    author: z.string().max(200).optional(),
    sources: Sources,
    chapters: z.number().int().min(1).max(40),
    wordsPerChapter: z.number().int().min(100).max(20_000).default(1_500),
    introductionWords: z.number().int().min(50).max(5_000).default(400),
    conclusionWords: z.number().int().min(50).max(5_000).default(400),
    /** Chapters written at once: chapter k starts when chapter k − batchSize is done. */
    batchSize: z.number().int().min(1).max(40).default(4),
    maxRegenerations: MaxRegenerations,
    targets: z.array(BookTarget).max(10).default([]),
    ...PresetRunFields.shape,
  })
  .strict();
export type BookPresetBody = z.input<typeof BookPresetBody>;
