/** Words of a text as a reader counts them: letters, digits and inner apostrophes/hyphens. */
export function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** Lower case, apostrophes folded: for comparing and counting words. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/’/g, "'");
}
