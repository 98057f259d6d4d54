/**
 * Word counting and tokens, one definition for the composer and every check: a word is a
 * run of letters or digits, with inner apostrophes and hyphens (`don't`, `well-known`).
 * A part's length is the words of its paragraphs; headings and titles do not count.
 */

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function countWords(text: string): number {
  return words(text).length;
}

/** Lower-case words, for shingles and repetition. */
export function lowerWords(text: string): string[] {
  return words(text).map((w) => w.toLowerCase().replace(/’/g, "'"));
}

/** Collapses every run of white space to one space: how quotes are matched against sources. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
