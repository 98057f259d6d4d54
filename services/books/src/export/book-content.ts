import { BOOK_CHAPTER_CONTENT_TYPE, BookChapter, type BookManifest, type BookPartKind, ErrorCode } from '@reelay/contracts';
import { ArtifactNotFoundError, PermanentError, type ProjectArtifacts } from '@reelay/runtime';
import type { Book } from './export-model.js';

/**
 * Loads a manifest's chapter artifacts into a Book, in reading order. What can be wrong
 * with them is wrong for good (not a chapter, not the part its slot says, too large),
 * so every refusal here is permanent; the store's own hiccups stay retryable.
 */

/** A chapter is tens of kilobytes of JSON; anything near this is not one. */
export const MAX_CHAPTER_BYTES = 8 * 1024 * 1024;

/** Content types a chapter artifact may carry: its own, or plain JSON from a hand upload. */
const CHAPTER_TYPES = new Set([BOOK_CHAPTER_CONTENT_TYPE, 'application/json']);

type ChapterReader = Pick<ProjectArtifacts, 'info' | 'openStream'>;

async function readChapter(artifacts: ChapterReader, id: string, slot: BookPartKind): Promise<BookChapter> {
  const info = await artifacts.info(id);
  if (!info) throw new ArtifactNotFoundError(id);
  if (!CHAPTER_TYPES.has(info.contentType)) {
    throw new PermanentError(`artifact ${id} is ${info.contentType}, not a book chapter (${BOOK_CHAPTER_CONTENT_TYPE})`, {
      code: ErrorCode.INVALID_INPUT,
    });
  }
  if (info.size > MAX_CHAPTER_BYTES) {
    throw new PermanentError(`artifact ${id} is ${info.size} bytes: more than a chapter's ${MAX_CHAPTER_BYTES}`, {
      code: ErrorCode.INVALID_INPUT,
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of await artifacts.openStream(id)) chunks.push(chunk as Buffer);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new PermanentError(`artifact ${id} is not JSON`, { code: ErrorCode.INVALID_INPUT, cause: err });
  }
  const parsed = BookChapter.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(`artifact ${id} is not a book chapter`, {
      code: ErrorCode.INVALID_INPUT,
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  if (parsed.data.kind !== slot) {
    throw new PermanentError(`artifact ${id} is the book's ${parsed.data.kind}, but the manifest gives it as its ${slot}`, {
      code: ErrorCode.INVALID_INPUT,
    });
  }
  return parsed.data;
}

export async function loadBook(manifest: BookManifest, artifacts: ChapterReader): Promise<Book> {
  const slots: [string, BookPartKind][] = [
    ...(manifest.introduction ? [[manifest.introduction, 'introduction'] as [string, BookPartKind]] : []),
    ...manifest.chapters.map((id): [string, BookPartKind] => [id, 'chapter']),
    ...(manifest.conclusion ? [[manifest.conclusion, 'conclusion'] as [string, BookPartKind]] : []),
  ];
  const parts = await Promise.all(slots.map(([id, slot]) => readChapter(artifacts, id, slot)));
  return { title: manifest.title, subtitle: manifest.subtitle, author: manifest.author, sources: manifest.sources, parts };
}
