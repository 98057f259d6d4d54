/**
 * The offline ai.music engine: an arrangement for the mood (progressions.ts) played by
 * ffmpeg's aevalsrc (synth-graph.ts) for one pass through the progression and looped to
 * length (the expression is evaluated per sample, so a long bed costs no more), then
 * resampled to 48 kHz, given a dotted-eighth echo for space and a gentle low-pass, and
 * faded at both ends. Exactly `durationSec` long: it is cut by sample count.
 * Deterministic for a seed.
 */
import path from 'node:path';
import { AiMediaProvider } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import { seededRandom } from '../images/seeded-random.js';
import { runChild } from '../voice/run-child.js';
import { fades, MUSIC_SAMPLE_RATE } from './loudness.js';
import type { MusicEngine, MusicRequest, RawBed } from './music-engine.js';
import { arrange } from './progressions.js';
import { SYNTH_SAMPLE_RATE, synthExpressions } from './synth-graph.js';

export class OfflineSynth implements MusicEngine {
  readonly provider = AiMediaProvider.offlineSynth;
  readonly model = undefined;

  async compose(request: MusicRequest, dir: string, ctx: JobContext): Promise<RawBed> {
    const arrangement = arrange(request.mood, seededRandom(request.seed), request.tempoBpm);
    const [left, right] = synthExpressions(arrangement);
    const samples = Math.round(request.durationSec * MUSIC_SAMPLE_RATE);
    const echoMs = Math.round((60_000 / arrangement.tempoBpm) * 0.75);
    const cycleSec = (arrangement.chords.length * 4 * 60) / arrangement.tempoBpm;
    const cycleSamples = Math.round(cycleSec * SYNTH_SAMPLE_RATE);
    const file = path.join(dir, 'synth.wav');
    ctx.progress(10, `playing ${arrangement.chords.join(' ')} at ${arrangement.tempoBpm} bpm`);
    await runChild(ctx, 'ffmpeg', [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
      // One pass through the progression is synthesised (aevalsrc costs per sample) and looped.
      ...['-f', 'lavfi', '-i', `aevalsrc='${left}|${right}':s=${SYNTH_SAMPLE_RATE}:d=${cycleSec}`],
      '-af',
      [
        `aloop=loop=-1:size=${cycleSamples}`,
        `aresample=${MUSIC_SAMPLE_RATE}`,
        `aecho=0.8:0.6:${echoMs}|${Math.round(echoMs * 1.03)}:0.22|0.2`,
        'lowpass=f=9000',
        // Cut by samples, not seconds, so the length is exact.
        `atrim=end_sample=${samples}`,
        fades(request.durationSec, request.fadeSec),
      ].join(','),
      ...['-c:a', 'pcm_f32le', file],
    ]);
    return { file, tempoBpm: arrangement.tempoBpm, key: arrangement.key, chords: arrangement.chords };
  }
}
