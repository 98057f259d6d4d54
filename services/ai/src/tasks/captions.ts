/**
 * ai.captions: voice timings (an ai.tts result's sentences) → SRT and WebVTT artifacts
 * whose cues follow the audio: words are placed inside their sentence's measured span,
 * then grouped into short cues for vertical video.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { aiTasks } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { layoutCues } from '../captions/cue-layout.js';
import { toSrt, toVtt } from '../captions/subtitle-formats.js';
import { distributeWords } from '../captions/word-timings.js';

export function captionsHandler(): TaskHandler<(typeof aiTasks)['ai.captions']> {
  return async (input, ctx) => {
    const sentences = [...input.sentences].sort((a, b) => a.startSec - b.startSec);
    const cues = layoutCues(sentences.map(distributeWords), input);
    const dir = await ctx.tempDir();
    const srtPath = path.join(dir, `${input.name}.srt`);
    const vttPath = path.join(dir, `${input.name}.vtt`);
    await writeFile(srtPath, toSrt(cues));
    await writeFile(vttPath, toVtt(cues));
    const srt = await ctx.artifacts.putFile(srtPath, { contentType: 'application/x-subrip' });
    const vtt = await ctx.artifacts.putFile(vttPath, { contentType: 'text/vtt' });
    return { srt, vtt, cues };
  };
}
