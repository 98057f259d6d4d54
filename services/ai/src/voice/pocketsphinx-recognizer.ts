/**
 * Offline English recognition with CMU pocketsphinx (`pocketsphinx_continuous`) and
 * its stock en-us acoustic model, language model and dictionary. `-time yes` prints
 * each word with start, end and posterior probability; utterances (split at pauses)
 * become transcript segments.
 *
 * Limits: the generic language model gives roughly 37% word error rate on real,
 * conversational speech, and is near-perfect on clear synthetic voices (flite). English only.
 */
import path from 'node:path';
import { AiProvider, type TimedWord, type TranscriptSegment } from '@reelay/contracts';
import { type JobContext, PermanentError } from '@reelay/runtime';
import { runChild } from './run-child.js';
import type { Transcriber, TranscribeOptions, Transcript } from './transcriber.js';

export const POCKETSPHINX_ACCURACY_NOTE =
  'offline pocketsphinx (en-us generic model): about 37% word error rate on real conversational speech, ' +
  'near-perfect on clear synthetic voices; English only; configure AI_STT_PROVIDER=openai for production accuracy';

/** Fillers and markers pocketsphinx emits that are not words. */
const NOT_WORDS = /^(<s>|<\/s>|<sil>|\[[A-Z_]+\]|\+\+.*\+\+)$/;
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

export class PocketsphinxRecognizer implements Transcriber {
  readonly provider = AiProvider.pocketsphinx;
  readonly model = 'en-us';
  readonly accuracyNote = POCKETSPHINX_ACCURACY_NOTE;
  readonly wants = 'wav16k' as const;

  constructor(private readonly modelDir: string) {}

  async transcribe(file: string, options: TranscribeOptions, ctx: JobContext): Promise<Transcript> {
    if (options.language !== 'en') {
      throw new PermanentError(`the offline recognizer knows English only (asked for "${options.language}")`);
    }
    const { stdout } = await runChild(ctx, 'pocketsphinx_continuous', [
      '-infile',
      file,
      '-time',
      'yes',
      '-hmm',
      path.join(this.modelDir, 'en-us'),
      '-lm',
      path.join(this.modelDir, 'en-us.lm.bin'),
      '-dict',
      path.join(this.modelDir, 'cmudict-en-us.dict'),
      '-logfn',
      '/dev/null',
    ]);
    return { ...parsePocketsphinx(stdout), language: 'en' };
  }
}

/** Word lines between `<s>` and `</s>` make one segment; hypothesis lines are skipped. */
export function parsePocketsphinx(stdout: string): { text: string; words: TimedWord[]; segments: TranscriptSegment[] } {
  const words: TimedWord[] = [];
  const segments: TranscriptSegment[] = [];
  let current: TimedWord[] = [];
  const close = () => {
    if (current.length) {
      segments.push({
        startSec: current[0]!.startSec,
        endSec: current[current.length - 1]!.endSec,
        text: current.map((w) => w.word).join(' '),
      });
    }
    current = [];
  };
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m) continue;
    const token = m[1]!;
    if (token === '<s>') close();
    if (token === '</s>') close();
    if (NOT_WORDS.test(token)) continue;
    // `the(2)` names the dictionary's second pronunciation of "the".
    const word: TimedWord = {
      word: token.replace(/\(\d+\)$/, ''),
      startSec: Number(m[2]),
      endSec: Number(m[3]),
      confidence: Math.min(1, Math.max(0, Number(m[4]))),
    };
    words.push(word);
    current.push(word);
  }
  close();
  return { text: segments.map((s) => s.text).join(' '), words, segments };
}
