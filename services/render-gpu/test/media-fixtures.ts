import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createFile, MP4BoxBuffer } from 'mp4box';

/**
 * Test inputs made with the real ffmpeg (testsrc2, sine, color), and ffprobe/ffmpeg
 * readers for checking outputs. Small sizes: the suite shares two cores.
 */
const run = promisify(execFile);

export const SERVICE_ENTRY = path.resolve(import.meta.dirname, '../dist/main.js');

export async function scratchDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'reelay-media-test-'));
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { maxBuffer: 64 * 1024 * 1024 });
}

/** testsrc2 picture + a sine tone, H.264/AAC in MP4. */
export async function makeClip(
  file: string,
  o: { width: number; height: number; seconds: number; fps?: number; tone?: number; preset?: string },
): Promise<string> {
  const fps = o.fps ?? 30;
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${o.width}x${o.height}:r=${fps}:d=${o.seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=f=${o.tone ?? 440}:sample_rate=44100:d=${o.seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    o.preset ?? 'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
  return file;
}

export async function makeStill(file: string, colour: string, width: number, height: number): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', `color=c=${colour}:s=${width}x${height}:d=1`, '-frames:v', '1', file]);
  return file;
}

export async function makeTone(file: string, frequency: number, seconds: number): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', `sine=f=${frequency}:sample_rate=44100:d=${seconds}`, file]);
  return file;
}

export async function makeSrt(file: string, cues: { from: string; to: string; text: string }[]): Promise<string> {
  const body = cues.map((c, i) => `${i + 1}\n${c.from} --> ${c.to}\n${c.text}\n`).join('\n');
  await writeFile(file, body);
  return file;
}

export interface Probed {
  format: { format_name: string; duration: string; size: string };
  streams: {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    duration?: string;
    sample_rate?: string;
    channels?: number;
    avg_frame_rate?: string;
  }[];
}

export async function ffprobe(file: string): Promise<Probed> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  return JSON.parse(stdout) as Probed;
}

/** One frame as 8-bit grey pixels, for comparing pictures. */
export async function greyFrame(file: string, atSec: number): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-ss', String(atSec), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

/** Mean absolute difference of two grey frames over rows [fromRow, toRow). */
export function meanDifference(a: Buffer, b: Buffer, width: number, fromRow: number, toRow: number): number {
  let sum = 0;
  for (let i = fromRow * width; i < toRow * width; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / ((toRow - fromRow) * width);
}

/** Top-level MP4 boxes in file order ("ftyp", "moov", "mdat"…). */
export function topLevelBoxes(bytes: Buffer): string[] {
  const boxes: string[] = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    boxes.push(type);
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** ffmpeg processes whose command line mentions `needle` (our output names carry the job id). */
export async function processesMatching(needle: string): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-f', needle]);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * `file` (an MP4 with its index first, one mdat) with its media data laid out one track
 * after another — all of the first track's chunks, then all of the second's — instead of
 * interleaved in time as ffmpeg writes it: the same samples, the chunk offsets in its
 * index moved with them. A player that seeks reads it as before; one that cannot seek
 * would have to read every picture before the first sound.
 */
export function withTracksOneAfterAnother(file: Buffer): Buffer {
  const iso = createFile();
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer, 0));
  iso.flush();
  const mdat = iso.mdats[0];
  if (!mdat || mdat.start === undefined) throw new Error('no mdat');
  const out = Buffer.from(file);
  let at = mdat.start + (mdat.hdr_size ?? 8);
  for (const trak of iso.moov.traks) {
    const stco = trak.mdia.minf.stbl.stco;
    if (!stco || stco.start === undefined) throw new Error('no stco');
    const chunks = new Map<number, { offset: number; size: number }>();
    for (const s of iso.getTrackSamplesInfo(trak.tkhd.track_id)) {
      const chunk = chunks.get(s.chunk_index ?? -1);
      if (chunk) chunk.size += s.size;
      else chunks.set(s.chunk_index ?? -1, { offset: s.offset, size: s.size });
    }
    const ordered = [...chunks.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    for (const [k, c] of ordered.entries()) {
      file.copy(out, at, c.offset, c.offset + c.size);
      // stco: 8-byte header, version and flags, entry count, then the 32-bit offsets.
      out.writeUInt32BE(at, stco.start + 16 + 4 * k);
      at += c.size;
    }
  }
  return out;
}
