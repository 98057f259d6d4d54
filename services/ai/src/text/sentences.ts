/**
 * Splits narration into sentences: the unit ai.tts synthesizes and times, and ai.quality
 * measures. Abbreviations and decimals ("Dr. Smith", "3.5") do not end a sentence.
 */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'inc', 'ltd', 'no', 'approx']);

export function splitSentences(text: string): string[] {
  const normalized = text.replace(/\s+/g, ' ').trim();
  if (!normalized) return [];
  const out: string[] = [];
  let start = 0;
  const re = /[.!?…]+["')\]]*(?=\s|$)/g;
  for (let m = re.exec(normalized); m; m = re.exec(normalized)) {
    const end = m.index + m[0].length;
    const before = normalized.slice(start, m.index);
    const lastWord = before.split(' ').pop()?.toLowerCase() ?? '';
    if (m[0] === '.' && ABBREVIATIONS.has(lastWord)) continue;
    const sentence = normalized.slice(start, end).trim();
    if (sentence) out.push(sentence);
    start = end;
  }
  const rest = normalized.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}
