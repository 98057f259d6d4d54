import { describe, expect, it } from 'vitest';
import { type CharacterTimings, wordsFromCharacters } from './character-timings.js';
import { tokenize } from './forced-alignment.js';

/** Every character of `text` 0.1 s long, one after the other, as ElevenLabs reports them. */
function evenly(text: string): CharacterTimings {
  const characters = [...text];
  return { characters, startSec: characters.map((_, i) => i / 10), endSec: characters.map((_, i) => (i + 1) / 10) };
}

describe('word times from character times', () => {
  it('a word runs from its first character’s start to its last one’s end, punctuation included', () => {
    expect(wordsFromCharacters('Hi there, you.', evenly('Hi there, you.'))).toEqual([
      { word: 'Hi', startSec: 0, endSec: 0.2 },
      { word: 'there,', startSec: 0.3, endSec: 0.9 },
      { word: 'you.', startSec: 1, endSec: 1.4 },
    ]);
  });

  it('words are the ones captions show: a dash rides on the word before it, a hyphenated word is one', () => {
    const text = 'Flat-pack shelves — built fast.';
    const words = wordsFromCharacters(text, evenly(text))!;
    expect(words.map((w) => w.word)).toEqual(tokenize(text).map((t) => t.text));
    expect(words[1]).toEqual({ word: 'shelves —', startSec: 1, endSec: 1.9 });
  });

  it('whitespace the engine adds or leaves out around the text does not matter', () => {
    const timings = evenly(' One  two ');
    expect(wordsFromCharacters('One two', timings)).toEqual([
      { word: 'One', startSec: 0.1, endSec: 0.4 },
      { word: 'two', startSec: 0.6, endSec: 0.9 },
    ]);
  });

  it('characters of more than one UTF-16 unit keep their own times', () => {
    const text = 'Go 🚀 now';
    const words = wordsFromCharacters(text, evenly(text))!;
    expect(words.map((w) => [w.word, w.startSec, w.endSec])).toEqual([
      ['Go 🚀', 0, 0.4],
      ['now', 0.5, 0.8],
    ]);
  });

  it('arrays of different lengths, times that run backwards or are not numbers, or characters that spell another text give nothing', () => {
    const good = evenly('One two.');
    expect(wordsFromCharacters('One two.', { ...good, endSec: good.endSec.slice(1) })).toBeUndefined();
    expect(wordsFromCharacters('One two.', { ...good, startSec: [...good.startSec].reverse() })).toBeUndefined();
    expect(wordsFromCharacters('One two.', { ...good, endSec: good.endSec.map((t, i) => (i === 3 ? Number.NaN : t)) })).toBeUndefined();
    expect(wordsFromCharacters('One two.', { ...good, endSec: good.endSec.map((t, i) => (i === 2 ? 0 : t)) })).toBeUndefined();
    expect(wordsFromCharacters('One three.', good)).toBeUndefined();
    expect(wordsFromCharacters('One', good)).toBeUndefined();
    expect(wordsFromCharacters('One two.', { characters: [], startSec: [], endSec: [] })).toBeUndefined();
  });
});
