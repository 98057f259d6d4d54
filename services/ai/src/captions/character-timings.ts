/**
 * Word times from a voice engine's own per-character times (ElevenLabs' `alignment`).
 * Words are cut as ai.captions shows them (`tokenize`: whitespace-separated, a token
 * with nothing to say — "—", "&" — riding on the word before), and each runs from the
 * start of its first character to the end of its last. Nothing is estimated: when the
 * characters do not spell the text, the three arrays differ in length, or a time is not
 * a time, the answer is undefined and the caller has no engine words for that sentence.
 */
import type { TimedWord } from '@reelay/contracts';
import { tokenize } from './forced-alignment.js';

export interface CharacterTimings {
  characters: readonly string[];
  startSec: readonly number[];
  endSec: readonly number[];
}

/** `text`'s words timed from `timings` (seconds from the start of the engine's audio), or undefined when they do not fit. */
export function wordsFromCharacters(text: string, timings: CharacterTimings): TimedWord[] | undefined {
  const { characters, startSec, endSec } = timings;
  if (characters.length === 0 || startSec.length !== characters.length || endSec.length !== characters.length) return undefined;
  // The characters spelled out, and for each UTF-16 unit of that spelling the character it belongs to.
  let spelled = '';
  const owner: number[] = [];
  for (const [i, character] of characters.entries()) {
    const start = startSec[i]!;
    const end = endSec[i]!;
    if (typeof character !== 'string' || !isTime(start) || !isTime(end) || end < start) return undefined;
    if (i > 0 && start < startSec[i - 1]!) return undefined;
    spelled += character;
    for (let k = 0; k < character.length; k++) owner.push(i);
  }
  const words: TimedWord[] = [];
  let cursor = 0;
  for (const token of tokenize(text)) {
    let first: number | undefined;
    let last = 0;
    for (const piece of token.text.split(' ')) {
      const at = spelled.indexOf(piece, cursor);
      // Only whitespace may lie between one piece of the text and the next.
      if (at === -1 || spelled.slice(cursor, at).trim() !== '') return undefined;
      first ??= owner[at]!;
      last = owner[at + piece.length - 1]!;
      cursor = at + piece.length;
    }
    words.push({ word: token.text, startSec: startSec[first!]!, endSec: endSec[last]! });
  }
  if (spelled.slice(cursor).trim() !== '') return undefined;
  return words;
}

const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
