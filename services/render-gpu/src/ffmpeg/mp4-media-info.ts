import path from 'node:path';
import type { MediaInfo, MediaStream } from '@reelay/contracts';
import type { ISOFile, Movie, Track } from 'mp4box';
import { frontIndexOf, type RangeReader, withFileReader } from './mp4-index.js';

/**
 * The MediaInfo of an MP4 that media.transcode or media.render has just written, read
 * from its index by mp4box.js instead of by an ffprobe run (~0.1 CPU-s of library loading,
 * plus its decoding of the first frames, for each job). It must say what ffprobe says,
 * field for field — the job's result is this record — so it answers only for what it
 * was checked against (mp4-media-info.test.ts compares the two on files ffmpeg writes):
 * a faststart MP4 of one H.264 picture in 8-bit 4:2:0 and at most one AAC track, each
 * with at most one edit. Anything else is undefined, and the caller runs ffprobe.
 *
 * Where ffprobe's figures come from, and so where these do:
 * - a stream's length: its one edit (the movie-timescale segment), else its media length;
 * - bit rates: the track's bytes over its media length (ffmpeg writes the same into the
 *   audio's decoder config); the file's: its size over the movie's length, floored;
 * - frame rate: samples over the media length (ffprobe's avg_frame_rate);
 * - sound: rate and channels from the AudioSpecificConfig (the sample entry's channel
 *   count is a placeholder 2 in ffmpeg's files);
 * - pixel format: the sequence parameter set (chroma format, bit depth, and the VUI's
 *   full-range flag, which ffmpeg reports as yuvj420p).
 */

const MP4_FORMAT = { format: 'mov,mp4,m4a,3gp,3g2,mj2', formatLongName: 'QuickTime / MOV' } as const;

/** The MediaInfo of a local MP4 file, or undefined when it is not one this reads (see above). */
export function mp4FileMediaInfo(file: string): Promise<MediaInfo | undefined> {
  return withFileReader(file, mp4MediaInfoOf);
}

export async function mp4MediaInfoOf(read: RangeReader, size: number): Promise<MediaInfo | undefined> {
  const index = await frontIndexOf(read, size);
  if (!index) return undefined;
  const { file, movie } = index;
  if (movie.isFragmented || movie.timescale <= 0 || movie.videoTracks.length !== 1 || movie.audioTracks.length > 1) return undefined;
  if (movie.tracks.length !== movie.videoTracks.length + movie.audioTracks.length) return undefined;
  const streams: MediaStream[] = [];
  for (const [index, track] of movie.tracks.entries()) {
    const stream = track.type === 'video' ? videoStream(file, movie, track, index) : audioStream(file, movie, track, index);
    if (!stream) return undefined;
    streams.push(stream);
  }
  const durationSec = movie.duration / movie.timescale;
  return {
    durationSec: micro(durationSec),
    sizeBytes: size,
    ...(durationSec > 0 ? { bitRate: Math.floor((size * 8) / durationSec) } : {}),
    ...MP4_FORMAT,
    streams,
  };
}

function videoStream(file: ISOFile, movie: Movie, track: Track, index: number): MediaStream | undefined {
  const entry = sampleEntry(file, track) as { type?: string; avcC?: { SPS: { data: Uint8Array }[] } } | undefined;
  const sps = entry?.avcC?.SPS[0]?.data;
  if (!track.codec.startsWith('avc1.') || !sps || !track.video) return undefined;
  const pixelFormat = h264PixelFormat(sps);
  const mediaSec = track.duration / track.timescale;
  if (!pixelFormat || mediaSec <= 0) return undefined;
  const durationSec = streamDuration(file, movie, track);
  if (durationSec === undefined) return undefined;
  return {
    index,
    type: 'video',
    codec: 'h264',
    durationSec,
    bitRate: Math.floor(track.bitrate),
    width: track.video.width,
    height: track.video.height,
    fps: Math.round((track.nb_samples / mediaSec) * 1000) / 1000,
    pixelFormat,
  };
}

function audioStream(file: ISOFile, movie: Movie, track: Track, index: number): MediaStream | undefined {
  const entry = sampleEntry(file, track) as { type?: string; esds?: { esd: EsDescriptor } } | undefined;
  if (track.codec !== 'mp4a.40.2' || entry?.type !== 'mp4a' || !entry.esds) return undefined;
  const config = audioSpecificConfig(entry.esds.esd);
  const durationSec = streamDuration(file, movie, track);
  if (!config || durationSec === undefined || track.duration <= 0) return undefined;
  return {
    index,
    type: 'audio',
    codec: 'aac',
    durationSec,
    bitRate: Math.floor(track.bitrate),
    sampleRate: config.sampleRate,
    channels: config.channels,
  };
}

/**
 * As ffmpeg's mov demuxer has it: the media's length, cut to its one edit — the edit's
 * segment (movie timescale, rescaled to the track's and rounded) or what the media holds
 * after the edit's start, whichever is less. ffmpeg starts a picture's edit at its first
 * composition offset (B-frames), so with composition offsets (`ctts`) the media holds its
 * whole length after it; without (sound: the encoder's priming), the start is cut off.
 * More than one edit: not read here.
 */
