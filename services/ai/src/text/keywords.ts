/**
 * Keyword extraction for hashtags and script visuals: content words and adjacent pairs
 * ranked by frequency, with a boost for words in the opening sentence (where a writer
 * names the subject) and for pairs (more specific than single words).
 */
import { splitSentences } from './sentences.js';
import { STOPWORDS } from './stopwords.js';
import { normalizeWord, words } from './words.js';

export interface Keyword {
  /** The words of the keyword, in the text's order. */
  words: string[];
  score: number;
}

export function extractKeywords(text: string, limit: number): Keyword[] {
  const sentences = splitSentences(text);
  const scores = new Map<string, Keyword & { first: number }>();
  let position = 0;
  sentences.forEach((sentence, si) => {
    const boost = si === 0 ? 1.5 : 1;
    const tokens = words(sentence).map(normalizeWord);
    tokens.forEach((token, i) => {
      position += 1;
      if (!isContent(token)) return;
      add(scores, [token], boost, position);
      const next = tokens[i + 1];
      if (next && isContent(next)) add(scores, [token, next], boost * 1.6, position);
    });
  });
  const ranked = [...scores.values()]
    // A pair seen once is noise unless the text is short; single words always count.
    .filter((k) => k.words.length === 1 || k.score >= 2 || sentences.length <= 3)
    .sort((a, b) => b.score - a.score || a.first - b.first);
  // Drop single words already covered by a higher-ranked pair.
  const out: Keyword[] = [];
  const covered = new Set<string>();
  for (const k of ranked) {
    if (k.words.length === 1 && covered.has(k.words[0]!)) continue;
    out.push({ words: k.words, score: Math.round(k.score * 100) / 100 });
    for (const w of k.words) covered.add(w);
    if (out.length >= limit) break;
  }
  return out;
}

function isContent(token: string): boolean {
  return token.length > 2 && !STOPWORDS.has(token) && !/^\d+$/.test(token);
}

function add(scores: Map<string, Keyword & { first: number }>, ws: string[], weight: number, position: number): void {
  const key = ws.join(' ');
  const entry = scores.get(key);
  if (entry) entry.score += weight;
  else scores.set(key, { words: ws, score: weight, first: position });
}

/** `["morning", "routine"]` → `MorningRoutine`: hashtags read better in camel case. */
export function camelCase(ws: readonly string[]): string {
  return ws
    .map((w) => w.replace(/['’-]/g, ''))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
