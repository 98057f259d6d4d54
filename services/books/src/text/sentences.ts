/**
 * Sentence splitting with offsets, so a chosen sentence can be quoted verbatim from its
 * passage. Splits after . ! ? (and a closing quote or bracket) before an upper-case
 * letter, a digit or an opening quote, except after common abbreviations and initials.
 */

export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'prof',
  'sr',
  'jr',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'no',
  'vol',
  'ch',
  'fig',
  'cf',
  'mt',
  'ft',
  'gen',
  'col',
  'capt',
  'lt',
  'rev',
]);
const BOUNDARY = /([.!?]["'”’)\]]*)\s+(?=["'“‘([]?[A-Z0-9])/g;

export function splitSentenceSpans(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[1]!.length;
    const before = text.slice(start, end);
    const lastWord = /([A-Za-z.]+)\.["'”’)\]]*$/.exec(before)?.[1]?.toLowerCase() ?? '';
    // "Dr. Smith", "J. S. Bach": not the end of a sentence.
    if (ABBREVIATIONS.has(lastWord) || /^[a-z]$/.test(lastWord)) continue;
    pushSpan(spans, text, start, end);
    start = match.index + match[0].length;
  }
  pushSpan(spans, text, start, text.length);
  return spans;
}

export function splitSentences(text: string): string[] {
  return splitSentenceSpans(text).map((s) => s.text);
}

function pushSpan(spans: SentenceSpan[], text: string, from: number, to: number): void {
  const raw = text.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  if (trimmed) spans.push({ text: trimmed, start: from + lead, end: from + lead + trimmed.length });
}