function streamDuration(file: ISOFile, movie: Movie, track: Track): number | undefined {
  const edits = track.edits ?? [];
  if (edits.length > 1) return undefined;
  const edit = edits[0];
  if (!edit) return micro(track.duration / track.timescale);
  if (edit.media_time < 0 || edit.media_rate_integer !== 1) return undefined;
  const segment = Math.round((edit.segment_duration * track.timescale) / movie.timescale);
  const held = trakOf(file, track)?.mdia.minf.stbl.ctts ? track.duration : track.duration - edit.media_time;
  return micro(Math.min(segment, held) / track.timescale);
}

function trakOf(file: ISOFile, track: Track) {
  return file.moov?.traks.find((t) => t.tkhd.track_id === track.id);
}

function sampleEntry(file: ISOFile, track: Track): unknown {
  const entries = trakOf(file, track)?.mdia.minf.stbl.stsd.entries ?? [];
  return entries.length === 1 ? entries[0] : undefined;
}

interface EsDescriptor {
  findDescriptor(tag: number): { findDescriptor(tag: number): { data?: Uint8Array } | undefined } | undefined;
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** AAC-LC's AudioSpecificConfig (ISO 14496-3 1.6.2.1): object type 2, a rate index, a channel configuration 1–6. */
function audioSpecificConfig(esd: EsDescriptor): { sampleRate: number; channels: number } | undefined {
  const data = esd.findDescriptor(0x04)?.findDescriptor(0x05)?.data;
  if (!data || data.length < 2) return undefined;
  const objectType = (data[0] ?? 0) >> 3;
  const rateIndex = (((data[0] ?? 0) & 0x07) << 1) | ((data[1] ?? 0) >> 7);
  const channelConfig = ((data[1] ?? 0) >> 3) & 0x0f;
  const sampleRate = AAC_RATES[rateIndex];
  if (objectType !== 2 || sampleRate === undefined || channelConfig < 1 || channelConfig > 6) return undefined;
  // 1–6 are that many channels but for 7.1; 6 is 5.1, six channels.
  return { sampleRate, channels: channelConfig };
}

/** High-profile family: these carry chroma format and bit depth in the SPS (H.264 7.3.2.1.1). */
const PROFILES_WITH_CHROMA = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/**
 * ffmpeg's name for an 8-bit 4:2:0 H.264 picture: yuvj420p when the VUI says full range,
 * yuv420p otherwise; undefined for anything else (other chroma formats, deeper samples).
 */
export function h264PixelFormat(nal: Uint8Array): string | undefined {
  try {
    const r = new BitReader(rbspOf(nal.subarray(1)));
    const profile = r.bits(8);
    r.bits(16); // constraint flags, level
    r.ue(); // seq_parameter_set_id
    let chroma = 1;
    let depth = 8;
    if (PROFILES_WITH_CHROMA.has(profile)) {
      chroma = r.ue();
      if (chroma === 3) r.bits(1);
      depth = r.ue() + 8;
      if (r.ue() + 8 !== depth) return undefined;
      r.bits(1); // qpprime_y_zero_transform_bypass
      const scalingMatrix = r.bits(1) === 1;
      for (let i = 0; scalingMatrix && i < (chroma === 3 ? 12 : 8); i++) {
        const listPresent = r.bits(1) === 1;
        if (listPresent) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
    if (chroma !== 1 || depth !== 8) return undefined;
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.bits(1);
      r.se();
      r.se();
      const cycle = r.ue();
      for (let i = 0; i < cycle; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.bits(1); // gaps_in_frame_num_value_allowed
    r.ue(); // pic_width_in_mbs_minus1
    r.ue(); // pic_height_in_map_units_minus1
    if (!r.bits(1)) r.bits(1); // frame_mbs_only, else mb_adaptive_frame_field
    r.bits(1); // direct_8x8_inference
    if (r.bits(1)) for (let i = 0; i < 4; i++) r.ue(); // frame cropping
    let fullRange = false;
    if (r.bits(1)) {
      if (r.bits(1) && r.bits(8) === 255) r.bits(32); // aspect ratio, extended SAR
      if (r.bits(1)) r.bits(1); // overscan
      if (r.bits(1)) {
        r.bits(3); // video_format
        fullRange = r.bits(1) === 1;
      }
    }
    return fullRange ? 'yuvj420p' : 'yuv420p';
  } catch {
    return undefined;
  }
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** The RBSP: emulation-prevention bytes (00 00 03) taken out. */
function rbspOf(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out.push(byte);
  }
  return Uint8Array.from(out);
}

class BitReader {
  private at = 0;
  constructor(private readonly data: Uint8Array) {}
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.data[this.at >> 3];
      if (byte === undefined) throw new RangeError('past the end of the parameter set');
      v = v * 2 + ((byte >> (7 - (this.at & 7))) & 1);
      this.at++;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.bits(1) === 0) if (++zeros > 31) throw new RangeError('bad exp-Golomb code');
    return 2 ** zeros - 1 + this.bits(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 ? (k + 1) / 2 : -(k / 2);
  }
}

/** ffprobe prints times with six decimals. */
function micro(sec: number): number {
  return Math.round(sec * 1e6) / 1e6;
}

/**
 * What a job's output is: from its index where this reads it (an H.264/AAC MP4, what
 * transcode and render write by default), else ffprobe's answer — which also gives the
 * classified error for a file that is not media at all.
 */
export async function outputMediaInfo(dir: string, file: string, probe: () => Promise<MediaInfo>): Promise<MediaInfo> {
  const indexed = await mp4FileMediaInfo(path.join(dir, file)).catch(() => undefined);
  return indexed ?? probe();
}
