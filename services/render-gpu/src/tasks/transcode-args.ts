import { followArgs } from '../ffmpeg/followed-input.js';
import type { AudioCodec, Container } from '@reelay/contracts';
import type { VideoEncoder } from '../gpu/video-encoder.js';

/**
 * ffmpeg arguments for media.transcode — pure, so the benchmark runs the very command the
 * worker runs, and the unit tests can read it. They do not depend on the source's probe
 * (its audio is mapped when there is one), so the worker starts the encode beside it.
 */
export interface TranscodePlan {
  input: string;
  /** The input is still being downloaded: ffmpeg follows it, waiting this long at most for its next bytes (ffmpeg/followed-input.ts). */
  followSec?: number;
  output: string;
  container: Container;
  video: VideoEncoder;
  audioCodec: AudioCodec;
  audioBitrateKbps: number;
  width?: number;
  height?: number;
  fps?: number;
  /** The muxer's options (growing-output.ts: faststart, or the index's room reserved); faststart for an MP4 when unset. */
  muxerArgs?: string[];
}

export const CONTAINER_EXTENSION: Record<Container, string> = { mp4: 'mp4', webm: 'webm', mkv: 'mkv' };

export function transcodeArgs(plan: TranscodePlan): string[] {
  const filters = [...scaleFilters(plan.width, plan.height), ...(plan.fps ? [`fps=${plan.fps}`] : [])];
  return [
    ...(plan.followSec !== undefined ? followArgs(plan.followSec) : []),
    '-i',
    plan.input,
    '-map',
    '0:v:0',
    // `?`: the first audio stream if the source has one; the audio options then go unused.
    ...(plan.audioCodec !== 'none' ? ['-map', '0:a:0?'] : []),
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    ...plan.video.args,
    ...audioArgs(plan.audioCodec, plan.audioBitrateKbps),
    // moov up front: the file starts playing before it has fully downloaded.
    ...(plan.muxerArgs ?? (plan.container === 'mp4' ? ['-movflags', '+faststart'] : [])),
    '-f',
    plan.container === 'mkv' ? 'matroska' : plan.container,
    plan.output,
  ];
}

export function audioArgs(codec: AudioCodec, bitrateKbps: number): string[] {
  if (codec === 'none') return ['-an'];
  // libopus takes 48 kHz (or lower fixed rates); AAC is fine at 48 kHz too, so both get it.
  const encoder = codec === 'aac' ? 'aac' : 'libopus';
  return ['-c:a', encoder, '-b:a', `${bitrateKbps}k`, '-ar', '48000'];
}

/** Both sides: fit inside and pad to exactly that size. One side: the other follows (even). */
export function scaleFilters(width?: number, height?: number): string[] {
  if (width && height) {
    return [`scale=${width}:${height}:force_original_aspect_ratio=decrease`, `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`, 'setsar=1'];
  }
  if (width) return [`scale=${width}:-2`, 'setsar=1'];
  if (height) return [`scale=-2:${height}`, 'setsar=1'];
  return [];
}
