/**
 * Word times from the voice itself: forced alignment with pocketsphinx. Each sentence's
 * span of the track (known exactly from synthesis) is cut out at 16 kHz, and
 * pocketsphinx_continuous decodes it against a JSGF grammar that accepts only that
 * sentence's words in order — so it cannot mishear, only place, each word; `-time yes`
 * prints where. Sentences are aligned separately, so an error never drifts past the
 * end of its sentence.
 *
 * A sentence falls back to proportional timing (word-timings.ts) when one of its words
 * is not in the pronouncing dictionary (names, numbers written as digits), or when the
 * decoder's words do not come back as the sentence's. How often that happened is in
 * the result (`alignment`). The error against known timings is measured by
 * alignment-bench.ts (docs/benchmarks.md, "Word captions").
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TimedSentence, WordTimingSource } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import { normalizeWord, words as spokenWords } from '../text/words.js';
import { parsePocketsphinx } from '../voice/pocketsphinx-recognizer.js';
import { runChild } from '../voice/run-child.js';
import { distributeWords } from './word-timings.js';

/** One word as shown on screen, with the times of the sound it stands for. */
export interface AlignedWord {
  word: string;
  startSec: number;
  endSec: number;
  sentenceIndex: number;
  source: WordTimingSource;
}

export interface AlignmentResult {
  words: AlignedWord[];
  aligned: number;
  fellBack: number;
}

/** A shown token and the dictionary words it is spoken as ("don't" → ["don't"], "—" → []). */
interface Token {
  text: string;
  spoken: string[];
}

const dictionaries = new Map<string, Promise<Set<string>>>();

/** The pronouncing dictionary's words (`word` and `word(2)` alike), read once per process. */
function dictionary(modelDir: string): Promise<Set<string>> {
  let d = dictionaries.get(modelDir);
  if (!d) {
    d = readFile(path.join(modelDir, 'cmudict-en-us.dict'), 'utf8').then((text) => {
      const set = new Set<string>();
      for (const line of text.split('\n')) {
        const word = line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '');
        if (word) set.add(word);
      }
      return set;
    });
    d.catch(() => dictionaries.delete(modelDir));
    dictionaries.set(modelDir, d);
  }
  return d;
}

export function tokenize(sentence: string): Token[] {
  const tokens: Token[] = [];
  for (const text of sentence.split(/\s+/).filter(Boolean)) {
    // "flat-pack" is said as two dictionary words.
    const spoken = spokenWords(text).flatMap((w) => normalizeWord(w).split('-').filter(Boolean));
    // A token with nothing to say ("—", "&") rides on the word before it.
    const previous = tokens[tokens.length - 1];
    if (spoken.length === 0 && previous) previous.text += ` ${text}`;
    else tokens.push({ text, spoken });
  }
  return tokens;
}

export class ForcedAligner {
  constructor(private readonly modelDir: string) {}

  /** `audio` is the voice track the sentences' times refer to (any format ffmpeg reads). */
  async align(ctx: JobContext, audio: string, sentences: readonly TimedSentence[]): Promise<AlignmentResult> {
    const dir = await ctx.tempDir();
    const dict = await dictionary(this.modelDir);
    const work = sentences.map((s, i) => {
      const tokens = tokenize(s.text);
      const sayable = tokens.every((t) => t.spoken.every((w) => dict.has(w)));
      return { s, tokens, sayable, file: path.join(dir, `align-${i}.wav`), grammar: path.join(dir, `align-${i}.jsgf`) };
    });
    const toCut = work.filter((w) => w.sayable && w.tokens.length > 0 && w.s.endSec > w.s.startSec);
    if (toCut.length) {
      // One ffmpeg run cuts every sentence: output options apply to the output after them.
      const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', audio];
      for (const w of toCut)
        args.push('-ss', String(w.s.startSec), '-to', String(w.s.endSec), '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', w.file);
      await runChild(ctx, 'ffmpeg', args);
    }
    const out: AlignedWord[] = [];
    let aligned = 0;
    let fellBack = 0;
    for (const [i, w] of work.entries()) {
      const placed = toCut.includes(w) ? await this.alignSentence(ctx, w) : undefined;
      if (placed) {
        aligned++;
        out.push(...placed);
      } else {
        fellBack++;
        out.push(...proportional(w.s, w.tokens));
      }
      ctx.progress(10 + (80 * (i + 1)) / work.length, `aligned sentence ${i + 1} of ${work.length}`);
    }
    return { words: out, aligned, fellBack };
  }

  private async alignSentence(
    ctx: JobContext,
    w: { s: TimedSentence; tokens: Token[]; file: string; grammar: string },
  ): Promise<AlignedWord[] | undefined> {
    const expected = w.tokens.flatMap((t) => t.spoken);
    // JSGF tokens are plain dictionary words here: letters, digits, apostrophes and hyphens only.
    await writeFile(w.grammar, `#JSGF V1.0;\ngrammar forced;\npublic <sentence> = ${expected.join(' ')};\n`);
    const { stdout } = await runChild(ctx, 'pocketsphinx_continuous', [
      '-infile',
      w.file,
      '-time',
      'yes',
      '-hmm',
      path.join(this.modelDir, 'en-us'),
      '-jsgf',
      w.grammar,
      '-dict',
      path.join(this.modelDir, 'cmudict-en-us.dict'),
      '-logfn',
      '/dev/null',
    ]);
    const recognised = parsePocketsphinx(stdout).words;
    if (recognised.length !== expected.length || recognised.some((r, k) => r.word !== expected[k])) return undefined;
    const base = w.s.startSec;
    const end = w.s.endSec;
    const result: AlignedWord[] = [];
    let k = 0;
    for (const token of w.tokens) {
      const first = recognised[k]!;
      const last = recognised[k + token.spoken.length - 1]!;
      k += token.spoken.length;
      result.push({
        word: token.text,
        startSec: round3(Math.min(end, base + first.startSec)),
        endSec: round3(Math.min(end, base + last.endSec)),
        sentenceIndex: w.s.index,
        source: 'forced-alignment',
      });
    }
    return result;
  }
}

/** Shown tokens timed in proportion to their length inside the sentence's span. */
export function proportional(sentence: TimedSentence, tokens: readonly Token[] = tokenize(sentence.text)): AlignedWord[] {
  // U+001F joins a token's pieces: distributeWords splits on whitespace, and a token is one word on screen.
  const spread = distributeWords({ ...sentence, text: tokens.map((t) => t.text.replace(/\s+/g, '\u001f')).join(' ') });
  return spread.words.map((word) => ({
    word: word.word.replaceAll('\u001f', ' '),
    startSec: round3(word.startSec),
    endSec: round3(word.endSec),
    sentenceIndex: sentence.index,
    source: 'proportional' as const,
  }));
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
