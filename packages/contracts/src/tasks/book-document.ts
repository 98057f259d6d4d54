import { z } from 'zod';
import { ArtifactId } from '../artifact.js';

/**
 * The book's document model, shared by the `book.*` generation, validation and export
 * tasks (the BookGen system of the reference documents). Chapters travel between steps
 * as JSON artifacts (`BOOK_CHAPTER_CONTENT_TYPE`), never inline in job records: a book is
 * tens of thousands of words.
 */

export const BOOK_CHAPTER_CONTENT_TYPE = 'application/vnd.reelay.book-chapter+json';

/** A source id as citations name it: `[S1]`, `[notes-2]`. */
export const BookSourceId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ (1–40)');

/** Material the user supplies: notes, excerpts, documents — inline text or a text artifact. */
export const BookSource = z
  .object({
    id: BookSourceId,
    title: z.string().min(1).max(300),
    author: z.string().max(200).optional(),
    url: z.string().max(2_000).optional(),
    /** Plain text or Markdown. */
    text: z.string().min(1).max(500_000).optional(),
    /** A text/plain or text/markdown artifact of the job's project. */
    artifactId: ArtifactId.optional(),
  })
  .refine((s) => (s.text === undefined) !== (s.artifactId === undefined), { message: 'give text or artifactId, not both' });
export type BookSource = z.infer<typeof BookSource>;

/** A source as the finished book lists it (bibliography): no text. */
export const BookSourceRef = z.object({
  id: BookSourceId,
  title: z.string(),
  author: z.string().optional(),
  url: z.string().optional(),
});
export type BookSourceRef = z.infer<typeof BookSourceRef>;

export const Citation = z.object({
  sourceId: BookSourceId,
  /** The passage of the source the paragraph rests on, verbatim. */
  quote: z.string().max(2_000).optional(),
});
export type Citation = z.infer<typeof Citation>;

export const BookParagraph = z.object({
  text: z.string().min(1),
  /** Every factual paragraph cites at least one supplied source. */
  citations: z.array(Citation),
});
export type BookParagraph = z.infer<typeof BookParagraph>;

export const BookSection = z.object({
  heading: z.string().min(1),
  paragraphs: z.array(BookParagraph).min(1),
});
export type BookSection = z.infer<typeof BookSection>;

export const BookPartKind = z.enum(['introduction', 'chapter', 'conclusion']);
export type BookPartKind = z.infer<typeof BookPartKind>;

/** One chapter (or the introduction or conclusion) as stored in its artifact. */
export const BookChapter = z.object({
  kind: BookPartKind,
  /** 1-based for chapters; 0 for the introduction and conclusion. */
  number: z.number().int().nonnegative(),
  title: z.string().min(1),
  sections: z.array(BookSection).min(1),
  words: z.number().int().nonnegative(),
});
export type BookChapter = z.infer<typeof BookChapter>;

export const OutlineChapter = z.object({
  number: z.number().int().positive(),
  title: z.string().min(1),
  summary: z.string(),
  /** The sources this chapter draws on. */
  sourceIds: z.array(BookSourceId).min(1),
  /** The topic's terms, most characteristic first: what the composer matches passages by. */
  keywords: z.array(z.string()).optional(),
  targetWords: z.number().int().positive(),
});
export type OutlineChapter = z.infer<typeof OutlineChapter>;

export const BookOutline = z.object({
  title: z.string().min(1),
  subtitle: z.string().optional(),
  chapters: z.array(OutlineChapter).min(1),
});
export type BookOutline = z.infer<typeof BookOutline>;

/** Everything an export needs: the parts in reading order, as chapter artifacts. */
export const BookManifest = z.object({
  title: z.string().min(1),
  subtitle: z.string().optional(),
  author: z.string().optional(),
  sources: z.array(BookSourceRef),
  introduction: ArtifactId.optional(),
  chapters: z.array(ArtifactId).min(1),
  conclusion: ArtifactId.optional(),
});
export type BookManifest = z.infer<typeof BookManifest>;
