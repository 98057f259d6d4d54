/**
 * ai.captions: voice timings (an ai.tts result's sentences) → SRT and WebVTT artifacts
 * whose cues follow the audio, and, when asked, word captions (an ASS script, the word
 * being said highlighted). Word times come from the engine when it reported them
 * (`words`), else from forced alignment against the voice track (`audio`, pocketsphinx),
 * else from each sentence's span shared out by word length. The sentences' scenes give
 * each script scene's time on screen (`scenes`), for media.render.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { aiTasks, CaptionsOutput, CaptionWord, TimedSentence, TimedWord } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { layoutCues } from '../captions/cue-layout.js';
import { type AlignedWord, ForcedAligner, proportional } from '../captions/forced-alignment.js';
import { sceneSpans } from '../captions/scene-spans.js';
import { toSrt, toVtt } from '../captions/subtitle-formats.js';
import { type ResolvedWordStyle, wordCaptionsAss } from '../captions/word-captions.js';
import { distributeWords } from '../captions/word-timings.js';

export interface CaptionsDeps {
  /** pocketsphinx's English model directory (POCKETSPHINX_MODEL_DIR). */
  modelDir: string;
}

export function captionsHandler(deps: CaptionsDeps): TaskHandler<(typeof aiTasks)['ai.captions']> {
  const aligner = new ForcedAligner(deps.modelDir);
  return async (input, ctx) => {
    const sentences = [...input.sentences].sort((a, b) => a.startSec - b.startSec);
    const dir = await ctx.tempDir();
    const cues = layoutCues(sentences.map(distributeWords), input);
    const srtPath = path.join(dir, `${input.name}.srt`);
    const vttPath = path.join(dir, `${input.name}.vtt`);
    await writeFile(srtPath, toSrt(cues));
    await writeFile(vttPath, toVtt(cues));
    const out: CaptionsOutput = {
      srt: await ctx.artifacts.putFile(srtPath, { contentType: 'application/x-subrip' }),
      vtt: await ctx.artifacts.putFile(vttPath, { contentType: 'text/vtt' }),
      cues,
    };

    let words: AlignedWord[] | undefined;
    let alignment: CaptionsOutput['alignment'];
    if (input.words?.length) {
      words = engineWords(input.words, sentences);
    } else if (input.audio) {
      ctx.progress(5, 'aligning words to the voice');
      const audio = path.join(dir, 'voice');
      await ctx.artifacts.getToFile(input.audio, audio);
      const result = await aligner.align(ctx, audio, sentences);
      words = result.words;
      alignment = { aligned: result.aligned, fellBack: result.fellBack };
    } else if (input.wordCaptions) {
      words = sentences.flatMap((s) => proportional(s));
      alignment = { aligned: 0, fellBack: sentences.length };
    }
    if (words && input.wordCaptions) {
      const assPath = path.join(dir, `${input.name}.ass`);
      await writeFile(assPath, wordCaptionsAss(words, input.wordCaptions as ResolvedWordStyle));
      out.ass = await ctx.artifacts.putFile(assPath, { name: `${input.name}.ass`, contentType: 'text/x-ssa' });
    }
    if (words)
      out.words = words.map(
        ({ word, startSec, endSec, sentenceIndex, source }): CaptionWord => ({ word, startSec, endSec, sentenceIndex, source }),
      );
    if (alignment) out.alignment = alignment;
    const scenes = sceneSpans(sentences, input.sceneTailSec);
    if (scenes) out.scenes = scenes;
    return out;
  };
}

/** Engine-reported words, each given to the sentence its middle falls in (the nearest one when between two). */
function engineWords(words: readonly TimedWord[], sentences: readonly TimedSentence[]): AlignedWord[] {
  return words.map((w) => {
    const mid = (w.startSec + w.endSec) / 2;
    let best = sentences[0]!;
    for (const s of sentences) {
      const distance = mid < s.startSec ? s.startSec - mid : mid > s.endSec ? mid - s.endSec : 0;
      const bestDistance = mid < best.startSec ? best.startSec - mid : mid > best.endSec ? mid - best.endSec : 0;
      if (distance < bestDistance) best = s;
    }
    return { word: w.word, startSec: w.startSec, endSec: w.endSec, sentenceIndex: best.index, source: 'engine' as const };
  });
}
