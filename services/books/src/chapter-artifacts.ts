/**
 * Book parts as artifacts: a BookChapter as JSON under BOOK_CHAPTER_CONTENT_TYPE, and the
 * sources' texts (inline or a text artifact). Reading checks the shape, so a wrong
 * artifact id fails as bad input rather than deep inside a check.
 */
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { type ArtifactRef, BOOK_CHAPTER_CONTENT_TYPE, BookChapter, type BookSource, ErrorCode } from '@reelay/contracts';
import { PermanentError, type ProjectArtifacts } from '@reelay/runtime';
import type { SourceText } from './generation/source-corpus.js';

export async function writeChapterArtifact(artifacts: ProjectArtifacts, part: BookChapter): Promise<ArtifactRef> {
  const name = part.kind === 'chapter' ? `chapter-${String(part.number).padStart(2, '0')}.json` : `${part.kind}.json`;
  return artifacts.putStream(Readable.from([Buffer.from(JSON.stringify(part))]), { name, contentType: BOOK_CHAPTER_CONTENT_TYPE });
}

export async function readChapterArtifact(artifacts: ProjectArtifacts, id: string): Promise<BookChapter> {
  const body = await text(await artifacts.openStream(id));
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PermanentError(`artifact ${id} is not a book chapter (not JSON)`, { code: ErrorCode.INVALID_INPUT });
  }
  const parsed = BookChapter.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(`artifact ${id} is not a book chapter: ${parsed.error.issues[0]?.message ?? 'wrong shape'}`, {
      code: ErrorCode.INVALID_INPUT,
    });
  }
  return parsed.data;
}

/** Each source's text: inline, or read from its artifact. */
export async function loadSources(artifacts: ProjectArtifacts, sources: readonly BookSource[]): Promise<SourceText[]> {
  const ids = new Set<string>();
  return Promise.all(
    sources.map(async (s) => {
      if (ids.has(s.id)) throw new PermanentError(`source id "${s.id}" is given twice`, { code: ErrorCode.INVALID_INPUT });
      ids.add(s.id);
      const body = s.text ?? (await text(await artifacts.openStream(s.artifactId as string)));
      return { id: s.id, title: s.title, author: s.author, text: body };
    }),
  );
}
