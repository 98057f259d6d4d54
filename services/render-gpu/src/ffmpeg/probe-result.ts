import type { MediaInfo, MediaStream } from '@reelay/contracts';
import { z } from 'zod';

/**
 * ffprobe's JSON (`-show_format -show_streams`) → the contract's MediaInfo. ffprobe
 * prints numbers as strings and leaves out what it does not know; this is the one place
 * that knows its spelling.
 */
const ProbeJson = z.object({
  streams: z
    .array(
      z
        .object({
          index: z.number(),
          codec_type: z.string().optional(),
          codec_name: z.string().optional(),
          duration: z.string().optional(),
          bit_rate: z.string().optional(),
          width: z.number().optional(),
          height: z.number().optional(),
          avg_frame_rate: z.string().optional(),
          r_frame_rate: z.string().optional(),
          pix_fmt: z.string().optional(),
          sample_rate: z.string().optional(),
          channels: z.number().optional(),
        })
        .loose(),
    )
    .default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      format_long_name: z.string().optional(),
      duration: z.string().optional(),
      size: z.string().optional(),
      bit_rate: z.string().optional(),
    })
    .loose(),
});

const STREAM_TYPES = new Set(['video', 'audio', 'subtitle', 'data', 'attachment']);

export function toMediaInfo(raw: unknown): MediaInfo {
  const probe = ProbeJson.parse(raw);
  const streams = probe.streams.map((s) => {
    const type = (s.codec_type && STREAM_TYPES.has(s.codec_type) ? s.codec_type : 'unknown') as MediaStream['type'];
    const stream: MediaStream = { index: s.index, type, codec: s.codec_name ?? 'unknown' };
    setIf(stream, 'durationSec', num(s.duration));
    setIf(stream, 'bitRate', num(s.bit_rate));
    if (type === 'video') {
      setIf(stream, 'width', s.width);
      setIf(stream, 'height', s.height);
      // avg_frame_rate is what plays; r_frame_rate is the timebase guess (may read 90000/1).
      setIf(stream, 'fps', rate(s.avg_frame_rate) ?? rate(s.r_frame_rate));
      setIf(stream, 'pixelFormat', s.pix_fmt);
    }
    if (type === 'audio') {
      setIf(stream, 'sampleRate', num(s.sample_rate));
      setIf(stream, 'channels', s.channels);
    }
    return stream;
  });
  const info: MediaInfo = {
    durationSec: num(probe.format.duration) ?? Math.max(0, ...streams.map((s) => s.durationSec ?? 0)),
    sizeBytes: num(probe.format.size) ?? 0,
    format: probe.format.format_name ?? 'unknown',
    streams,
  };
  setIf(info, 'bitRate', num(probe.format.bit_rate));
  setIf(info, 'formatLongName', probe.format.format_long_name);
  return info;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function num(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'N/A') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** "30000/1001" → 29.97; "0/0" → undefined. */
function rate(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const [n, d] = raw.split('/').map(Number);
  if (!n || !d || !Number.isFinite(n) || !Number.isFinite(d)) return undefined;
  return Math.round((n / d) * 1000) / 1000;
}
