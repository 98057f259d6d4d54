/**
 * The offline writer: composes a part from source sentences, extractively. It ranks the
 * sentences it may use by how well they match the part's keywords, takes the best until
 * the target is met (whole sentences; the budget is re-fitted until the part's words,
 * connectives included, sit within a few per cent of the target), then lays them out in
 * the order the sources tell them: sections by the passages' headings or topics,
 * paragraphs of neighbouring sentences, one short connective sentence at each section's
 * start. Each paragraph cites, verbatim, every run of source text it uses. A sentence is
 * used once in the whole book: a chapter uses only the passages assigned to it, and the
 * introduction and conclusion skip every sentence the parts already written contain.
 */
import type { BookChapter, BookParagraph, BookPartKind, BookSection, Citation } from '@reelay/contracts';
import { countWords, lowerWords, normalizeSpace } from '../text/words.js';
import { capitalize, listOf, thinSources } from './plan-outline.js';
import type { Corpus, CorpusPassage, CorpusSentence } from './source-corpus.js';
import { cosine, tfidf, type TopicModel, topTerms, type Vector } from './topic-model.js';

/** What feedback from a failed report changes in the next try. */
export interface Adjustments {
  /** Multiplies the word budget (a part that came out long or short). */
  lengthScale: number;
  /** Sentences longer than this are passed over while there is other material (readability). */
  maxSentenceWords?: number;
  /** Paragraphs end at this many words. */
  paragraphWords: number;
  /** Skip sentences sharing a six-word run with one already chosen (repetition). */
  strictRepetition: boolean;
}

export const DEFAULT_ADJUSTMENTS: Adjustments = { lengthScale: 1, paragraphWords: 130, strictRepetition: false };

/** One group of the part: a chapter's whole material, or one chapter's share of an introduction. */
export interface MaterialGroup {
  /** The outline chapter this material belongs to (0: none). */
  chapter: number;
  chapterTitle: string;
  vector: Vector;
  keywords: string[];
  sentences: Candidate[];
}

export interface Candidate {
  sentence: CorpusSentence;
  passage: CorpusPassage;
  position: number;
  score: number;
}

export interface ComposeRequest {
  kind: BookPartKind;
  number: number;
  title: string;
  targetWords: number;
  groups: MaterialGroup[];
  adjustments: Adjustments;
}

/** Candidates from passages, ranked by match to `vector`, `exclude` (normalised texts) left out. */
export function candidatesFrom(passages: readonly CorpusPassage[], model: TopicModel, vector: Vector, exclude?: Set<string>): Candidate[] {
  const out: Candidate[] = [];
  for (const passage of passages) {
    passage.sentences.forEach((sentence, i) => {
      if (!sentence.usable || exclude?.has(fingerprint(sentence.text))) return;
      // A passage's opening sentence usually states its topic: a small bonus keeps them.
      const score = cosine(tfidf(sentence.terms, model.idf), vector) + (i === 0 ? 0.05 : 0);
      out.push({ sentence, passage, position: passage.index * 1_000 + i, score });
    });
  }
  return out.sort((a, b) => b.score - a.score || a.position - b.position);
}

export function fingerprint(text: string): string {
  return lowerWords(text).join(' ');
}

export function composePart(corpus: Corpus, model: TopicModel, request: ComposeRequest): BookChapter {
  const { targetWords, adjustments } = request;
  const available = request.groups.reduce((sum, g) => sum + g.sentences.reduce((s, c) => s + c.sentence.words, 0), 0);
  if (available < targetWords * 0.9) {
    throw thinSources(
      `${describe(request)} has ${available} words of unused source material for a target of ${targetWords} words — add sources or lower the target`,
    );
  }
  let budget = Math.round(targetWords * adjustments.lengthScale);
  let best: BookChapter | undefined;
  // Connective sentences add words the selection does not see: re-fit the budget to the result.
  for (let round = 0; round < 8; round++) {
    const chosen = select(request.groups, budget, adjustments);
    const part = layout(corpus, model, request, chosen);
    if (
      !best ||
      Math.abs(part.words - targetWords * adjustments.lengthScale) < Math.abs(best.words - targetWords * adjustments.lengthScale)
    )
      best = part;
    const miss = targetWords * adjustments.lengthScale - part.words;
    if (Math.abs(miss) <= targetWords * 0.03) break;
    budget += Math.round(miss);
  }
  return best!;
}

