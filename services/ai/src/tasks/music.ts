/**
 * ai.music: a music bed of the asked length and mood, from the configured engine (the
 * offline ffmpeg synthesiser or ElevenLabs), finished the same way for both: loudness
 * normalised to `targetLufs`, 48 kHz stereo WAV, measured again as stored. The result's
 * loudness is what the reel's mixer ducks against.
 */
import path from 'node:path';
import type { aiMediaTasks, MusicOutput } from '@reelay/contracts';
import { type TaskHandler, TransientError } from '@reelay/runtime';
import { seedFromText } from '../images/seeded-random.js';
import { measureLoudness, normalizeLoudness } from '../music/loudness.js';
import { probeAudio } from '../voice/audio-files.js';
import type { AiDeps } from './ai-deps.js';

/** How far the stored bed may be from the asked length. */
const DURATION_TOLERANCE = 0.02;

export function musicHandler(deps: Pick<AiDeps, 'music'>): TaskHandler<(typeof aiMediaTasks)['ai.music']> {
  return async (input, ctx) => {
    const seed = input.seed ?? seedFromText(`${input.mood}#${input.tempoBpm ?? ''}#${input.durationSec}`);
    const dir = await ctx.tempDir();
    const engine = deps.music;
    const raw = await engine.compose({ ...input, seed }, dir, ctx);
    ctx.progress(70, 'normalising loudness');
    const measured = await measureLoudness(ctx, raw.file);
    const file = path.join(dir, `${input.name}.wav`);
    await normalizeLoudness(ctx, raw.file, file, input.targetLufs, measured);
    const [probe, stored] = await Promise.all([probeAudio(ctx, file), measureLoudness(ctx, file)]);
    if (Math.abs(probe.durationSec - input.durationSec) > input.durationSec * DURATION_TOLERANCE)
      throw new TransientError(`the bed came out ${probe.durationSec.toFixed(2)} s long, not ${input.durationSec} s`);
    ctx.progress(92, 'storing the music bed');
    const audio = await ctx.artifacts.putFile(file, { name: `${input.name}.wav`, contentType: 'audio/wav' });
    const out: MusicOutput = {
      audio,
      durationSec: probe.durationSec,
      sampleRate: probe.sampleRate,
      channels: 2,
      loudnessLufs: round(stored.integratedLufs),
      truePeakDb: round(stored.truePeakDb),
      mood: input.mood,
      seed,
      provider: engine.provider,
    };
    if (engine.model) out.model = engine.model;
    if (raw.tempoBpm) out.tempoBpm = raw.tempoBpm;
    if (raw.key) out.key = raw.key;
    if (raw.chords) out.chords = raw.chords;
    if (raw.prompt) out.prompt = raw.prompt;
    if (raw.usage) out.usage = raw.usage;
    return out;
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
