import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GpuInfo } from '@reelay/contracts';
import { probeGpus } from '@reelay/runtime';
import { parseEncoderList } from './encoder-list.js';

const run = promisify(execFile);

/** The NVENC encoders this service knows how to drive, by the codec they make. */
export const NVENC_ENCODERS = { h264: 'h264_nvenc', h265: 'hevc_nvenc', av1: 'av1_nvenc' } as const;

/** What this host can encode with, decided once at start-up. */
export interface MediaCapabilities {
  gpus: GpuInfo[];
  /** Every encoder this ffmpeg build has. */
  encoders: Set<string>;
  /**
   * NVENC is usable only with a GPU *and* an ffmpeg built with it: Debian's ffmpeg lists
   * h264_nvenc even on machines without an NVIDIA card, so the list alone proves nothing.
   */
  nvenc: boolean;
}

export function decideCapabilities(gpus: GpuInfo[], encoderNames: Iterable<string>): MediaCapabilities {
  const encoders = new Set(encoderNames);
  const nvenc = gpus.length > 0 && encoders.has(NVENC_ENCODERS.h264);
  return { gpus, encoders, nvenc };
}

export async function probeCapabilities(ffmpegPath: string): Promise<MediaCapabilities> {
  const [gpus, listing] = await Promise.all([
    probeGpus(),
    run(ffmpegPath, ['-hide_banner', '-encoders'], { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }),
  ]);
  return decideCapabilities(
    gpus,
    parseEncoderList(listing.stdout).map((e) => e.name),
  );
}

/** Queues in preference order, and the default concurrency: one job per GPU, else half the cores. */
export function servingPlan(caps: MediaCapabilities, cores: number, override?: number): { queues: string[]; concurrency: number } {
  const queues = caps.nvenc ? ['media-gpu', 'media'] : ['media'];
  const concurrency = override ?? (caps.nvenc ? caps.gpus.length : Math.max(1, Math.floor(cores / 2)));
  return { queues, concurrency };
}

/** The encoders worth advertising in the heartbeat (video ones this service may pick). */
export function advertisedEncoders(caps: MediaCapabilities): string[] {
  const interesting = ['libx264', 'libx265', 'libvpx-vp9', 'libsvtav1', 'libaom-av1', ...Object.values(NVENC_ENCODERS)];
  return interesting.filter((e) => caps.encoders.has(e) && (caps.nvenc || !e.endsWith('_nvenc')));
}
