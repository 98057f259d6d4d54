/**
 * The offline outline: the sources' passages clustered by topic (TF-IDF, spherical
 * k-means), one chapter per cluster in the order its material first appears, titled by
 * the Markdown heading most of its passages sit under or else by its keywords, and given
 * the sources its passages come from. Refuses, permanently, sources too thin for the
 * chapters asked: padding a chapter out is not on offer.
 */
import { type BookOutline, ErrorCode, type OutlineChapter } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';
import type { Corpus } from './source-corpus.js';
import { assignPassages, clusterTopics, cosine, type TopicModel, topTerms } from './topic-model.js';

export interface OutlinePlan {
  outline: BookOutline;
  sourceWords: number;
  requiredWords: number;
}

export interface OutlineRequest {
  title: string;
  subtitle?: string | undefined;
  chapters: number;
  wordsPerChapter: number;
}

/** Usable material per chapter, as a multiple of its target: the composer needs some choice. */
export const MATERIAL_HEADROOM = 1.1;

export function planOutline(corpus: Corpus, model: TopicModel, request: OutlineRequest): OutlinePlan {
  const requiredWords = request.chapters * request.wordsPerChapter;
  const needed = Math.ceil(requiredWords * MATERIAL_HEADROOM);
  if (corpus.usableWords < needed || corpus.passages.length < request.chapters) {
    throw thinSources(
      `the sources hold ${corpus.usableWords} words of usable prose in ${corpus.passages.length} passages; ` +
        `${request.chapters} chapters of ${request.wordsPerChapter} words need at least ${needed} — supply more source material or ask for fewer or shorter chapters`,
    );
  }
  const centres = clusterTopics(corpus, model, request.chapters);
  const owner = model.vectors.map((v) => {
    let best = 0;
    centres.forEach((c, j) => {
      if (cosine(v, c) > cosine(v, centres[best]!)) best = j;
    });
    return best;
  });
  const n = corpus.passages.length;
  const common = Math.log((1 + n) / (1 + n * 0.4)) + 1;
  const usedTitles = new Set<string>();
  const drafts: OutlineChapter[] = centres.map((centre, j) => {
    // A term in most passages (the book's subject) names no chapter's topic.
    const keywords = topTerms(centre, 30)
      .filter((t) => (model.idf.get(t) ?? 0) > common)
      .slice(0, 10);
    const title = chapterTitle(corpus, owner, j, keywords, usedTitles);
    return {
      number: j + 1,
      title,
      summary: `On ${listOf(keywords.slice(0, 4))}.`,
      sourceIds: [],
      keywords,
      targetWords: request.wordsPerChapter,
    };
  });
  const draft: BookOutline = { title: request.title, chapters: drafts };
  const { byChapter } = assignPassages(corpus, model, draft);
  const order = corpus.sources.map((s) => s.id);
  const chapters = drafts.map((c) => {
    const passages = (byChapter.get(c.number) ?? []).map((i) => corpus.passages[i]!);
    const usable = passages.reduce((sum, p) => sum + p.sentences.reduce((s, x) => s + (x.usable ? x.words : 0), 0), 0);
    if (usable < c.targetWords * MATERIAL_HEADROOM) {
      throw thinSources(
        `chapter ${c.number} ("${c.title}") gets ${usable} words of source material for a target of ${c.targetWords}: ` +
          'the sources do not cover that many distinct topics at that length — ask for fewer or shorter chapters, or add sources',
      );
    }
    const sourceIds = order.filter((id) => passages.some((p) => p.sourceId === id));
    return { ...c, sourceIds };
  });
  const outline: BookOutline = { title: request.title, chapters };
  if (request.subtitle) outline.subtitle = request.subtitle;
  return { outline, sourceWords: corpus.usableWords, requiredWords };
}

export function thinSources(message: string): PermanentError {
  return new PermanentError(`sources too thin: ${message}`, { code: ErrorCode.INVALID_INPUT });
}

function chapterTitle(corpus: Corpus, owner: number[], cluster: number, keywords: string[], used: Set<string>): string {
  const weight = new Map<string, number>();
  corpus.passages.forEach((p, i) => {
    if (owner[i] === cluster && p.heading) weight.set(p.heading, (weight.get(p.heading) ?? 0) + p.words);
  });
  const headings = [...weight.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h);
  for (const h of headings) {
    if (!used.has(h.toLowerCase())) {
      used.add(h.toLowerCase());
      return h;
    }
  }
  for (let offset = 0; offset + 2 <= keywords.length; offset++) {
    const title = capitalize(listOf(keywords.slice(offset, offset + 2).map(capitalize)));
    if (!used.has(title.toLowerCase())) {
      used.add(title.toLowerCase());
      return title;
    }
  }
  return `Chapter ${cluster + 1}`;
}

export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
