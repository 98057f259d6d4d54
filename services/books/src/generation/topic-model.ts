/**
 * TF-IDF over the corpus's passages, and the two uses the book makes of it: clustering
 * passages into chapter topics (the outline) and handing each passage to the chapter
 * whose keywords it matches best, with a word budget per chapter so chapters get equal
 * shares of the material. Every tie breaks on corpus order: the same sources and outline
 * always give the same assignment, which is what lets each chapter job (and the
 * introduction and conclusion) work out on its own which material is its to use.
 */
import type { BookOutline } from '@reelay/contracts';
import { type Corpus, type CorpusPassage, terms } from './source-corpus.js';

export type Vector = Map<string, number>;

export interface TopicModel {
  idf: Map<string, number>;
  vectors: Vector[];
}

export function topicModel(corpus: Corpus): TopicModel {
  const df = new Map<string, number>();
  for (const p of corpus.passages) for (const t of new Set(p.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = corpus.passages.length;
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log((1 + n) / (1 + d)) + 1);
  return { idf, vectors: corpus.passages.map((p) => tfidf(p.terms, idf)) };
}

export function tfidf(termList: readonly string[], idf: Map<string, number>): Vector {
  const tf = new Map<string, number>();
  for (const t of termList) tf.set(t, (tf.get(t) ?? 0) + 1);
  const v: Vector = new Map();
  for (const [t, f] of tf) v.set(t, (1 + Math.log(f)) * (idf.get(t) ?? 1));
  return normalize(v);
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
}

function normalize(v: Vector): Vector {
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return v;
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

function centroid(vectors: readonly Vector[]): Vector {
  const sum: Vector = new Map();
  for (const v of vectors) for (const [t, w] of v) sum.set(t, (sum.get(t) ?? 0) + w);
  return normalize(sum);
}

/** The terms that weigh most in a centroid, ties by term. */
export function topTerms(v: Vector, count: number): string[] {
  return [...v.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([t]) => t);
}

/**
 * Spherical k-means: seeds by farthest-first from the first passage, then assignment and
 * re-centring until nothing moves (or 20 rounds). Returns each cluster's centroid,
 * clusters ordered by where their material first appears in the sources.
 */
export function clusterTopics(corpus: Corpus, model: TopicModel, k: number): Vector[] {
  const n = corpus.passages.length;
  const seeds = [0];
  while (seeds.length < Math.min(k, n)) {
    let best = -1;
    let bestDistance = -1;
    for (let i = 0; i < n; i++) {
      if (seeds.includes(i)) continue;
      const nearest = Math.max(...seeds.map((s) => cosine(model.vectors[i]!, model.vectors[s]!)));
      const distance = 1 - nearest;
      if (distance > bestDistance) [best, bestDistance] = [i, distance];
    }
    seeds.push(best);
  }
  let centres = seeds.map((s) => model.vectors[s]!);
  let membership: number[] = [];
  for (let round = 0; round < 20; round++) {
    const next = model.vectors.map((v) => argmax(centres.map((c) => cosine(v, c))));
    if (next.every((c, i) => c === membership[i])) break;
    membership = next;
    centres = centres.map((c, j) => {
      const members = model.vectors.filter((_, i) => membership[i] === j);
      return members.length ? centroid(members) : c;
    });
  }
  const firstSeen = centres.map((_, j) => {
    const i = membership.indexOf(j);
    return i === -1 ? n : i;
  });
  return centres
    .map((c, j) => ({ c, at: firstSeen[j]! }))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.c);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** A chapter's profile: its keywords (weighted by rank) and the words of its title. */
export function chapterVector(keywords: readonly string[], title: string, idf: Map<string, number>): Vector {
  const v: Vector = new Map();
  for (const [rank, k] of keywords.entries()) v.set(k, (v.get(k) ?? 0) + (idf.get(k) ?? 1) / (1 + rank * 0.15));
  for (const t of terms(title)) v.set(t, (v.get(t) ?? 0) + (idf.get(t) ?? 1) * 0.5);
  return normalize(v);
}

export interface Assignment {
  /** Passage indexes per outline chapter number, in corpus order. */
  byChapter: Map<number, number[]>;
  /** Passages no chapter took. */
  unassigned: number[];
}

/**
 * Hands each passage to one chapter: best match first, a chapter taking passages until
 * its share of the words (the material divided by the chapters, plus the longest
 * passage, so everything fits somewhere) is full. A chapter that names its sources
 * takes passages of those sources only.
 */
export function assignPassages(corpus: Corpus, model: TopicModel, outline: BookOutline): Assignment {
  const chapters = outline.chapters;
  const vectors = chapters.map((c) => chapterVector(c.keywords ?? [], `${c.title} ${c.summary}`, model.idf));
  const total = corpus.passages.reduce((s, p) => s + p.words, 0);
  const longest = Math.max(0, ...corpus.passages.map((p) => p.words));
  const capacity = total / chapters.length + longest;
  const pairs: { passage: CorpusPassage; chapter: number; score: number }[] = [];
  for (const passage of corpus.passages) {
    chapters.forEach((c, j) => {
      if (c.sourceIds.length && !c.sourceIds.includes(passage.sourceId)) return;
      pairs.push({ passage, chapter: j, score: cosine(model.vectors[passage.index]!, vectors[j]!) });
    });
  }
  pairs.sort((a, b) => b.score - a.score || a.passage.index - b.passage.index || a.chapter - b.chapter);
  const load = chapters.map(() => 0);
  const owner = new Map<number, number>();
  for (const { passage, chapter } of pairs) {
    if (owner.has(passage.index) || load[chapter]! + passage.words > capacity) continue;
    owner.set(passage.index, chapter);
    load[chapter]! += passage.words;
  }
  const byChapter = new Map<number, number[]>(chapters.map((c) => [c.number, []]));
  const unassigned: number[] = [];
  for (const p of corpus.passages) {
    const j = owner.get(p.index);
    if (j === undefined) unassigned.push(p.index);
    else byChapter.get(chapters[j]!.number)!.push(p.index);
  }
  return { byChapter, unassigned };
}
