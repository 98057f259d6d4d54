/**
 * The ffmpeg and ffprobe steps of a voice track: bring every piece to one PCM format,
 * make exact silences, join the pieces without re-encoding, and measure durations.
 * Joining identical PCM WAVs with the concat demuxer and `-c copy` adds no samples, so
 * the track's timeline is exactly the sum of the measured pieces.
 */
import { writeFile } from 'node:fs/promises';
import { type JobContext, PermanentError } from '@reelay/runtime';
import { runChild } from './run-child.js';

/** The track format: 16-bit mono PCM, enough for speech, what flite writes natively-ish. */
export const TRACK_SAMPLE_RATE = 22_050;

const quiet = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

/** Any audio (or video) file → the track's PCM WAV format. */
export async function toTrackPcm(ctx: JobContext, input: string, output: string): Promise<void> {
  await runChild(ctx, 'ffmpeg', [...quiet, '-i', input, '-vn', '-ac', '1', '-ar', String(TRACK_SAMPLE_RATE), '-c:a', 'pcm_s16le', output]);
}

/**
 * Any audio or video → 16 kHz mono, what speech recognizers expect: PCM WAV, or FLAC
 * (lossless, about half the size, for uploads) when `output` ends in .flac.
 */
export async function toRecognizerAudio(ctx: JobContext, input: string, output: string): Promise<void> {
  const codec = output.endsWith('.flac') ? 'flac' : 'pcm_s16le';
  await runChild(ctx, 'ffmpeg', [...quiet, '-i', input, '-vn', '-ac', '1', '-ar', '16000', '-c:a', codec, output]);
}

/** Silence of a whole number of samples, in the track format. */
export async function silence(ctx: JobContext, ms: number, output: string): Promise<void> {
  const samples = Math.max(1, Math.round((ms / 1000) * TRACK_SAMPLE_RATE));
  await runChild(ctx, 'ffmpeg', [
    ...quiet,
    '-f',
    'lavfi',
    '-i',
    `anullsrc=r=${TRACK_SAMPLE_RATE}:cl=mono`,
    // atrim counts samples (-frames:a would count 1024-sample frames).
    '-af',
    `atrim=end_sample=${samples}`,
    '-c:a',
    'pcm_s16le',
    output,
  ]);
}

/** Joins track-format WAVs in order, without re-encoding. */
export async function concatenate(ctx: JobContext, inputs: readonly string[], listPath: string, output: string): Promise<void> {
  // The concat demuxer's list format: one `file '<path>'` per line, quotes escaped.
  await writeFile(listPath, inputs.map((p) => `file '${p.replaceAll("'", "'\\''")}'`).join('\n') + '\n');
  await runChild(ctx, 'ffmpeg', [...quiet, '-f', 'concat', '-safe', '0', '-i', listPath, '-c', 'copy', output]);
}

export interface AudioProbe {
  durationSec: number;
  sampleRate: number;
}

/** Duration and sample rate of the first audio stream, as ffprobe reads them. */
export async function probeAudio(ctx: JobContext, file: string): Promise<AudioProbe> {
  const { stdout } = await runChild(ctx, 'ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=sample_rate,duration:format=duration',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as { streams?: { sample_rate?: string; duration?: string }[]; format?: { duration?: string } };
  const stream = parsed.streams?.[0];
  const durationSec = Number(stream?.duration ?? parsed.format?.duration);
  const sampleRate = Number(stream?.sample_rate);
  if (!stream || !Number.isFinite(durationSec)) throw new PermanentError('the file has no audio stream');
  return { durationSec, sampleRate };
}
