/**
 * The supplied sources cut into what the composer works with: passages (paragraphs of a
 * source, under the Markdown heading they sit beneath, long ones cut at sentence
 * boundaries) and their sentences, each with its offsets in the passage so a citation
 * can quote it verbatim. Pure; loading a source's artifact is the caller's job.
 *
 * A passage's text has its white space collapsed: sources wrap lines anywhere, and the
 * source check matches quotes against the source with white space collapsed the same way.
 */
import { splitSentenceSpans } from '../text/sentences.js';
import { STOPWORDS } from '../text/stopwords.js';
import { countWords, lowerWords, normalizeSpace, words } from '../text/words.js';

export interface SourceText {
  id: string;
  title: string;
  author?: string | undefined;
  text: string;
}

export interface CorpusSentence {
  /** `S1:4:2`: source, passage, sentence — stable for the same sources. */
  key: string;
  text: string;
  words: number;
  terms: string[];
  /** Offsets in the passage's text. */
  start: number;
  end: number;
  /** Whole, quotable prose (not a fragment, a list stub or a caption). */
  usable: boolean;
}

export interface CorpusPassage {
  /** Position in the whole corpus: sources in the order given, passages in reading order. */
  index: number;
  sourceId: string;
  heading?: string | undefined;
  text: string;
  words: number;
  sentences: CorpusSentence[];
  terms: string[];
}

export interface Corpus {
  sources: SourceText[];
  passages: CorpusPassage[];
  /** Words of usable sentences. */
  usableWords: number;
  /** Each term's most frequent spelling in the sources (`vienna` → `Vienna`), for text the composer writes. */
  surface: Map<string, string>;
}

/** Passages longer than this are cut, so the planner can share a long source among chapters. */
const MAX_PASSAGE_WORDS = 180;
const MIN_SENTENCE_WORDS = 6;
const MAX_SENTENCE_WORDS = 70;

export function buildCorpus(sources: readonly SourceText[]): Corpus {
  const passages: CorpusPassage[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const sourceBlocks = blocks(source.text);
    // One heading over the whole source is its title, not a topic.
    if (sourceBlocks.length > 1 && sourceBlocks.every((b) => b.heading === sourceBlocks[0]!.heading)) {
      for (const b of sourceBlocks) b.heading = undefined;
    }
    for (const block of sourceBlocks) {
      for (const piece of cutLong(block.text)) {
        const index = passages.length;
        const sentences = splitSentenceSpans(piece).map((span, i): CorpusSentence => {
          const n = countWords(span.text);
          // A sentence two sources share is material once: the second copy is not usable.
          const fingerprint = lowerWords(span.text).join(' ');
          const fresh = !seen.has(fingerprint);
          seen.add(fingerprint);
          return {
            key: `${source.id}:${index}:${i}`,
            text: span.text,
            words: n,
            terms: terms(span.text),
            start: span.start,
            end: span.end,
            usable: fresh && n >= MIN_SENTENCE_WORDS && n <= MAX_SENTENCE_WORDS && /[.!?]["'”’)\]]*$/.test(span.text),
          };
        });
        passages.push({
          index,
          sourceId: source.id,
          heading: block.heading,
          text: piece,
          words: countWords(piece),
          sentences,
          terms: sentences.flatMap((s) => s.terms),
        });
      }
    }
  }
  const usableWords = passages.reduce((sum, p) => sum + p.sentences.reduce((s, x) => s + (x.usable ? x.words : 0), 0), 0);
  return { sources: [...sources], passages, usableWords, surface: surfaceForms(passages) };
}

/** Content terms: lower case, no stop words, plural -s folded. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of lowerWords(text)) {
    if (w.length < 3 || STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
    out.push(fold(w));
  }
  return out;
}

function surfaceForms(passages: readonly CorpusPassage[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const p of passages) {
    for (const w of words(p.text)) {
      const lower = w.toLowerCase().replace(/’/g, "'");
      if (lower.length < 3 || STOPWORDS.has(lower)) continue;
      const term = fold(lower);
      const form = w.replace(/['’]s$/, '');
      const forms = counts.get(term) ?? new Map<string, number>();
      forms.set(form, (forms.get(form) ?? 0) + 1);
      counts.set(term, forms);
    }
  }
  const out = new Map<string, string>();
  for (const [term, forms] of counts) {
    // Lower case wins a tie: a sentence-initial capital is not a proper noun.
    const best = [...forms.entries()].sort((a, b) => b[1] - a[1] || (a[0] === term ? -1 : b[0] === term ? 1 : a[0] < b[0] ? -1 : 1))[0]!;
    out.set(term, best[0].toLowerCase() === term || best[0].toLowerCase().startsWith(term) ? best[0] : term);
  }
  return out;
}

function fold(w: string): string {
  const bare = w.replace(/'s$/, '');
  if (bare.length > 4 && bare.endsWith('s') && !/(ss|us|is|ies)$/.test(bare)) return bare.slice(0, -1);
  return bare;
}

interface Block {
  heading?: string | undefined;
  text: string;
}

/** Paragraphs under their nearest Markdown heading (`#`…`######`, or a line underlined with === or ---). */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    const body = normalizeSpace(lines.join(' '));
    if (body) out.push({ heading, text: body });
    lines = [];
  };
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    const atx = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    const setext = line.trim() && /^\s{0,3}(=+|-+)\s*$/.test(all[i + 1] ?? '') && lines.length === 0;
    if (atx || setext) {
      flush();
      heading = normalizeSpace((atx ? atx[1]! : line).replace(/[*_`]/g, ''));
      if (setext) i++;
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    // A short line standing alone without a full stop is a plain-text heading ("Notes on the Voyage").
    const alone = !(all[i - 1] ?? '').trim() && !(all[i + 1] ?? '').trim();
    if (alone && lines.length === 0 && countWords(line) <= 14 && !/[.!?:;,]["'”’)\]]*\s*$/.test(line)) {
      heading = normalizeSpace(line.replace(/[*_`]/g, ''));
      continue;
    }
    // A list item is a paragraph of its own, without its marker.
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      lines.push(item[1]!);
      flush();
      continue;
    }
    lines.push(line);
  }
  flush();
  return out;
}

function cutLong(text: string): string[] {
  if (countWords(text) <= MAX_PASSAGE_WORDS) return [text];
  const spans = splitSentenceSpans(text);
  const pieces: string[] = [];
  let from = 0;
  let words = 0;
  for (const [i, span] of spans.entries()) {
    words += countWords(span.text);
    const last = i === spans.length - 1;
    if (words >= MAX_PASSAGE_WORDS * 0.6 || last) {
      pieces.push(text.slice(spans[from]!.start, span.end));
      from = i + 1;
      words = 0;
    }
  }
  return pieces;
}
