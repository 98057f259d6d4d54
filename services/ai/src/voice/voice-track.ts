/**
 * Builds a voice track one sentence at a time: synthesize, convert to the track's PCM
 * format, measure with ffprobe, then join everything (with measured silences between
 * sentences) without re-encoding. Because the pieces are measured after conversion and
 * joined sample for sample, each sentence's start and end in the track are exact —
 * which is what captions need, and what no engine's own timing report guarantees.
 *
 * Words an engine timed itself are placed the same way: at their sentence's start on the
 * track, after every pause before it. They are kept only when every sentence has them,
 * so ai.captions gets either the engine's words for the whole voice or none (and then
 * force-aligns it all), never a track with holes.
 */
import path from 'node:path';
import type { AiUsage, CaptionWord, TimedSentence, TimedWord } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import { addUsage } from '@reelay/ai-providers';
import { concatenate, probeAudio, silence, toTrackPcm } from './audio-files.js';
import type { Synthesizer, VoiceSettings } from './synthesizer.js';

export interface SentenceToSay {
  text: string;
  sceneIndex?: number;
}

export interface VoiceTrack {
  file: string;
  durationSec: number;
  sampleRate: number;
  sentences: TimedSentence[];
  /** The engine's words on the track, when it timed every sentence's. */
  words?: CaptionWord[];
  usage?: AiUsage;
}

/** How far past its audio an engine's word may end before its timings are not believed (rounding, a trailing breath). */
const WORD_OVERRUN_SEC = 0.1;

export async function buildVoiceTrack(
  ctx: JobContext,
  synthesizer: Synthesizer,
  settings: VoiceSettings,
  sentences: readonly SentenceToSay[],
  pauseMs: number,
): Promise<VoiceTrack> {
  const dir = await ctx.tempDir();
  const pieces: string[] = [];
  const timed: TimedSentence[] = [];
  let usage: AiUsage | undefined;
  const words: CaptionWord[] = [];
  let untimed = 0;
  let pause: { file: string; durationSec: number } | undefined;
  if (pauseMs > 0 && sentences.length > 1) {
    const file = path.join(dir, 'pause.wav');
    await silence(ctx, pauseMs, file);
    pause = { file, durationSec: (await probeAudio(ctx, file)).durationSec };
  }
  let at = 0;
  for (const [index, sentence] of sentences.entries()) {
    if (index > 0 && pause) {
      pieces.push(pause.file);
      at += pause.durationSec;
    }
    const raw = path.join(dir, `sentence-${index}.raw.wav`);
    const piece = path.join(dir, `sentence-${index}.wav`);
    const result = await synthesizer.synthesize(sentence.text, settings, raw, ctx);
    if (result.usage) usage = addUsage(usage, result.usage);
    await toTrackPcm(ctx, raw, piece);
    const { durationSec } = await probeAudio(ctx, piece);
    const entry: TimedSentence = { index, text: sentence.text, startSec: round6(at), endSec: round6(at + durationSec) };
    if (sentence.sceneIndex !== undefined) entry.sceneIndex = sentence.sceneIndex;
    timed.push(entry);
    const placed = result.words && placeWords(result.words, index, at, durationSec);
    if (placed) words.push(...placed);
    else untimed++;
    pieces.push(piece);
    at += durationSec;
    ctx.progress(((index + 1) / sentences.length) * 90, `voiced sentence ${index + 1} of ${sentences.length}`);
  }
  const file = path.join(dir, 'voice.wav');
  await concatenate(ctx, pieces, path.join(dir, 'pieces.txt'), file);
  const probe = await probeAudio(ctx, file);
  if (Math.abs(probe.durationSec - at) > 0.02) {
    ctx.log.warn({ measured: probe.durationSec, summed: at }, 'voice track length differs from the sum of its pieces');
  }
  const track: VoiceTrack = { file, durationSec: probe.durationSec, sampleRate: probe.sampleRate, sentences: timed };
  if (untimed === 0) track.words = words;
  else if (words.length > 0)
    ctx.log.warn({ untimed, sentences: sentences.length }, 'the engine timed the words of only some sentences: none are kept');
  if (usage) track.usage = usage;
  return track;
}

/** A sentence's words (seconds into its own audio) on the track, or undefined when they overrun its measured audio. */
function placeWords(words: readonly TimedWord[], sentenceIndex: number, at: number, durationSec: number): CaptionWord[] | undefined {
  if (words.length === 0 || words.some((w) => w.endSec > durationSec + WORD_OVERRUN_SEC)) return undefined;
  return words.map((w) => {
    const endSec = round6(at + Math.min(w.endSec, durationSec));
    return { word: w.word, startSec: Math.min(round6(at + w.startSec), endSec), endSec, sentenceIndex, source: 'engine' };
  });
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