function describe(request: ComposeRequest): string {
  return request.kind === 'chapter' ? `chapter ${request.number} ("${request.title}")` : `the ${request.kind}`;
}

/** Round-robin over the groups, each taking its best remaining sentence that fits the budget. */
function select(groups: readonly MaterialGroup[], budget: number, adjustments: Adjustments): Candidate[][] {
  const chosen: Candidate[][] = groups.map(() => []);
  const queues = groups.map((g) => preferShort(g.sentences, adjustments.maxSentenceWords));
  const shingles = new Set<string>();
  let total = 0;
  let progressed = true;
  while (progressed && total < budget) {
    progressed = false;
    for (const [j, queue] of queues.entries()) {
      while (queue.length) {
        const next = queue.shift()!;
        if (total + next.sentence.words > budget) continue;
        if (adjustments.strictRepetition && overlaps(next.sentence.text, shingles)) continue;
        chosen[j]!.push(next);
        total += next.sentence.words;
        progressed = true;
        break;
      }
      if (total >= budget) break;
    }
  }
  return chosen;
}

function preferShort(sentences: readonly Candidate[], max: number | undefined): Candidate[] {
  if (max === undefined) return [...sentences];
  return [...sentences.filter((c) => c.sentence.words <= max), ...sentences.filter((c) => c.sentence.words > max)];
}

function overlaps(text: string, shingles: Set<string>): boolean {
  const w = lowerWords(text);
  const own: string[] = [];
  for (let i = 0; i + 6 <= w.length; i++) own.push(w.slice(i, i + 6).join(' '));
  if (own.some((s) => shingles.has(s))) return true;
  for (const s of own) shingles.add(s);
  return false;
}

const SECTION_OPENERS = ['The account moves on to', 'Next come', 'Attention turns to', 'The record then takes up'];

