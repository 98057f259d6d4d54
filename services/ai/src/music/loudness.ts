/**
 * Finishing a music bed, whoever made it: EBU R128 loudness normalisation to a target,
 * then a last measurement of the stored file, whose figures go in the result so the
 * mixer (the reel's ducking) knows exactly how loud the bed is. Measuring uses ffmpeg's
 * ebur128 meter (integrated loudness, range, true peak): loudnorm's own measuring pass
 * upsamples to 192 kHz and cost six times as much CPU for the same figures. When the
 * gain to the target keeps the true peak under the ceiling, it is applied as a plain
 * gain — what loudnorm's linear mode does; otherwise loudnorm, given the measured
 * values, limits the peaks on its way to the target.
 */
import { ErrorCode } from '@reelay/contracts';
import { type JobContext, TransientError } from '@reelay/runtime';
import { runChild } from '../voice/run-child.js';

export const MUSIC_SAMPLE_RATE = 48_000;
/** Ceiling for the bed's true peak, dBTP. */
export const TRUE_PEAK_DB = -1.5;

const quiet = ['-hide_banner', '-nostdin', '-nostats'];

export interface Loudness {
  integratedLufs: number;
  /** The relative gate of the integrated measurement. */
  thresholdLufs: number;
  /** Loudness range, LU. */
  lra: number;
  truePeakDb: number;
}

/** ebur128's summary, printed on stderr when the stream ends. */
export async function measureLoudness(ctx: JobContext, file: string): Promise<Loudness> {
  const { stderr } = await runChild(ctx, 'ffmpeg', [...quiet, '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const figure = (pattern: RegExp) => Number(pattern.exec(summary)?.[1]);
  const out = {
    integratedLufs: figure(/I:\s+(-?[\d.]+|-inf) LUFS/),
    thresholdLufs: figure(/Integrated loudness:\s+I:[^\n]+\n\s+Threshold:\s+(-?[\d.]+) LUFS/),
    lra: figure(/LRA:\s+(-?[\d.]+) LU/),
    truePeakDb: figure(/Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
  // Digital silence measures -inf (or far below anything audible): nothing to normalise, and a bug upstream.
  if (!Number.isFinite(out.integratedLufs) || out.integratedLufs < -70)
    throw new TransientError('the track is silent', { code: ErrorCode.CHILD_PROCESS_FAILED });
  return out;
}

/** `input` → 16-bit stereo 48 kHz WAV at `targetLufs`, true peak under TRUE_PEAK_DB. */
export async function normalizeLoudness(
  ctx: JobContext,
  input: string,
  output: string,
  targetLufs: number,
  measured: Loudness,
): Promise<void> {
  const gainDb = targetLufs - measured.integratedLufs;
  const filter =
    measured.truePeakDb + gainDb <= TRUE_PEAK_DB
      ? `volume=${gainDb.toFixed(2)}dB`
      : [
          `loudnorm=I=${targetLufs}:TP=${TRUE_PEAK_DB}:LRA=${Math.max(7, Math.ceil(measured.lra))}`,
          `measured_I=${measured.integratedLufs}:measured_TP=${measured.truePeakDb}:measured_LRA=${measured.lra}`,
          `measured_thresh=${measured.thresholdLufs}:linear=true`,
        ].join(':');
  // loudnorm works at 192 kHz inside: bring it back to the bed's rate either way.
  await runChild(ctx, 'ffmpeg', [
    ...[...quiet, '-loglevel', 'error', '-y', '-i', input],
    ...['-af', `${filter},aresample=${MUSIC_SAMPLE_RATE}`, '-ac', '2', '-c:a', 'pcm_s16le', output],
  ]);
}

/** Fades at both ends of a bed `durationSec` long. */
export function fades(durationSec: number, fadeSec: number): string {
  const d = Math.min(fadeSec, durationSec / 4);
  if (d <= 0) return 'anull';
  return `afade=t=in:st=0:d=${d},afade=t=out:st=${Math.max(0, durationSec - d)}:d=${d}`;
}
