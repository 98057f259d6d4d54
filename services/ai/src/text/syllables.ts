/**
 * English syllable count by vowel groups with the usual corrections (silent final e,
 * -le, -ed, -es). Within one syllable of a dictionary on most words: what the Flesch
 * formula was calibrated with, since Flesch counted by hand and by rule.
 */
export function syllables(word: string): number {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return /\d/.test(word) ? Math.max(1, word.replace(/\D/g, '').length) : 0;
  if (w.length <= 3) return 1;
  w = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  const groups = w.match(/[aeiouy]+/g)?.length ?? 0;
  return Math.max(1, groups);
}