function layout(corpus: Corpus, model: TopicModel, request: ComposeRequest, chosen: Candidate[][]): BookChapter {
  const sections: BookSection[] = [];
  const usedHeadings = new Set<string>([request.title.toLowerCase()]);
  const picked = chosen.map((c) => [...c].sort((a, b) => a.position - b.position));
  if (request.kind === 'chapter') {
    const sentences = picked.flat();
    const groups = splitSections(sentences, Math.max(1, Math.min(6, Math.round(request.targetWords / 350))));
    groups.forEach((group, i) => {
      const keywords = groupKeywords(corpus, model, group);
      const heading = sectionHeading(group, keywords, usedHeadings, i);
      const opener =
        i === 0
          ? `This chapter turns to ${listOf(keywords.slice(0, 3))}.`
          : `${SECTION_OPENERS[(request.number + i) % SECTION_OPENERS.length]} ${listOf(keywords.slice(0, 2))}.`;
      sections.push({ heading, paragraphs: paragraphs(group, opener, request.adjustments.paragraphWords) });
    });
  } else {
    const opening =
      request.kind === 'introduction'
        ? `The chapters that follow draw on ${numberWord(corpus.sources.length)} ${corpus.sources.length === 1 ? 'source' : 'sources'} and keep to what ${corpus.sources.length === 1 ? 'it records' : 'they record'}; every claim is tied to the passage it rests on.`
        : 'These pages have kept to what the sources record, and the notes name the passage behind each claim.';
    const framing: BookParagraph = { text: opening, citations: [] };
    const perChapter = request.groups
      .map((group, j) => ({ group, sentences: picked[j]! }))
      .filter((g) => g.sentences.length > 0)
      .flatMap(({ group, sentences }) => {
        const lead =
          request.kind === 'introduction'
            ? `${group.chapterTitle} is the subject of chapter ${numberWord(group.chapter)}, which turns to ${listOf(group.keywords.slice(0, 2).map((k) => display(corpus, k)))}.`
            : `In chapter ${numberWord(group.chapter)} the sources dwelt on ${listOf(group.keywords.slice(0, 2).map((k) => display(corpus, k)))}.`;
        return paragraphs(sentences, lead, request.adjustments.paragraphWords);
      });
    const heading = request.kind === 'introduction' ? 'About This Book' : 'Looking Back';
    const chaptersHeading = request.kind === 'introduction' ? 'The Chapters Ahead' : 'What the Chapters Showed';
    if (request.kind === 'introduction') {
      sections.push({ heading, paragraphs: [framing] });
      chunk(perChapter, 4).forEach((ps, i, all) => {
        sections.push({ heading: all.length > 1 ? `${chaptersHeading}, Part ${numberWord(i + 1)}` : chaptersHeading, paragraphs: ps });
      });
    } else {
      chunk(perChapter, 4).forEach((ps, i, all) => {
        sections.push({ heading: all.length > 1 ? `${chaptersHeading}, Part ${numberWord(i + 1)}` : chaptersHeading, paragraphs: ps });
      });
      sections.push({ heading, paragraphs: [framing] });
    }
  }
  const nonEmpty = sections.filter((s) => s.paragraphs.length > 0);
  const words = nonEmpty.reduce((sum, s) => sum + s.paragraphs.reduce((n, p) => n + countWords(p.text), 0), 0);
  return { kind: request.kind, number: request.number, title: request.title, sections: nonEmpty, words };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Contiguous groups of about equal words, cut where the passage changes when it can be. */
function splitSections(sentences: readonly Candidate[], count: number): Candidate[][] {
  const total = sentences.reduce((s, c) => s + c.sentence.words, 0);
  const groups: Candidate[][] = [[]];
  let acc = 0;
  for (const [i, c] of sentences.entries()) {
    const current = groups[groups.length - 1]!;
    const boundary = i > 0 && sentences[i - 1]!.passage.index !== c.passage.index;
    const due = acc >= (total / count) * groups.length;
    if (current.length && groups.length < count && due && (boundary || acc >= (total / count) * (groups.length + 0.3))) groups.push([]);
    groups[groups.length - 1]!.push(c);
    acc += c.sentence.words;
  }
  return groups.filter((g) => g.length);
}

function groupKeywords(corpus: Corpus, model: TopicModel, group: readonly Candidate[]): string[] {
  const v = tfidf(
    group.flatMap((c) => c.sentence.terms),
    model.idf,
  );
  return topTerms(v, 6).map((t) => display(corpus, t));
}

function display(corpus: Corpus, term: string): string {
  return corpus.surface.get(term) ?? term;
}

function sectionHeading(group: readonly Candidate[], keywords: readonly string[], used: Set<string>, index: number): string {
  const weight = new Map<string, number>();
  for (const c of group) if (c.passage.heading) weight.set(c.passage.heading, (weight.get(c.passage.heading) ?? 0) + c.sentence.words);
  const headings = [...weight.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h);
  const options = [
    ...headings,
    ...keywords.slice(0, -1).map((k, i) => `${capitalize(k)} and ${capitalize(keywords[i + 1]!)}`),
    `Part ${numberWord(index + 1)}`,
  ];
  for (const option of options) {
    if (!used.has(option.toLowerCase())) {
      used.add(option.toLowerCase());
      return option;
    }
  }
  return `Section ${index + 1}`;
}

/** Neighbouring sentences in paragraphs; each citation quotes one unbroken run of a passage. */
function paragraphs(sentences: readonly Candidate[], opener: string, maxWords: number): BookParagraph[] {
  const out: Candidate[][] = [];
  let words = 0;
  for (const [i, c] of sentences.entries()) {
    const changed = i > 0 && sentences[i - 1]!.passage.index !== c.passage.index;
    if (!out.length || words + c.sentence.words > maxWords || (changed && words >= 70)) {
      out.push([]);
      words = 0;
    }
    out[out.length - 1]!.push(c);
    words += c.sentence.words;
  }
  return out.map((group, i) => {
    const texts = group.map((c) => c.sentence.text);
    return { text: normalizeSpace([...(i === 0 ? [opener] : []), ...texts].join(' ')), citations: citationsOf(group) };
  });
}

function citationsOf(group: readonly Candidate[]): Citation[] {
  const citations: Citation[] = [];
  let run: Candidate[] = [];
  const flush = () => {
    if (!run.length) return;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    citations.push({ sourceId: first.passage.sourceId, quote: first.passage.text.slice(first.sentence.start, last.sentence.end) });
    run = [];
  };
  for (const c of group) {
    const prev = run[run.length - 1];
    if (prev && !(prev.passage.index === c.passage.index && c.position === prev.position + 1)) flush();
    run.push(c);
  }
  flush();
  return citations;
}

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

/** Numbers in words, so the composer's own sentences carry no figures the source check would take for facts. */
export function numberWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}
