/**
 * Finishing a music bed, whoever made it: EBU R128 two-pass loudness normalisation with
 * ffmpeg's loudnorm (measure, then apply the measured values with linear=true, which
 * scales without pumping when the target fits under the true-peak ceiling), then a last
 * measurement of the stored file, whose figures go in the result so the mixer (the reel's
 * ducking) knows exactly how loud the bed is.
 */
import { type JobContext, TransientError } from '@reelay/runtime';
import { ErrorCode } from '@reelay/contracts';
import { runChild } from '../voice/run-child.js';

export const MUSIC_SAMPLE_RATE = 48_000;
/** Ceiling for the bed's true peak, dBTP. */
export const TRUE_PEAK_DB = -1.5;

const quiet = ['-hide_banner', '-nostdin', '-y'];

export interface Loudness {
  integratedLufs: number;
  truePeakDb: number;
  lra: number;
  thresholdLufs: number;
  offsetLu: number;
}

/** loudnorm's measuring pass: it prints a JSON block on stderr when the stream ends. */
export async function measureLoudness(ctx: JobContext, file: string, targetLufs = -23): Promise<Loudness> {
  const { stderr } = await runChild(ctx, 'ffmpeg', [
    ...quiet,
    '-i',
    file,
    '-af',
    `loudnorm=I=${targetLufs}:TP=${TRUE_PEAK_DB}:LRA=11:print_format=json`,
    '-f',
    'null',
    '-',
  ]);
  const json = stderr.slice(stderr.lastIndexOf('{'), stderr.lastIndexOf('}') + 1);
  let parsed: Record<string, string>;
  try {
    parsed = JSON.parse(json) as Record<string, string>;
  } catch {
    throw new TransientError('loudnorm printed no measurement', { code: ErrorCode.CHILD_PROCESS_FAILED });
  }
  const num = (key: string) => Number(parsed[key]);
  const out = {
    integratedLufs: num('input_i'),
    truePeakDb: num('input_tp'),
    lra: num('input_lra'),
    thresholdLufs: num('input_thresh'),
    offsetLu: num('target_offset'),
  };
  // Digital silence measures -inf: nothing to normalise, and a bug upstream.
  if (!Number.isFinite(out.integratedLufs)) throw new TransientError('the track is silent', { code: ErrorCode.CHILD_PROCESS_FAILED });
  return out;
}

/** Applies the measured values: `input` → 16-bit stereo 48 kHz WAV at `targetLufs`. */
export async function normalizeLoudness(
  ctx: JobContext,
  input: string,
  output: string,
  targetLufs: number,
  measured: Loudness,
): Promise<void> {
  const filter = [
    `loudnorm=I=${targetLufs}:TP=${TRUE_PEAK_DB}:LRA=11`,
    `measured_I=${measured.integratedLufs}:measured_TP=${measured.truePeakDb}:measured_LRA=${measured.lra}`,
    `measured_thresh=${measured.thresholdLufs}:offset=${measured.offsetLu}:linear=true`,
  ].join(':');
  // loudnorm works at 192 kHz inside: bring it back to the bed's rate.
  await runChild(ctx, 'ffmpeg', [
    ...quiet,
    '-loglevel',
    'error',
    '-i',
    input,
    '-af',
    `${filter},aresample=${MUSIC_SAMPLE_RATE}`,
    '-ac',
    '2',
    '-c:a',
    'pcm_s16le',
    output,
  ]);
}

/** Fades at both ends of a bed `durationSec` long. */
export function fades(durationSec: number, fadeSec: number): string {
  const d = Math.min(fadeSec, durationSec / 4);
  if (d <= 0) return 'anull';
  return `afade=t=in:st=0:d=${d},afade=t=out:st=${Math.max(0, durationSec - d)}:d=${d}`;
}
