/**
 * English syllables by vowel groups with the usual corrections (silent final e, -es,
 * -ed except after t or d, a leading y, -le after a consonant). Within one syllable of a dictionary on most
 * words, which is how Flesch's formula was calibrated: he counted by rule, by hand.
 */
export function syllables(word: string): number {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return /\d/.test(word) ? Math.max(1, word.replace(/\D/g, '').length) : 0;
  if (w.length <= 3) return 1;
  // "table", "little": the final -le after a consonant is a syllable of its own.
  const consonantLe = /[^aeiouy]le$/.test(w) ? 1 : 0;
  w = w.replace(/(?:[^laeiouy]es|[^laeiouydt]ed|[^laeiouy]e|le)$/, '').replace(/^y/, '');
  const groups = w.match(/[aeiouy]+/g)?.length ?? 0;
  return Math.max(1, groups + consonantLe);
}
