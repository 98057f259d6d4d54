import type { EncodePreset, GpuPreference, VideoCodec } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';
import { type MediaCapabilities, NVENC_ENCODERS } from './media-capabilities.js';

/**
 * Picks the ffmpeg encoder for a codec on this host and spells its options. One quality
 * vocabulary (x264 presets, crf or a bitrate) for callers; each encoder family has its own
 * knobs, translated here and nowhere else.
 */

export interface VideoEncodeSpec {
  codec: VideoCodec;
  preset: EncodePreset;
  crf?: number;
  bitrateKbps?: number;
  /** Cap the bitrate too (platform uploads): maxrate = this, bufsize = 2×. */
  maxBitrateKbps?: number;
  gpu: GpuPreference;
}

export interface VideoEncoder {
  encoder: string;
  args: string[];
}

const CPU_ENCODERS: Record<VideoCodec, string[]> = {
  h264: ['libx264'],
  h265: ['libx265'],
  vp9: ['libvpx-vp9'],
  // SVT-AV1 is an order of magnitude faster than libaom at similar quality; libaom is the fallback.
  av1: ['libsvtav1', 'libaom-av1'],
};

const DEFAULT_CRF: Record<VideoCodec, number> = { h264: 23, h265: 28, vp9: 32, av1: 35 };

const PRESET_INDEX: Record<EncodePreset, number> = {
  ultrafast: 0,
  superfast: 1,
  veryfast: 2,
  faster: 3,
  fast: 4,
  medium: 5,
  slow: 6,
  slower: 7,
  veryslow: 8,
};

export function chooseVideoEncoder(spec: VideoEncodeSpec, caps: MediaCapabilities): VideoEncoder {
  const nvenc = spec.codec === 'vp9' ? undefined : NVENC_ENCODERS[spec.codec];
  const useGpu = spec.gpu !== 'never' && caps.nvenc && nvenc !== undefined && caps.encoders.has(nvenc);
  if (spec.gpu === 'required' && !useGpu) {
    throw new PermanentError(`gpu "required" but this worker has no NVENC encoder for ${spec.codec}`);
  }
  if (useGpu && nvenc) return { encoder: nvenc, args: nvencArgs(nvenc, spec) };
  const encoder = CPU_ENCODERS[spec.codec].find((e) => caps.encoders.has(e));
  if (!encoder) throw new PermanentError(`this ffmpeg has no encoder for ${spec.codec} (tried ${CPU_ENCODERS[spec.codec].join(', ')})`);
  return { encoder, args: cpuArgs(encoder, spec) };
}

function rateArgs(spec: VideoEncodeSpec, crfFlag: string[]): string[] {
  if (spec.bitrateKbps !== undefined) {
    const max = spec.maxBitrateKbps ?? spec.bitrateKbps;
    return ['-b:v', `${spec.bitrateKbps}k`, '-maxrate', `${max}k`, '-bufsize', `${max * 2}k`];
  }
  return crfFlag;
}

function cpuArgs(encoder: string, spec: VideoEncodeSpec): string[] {
  const crf = String(spec.crf ?? DEFAULT_CRF[spec.codec]);
  const p = PRESET_INDEX[spec.preset];
  switch (encoder) {
    case 'libx264':
      return ['-c:v', 'libx264', '-preset', spec.preset, ...rateArgs(spec, ['-crf', crf]), '-pix_fmt', 'yuv420p'];
    case 'libx265':
      // hvc1 is the tag Apple players require for HEVC in MP4.
      return [
        '-c:v',
        'libx265',
        '-preset',
        spec.preset,
        ...rateArgs(spec, ['-crf', crf]),
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
        '-pix_fmt',
        'yuv420p',
      ];
    case 'libvpx-vp9': {
      // ultrafast..superfast map to the realtime deadline; the rest to "good" with cpu-used 5..0.
      const realtime = p <= 1;
      const cpuUsed = realtime ? 8 - p : Math.max(0, 7 - p);
      return [
        '-c:v',
        'libvpx-vp9',
        '-deadline',
        realtime ? 'realtime' : 'good',
        '-cpu-used',
        String(cpuUsed),
        '-row-mt',
        '1',
        ...rateArgs(spec, ['-crf', crf, '-b:v', '0']),
        '-pix_fmt',
        'yuv420p',
      ];
    }
    case 'libsvtav1':
      // SVT presets run 0 (slowest) to 12 (fastest in 1.4): ultrafast → 12 … veryslow → 4.
      return ['-c:v', 'libsvtav1', '-preset', String(12 - p), ...rateArgs(spec, ['-crf', crf]), '-pix_fmt', 'yuv420p'];
    case 'libaom-av1':
      return [
        '-c:v',
        'libaom-av1',
        '-cpu-used',
        String(Math.max(0, 8 - p)),
        '-row-mt',
        '1',
        ...rateArgs(spec, ['-crf', crf, '-b:v', '0']),
        '-pix_fmt',
        'yuv420p',
      ];
    default:
      throw new PermanentError(`no options known for encoder ${encoder}`);
  }
}

/** NVENC: p1 (fastest) … p7 (best); constant quality through -cq under VBR. */
function nvencArgs(encoder: string, spec: VideoEncodeSpec): string[] {
  const preset = `p${1 + Math.round((PRESET_INDEX[spec.preset] * 6) / 8)}`;
  const cq = String(spec.crf ?? DEFAULT_CRF[spec.codec]);
  return [
    '-c:v',
    encoder,
    '-preset',
    preset,
    '-tune',
    'hq',
    '-rc',
    'vbr',
    ...rateArgs(spec, ['-cq', cq, '-b:v', '0']),
    ...(encoder === 'hevc_nvenc' ? ['-tag:v', 'hvc1'] : []),
    '-pix_fmt',
    'yuv420p',
  ];
}
