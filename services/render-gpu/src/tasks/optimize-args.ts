import { type MediaInfo, PLATFORM_PRESETS, type Platform } from '@reelay/contracts';
import { followArgs } from '../ffmpeg/followed-input.js';
import type { VideoEncoder } from '../gpu/video-encoder.js';

/**
 * ffmpeg arguments for media.optimize: the platform's frame (cropped to fill or padded),
 * no faster than its frame-rate cap, cut at its duration cap, H.264 + AAC in MP4 with
 * the moov atom first (+faststart) so platforms can start processing while uploading.
 */
export interface OptimizePlan {
  input: string;
  /** The input is still being downloaded: ffmpeg follows it, waiting this long at most for its next bytes (ffmpeg/followed-input.ts). */
  followSec?: number;
  output: string;
  platform: Platform;
  fit: 'crop' | 'pad';
  video: VideoEncoder;
}

export function optimizeArgs(plan: OptimizePlan, source: MediaInfo): { args: string[]; durationSec: number; truncated: boolean } {
  const p = PLATFORM_PRESETS[plan.platform];
  const { width: w, height: h } = p;
  const frame =
    plan.fit === 'crop'
      ? [`scale=${w}:${h}:force_original_aspect_ratio=increase`, `crop=${w}:${h}`]
      : [`scale=${w}:${h}:force_original_aspect_ratio=decrease`, `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`];
  const sourceFps = source.streams.find((s) => s.type === 'video')?.fps;
  // Only ever lower the frame rate: duplicating frames up to the cap wastes bits.
  const fps = sourceFps && sourceFps > p.maxFps ? [`fps=${p.maxFps}`] : [];
  const truncated = source.durationSec > p.maxDurationSec;
  const durationSec = Math.min(source.durationSec, p.maxDurationSec);
  const hasAudio = source.streams.some((s) => s.type === 'audio');
  const args = [
    ...(plan.followSec !== undefined ? followArgs(plan.followSec) : []),
    '-i',
    plan.input,
    '-map',
    '0:v:0',
    ...(hasAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', `${p.audioBitrateKbps}k`, '-ar', '48000', '-ac', '2'] : ['-an']),
    '-vf',
    [...frame, 'setsar=1', ...fps, 'format=yuv420p'].join(','),
    ...plan.video.args,
    ...(plan.video.encoder === 'libx264' ? ['-profile:v', 'high'] : []),
    ...(truncated ? ['-t', String(p.maxDurationSec)] : []),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    plan.output,
  ];
  return { args, durationSec, truncated };
}
