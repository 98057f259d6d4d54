import { open } from 'node:fs/promises';
import type { ArtifactRef } from '@reelay/contracts';
import type { ProjectArtifacts } from '@reelay/runtime';
import { createFile, type ISOFile, Log, MP4BoxBuffer, type Movie } from 'mp4box';

/**
 * What media.transcode and media.render need to know of an MP4/MOV source — whether it
 * has a picture and sound, and how long it lasts — read from its index (`moov`) in the
 * store by GPAC's mp4box.js, instead of from an ffprobe run: Debian's ffprobe spends
 * ~0.1 CPU-s loading its libraries before it reads a byte, and the worker another ~0.03 s
 * forking it. Only for sources whose index comes first (the ones streamed): the file is
 * read from its start, a chunk at a time, until mp4box has the whole index; when it asks
 * to skip ahead (past the media data, to an index at the end) or the index is cut short
 * or unreadable, the answer is undefined and the source is probed.
 */

export interface IndexSummary {
  hasVideo: boolean;
  hasAudio: boolean;
  /** The movie header's duration; 0 when it does not say (fragmented files). */
  durationSec: number;
  /**
   * ffmpeg can read it from a file that is still being written (the file protocol's
   * `follow`, followed-input.ts): a file that is not fragmented, whose index comes first and
   * whose every sample lies within its size, so ffmpeg's mov demuxer knows every sample's
   * place from the index, stops at the last one and never reads on to find the end of the
   * file (which a growing file does not have).
   */
  followable: boolean;
  /** MP4 only. Samples in all its tracks: what sizes the index of a file made from it (transcode-args.ts, reservedIndexBytes). */
  samples?: number;
  /**
   * MP4 only. The index ends at or before the first sample's bytes begin. False where it runs into
   * them: what an index written into space reserved for it that it outgrew looks like
   * (ffmpeg's `-moov_size` then overwrites the first samples, and exits 0).
   */
  indexBeforeSamples?: boolean;
}

/** ftyp and moov of a short clip fit in this; a longer index is read on in MORE_BYTES. */
const HEAD_BYTES = 64 * 1024;
const MORE_BYTES = 1024 * 1024;
/** An index larger than this (hours of video) is left to ffprobe. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

// Its warnings (boxes it does not know) are not the job's business.
Log.setLogLevel(Log.error);

/** Bytes [start, end] (inclusive) of the source. */
export type RangeReader = (start: number, end: number) => Promise<Buffer>;

/**
 * `head` is the source's first bytes where the caller has read them already (the
 * container check, streamable-input.ts): a read inside it is answered from it, not the store.
 */
export function readIndexSummary(artifacts: ProjectArtifacts, ref: ArtifactRef, head?: Buffer): Promise<IndexSummary | undefined> {
  return indexSummaryOf(storeReader(artifacts, ref, head), ref.size);
}

/** Ranged reads of an artifact in the store, answered from `head` (its first bytes, where read already) when they fall inside it. */
export function storeReader(artifacts: ProjectArtifacts, ref: ArtifactRef, head?: Buffer): RangeReader {
  return async (start, end) => {
    if (head && end < head.length) return head.subarray(start, end + 1);
    const chunks: Buffer[] = [];
    for await (const c of await artifacts.openStream(ref.id, { start, end })) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
}

/** The summary of a local MP4 file (an output ffmpeg has just written), or undefined. */
export function localIndexSummary(file: string): Promise<IndexSummary | undefined> {
  return withFileReader(file, indexSummaryOf);
}

/** `use` with ranged reads of a local file and its size; the file is closed after. */
export async function withFileReader<T>(file: string, use: (read: RangeReader, size: number) => Promise<T>): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await use(async (start, end) => {
      const buffer = Buffer.alloc(end - start + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    }, size);
  } finally {
    await handle.close();
  }
}

/** The summary of a source of `size` bytes read through `read`, or undefined when its index is not at its front. */
export async function indexSummaryOf(read: RangeReader, size: number): Promise<IndexSummary | undefined> {
  const index = await frontIndexOf(read, size);
  if (!index) return undefined;
  const { file, movie: found } = index;
  const samples = found.tracks.map((t) => file.getTrackSamplesInfo(t.id));
  const firstSample = Math.min(...samples.flatMap((track) => track.map((s) => s.offset)));
  const moov = file.moov;
  return {
    hasVideo: found.videoTracks.length > 0,
    hasAudio: found.audioTracks.length > 0,
    durationSec: found.timescale > 0 ? found.duration / found.timescale : 0,
    // A fragmented file's samples are in its fragments, not in this index.
    followable:
      !found.isFragmented &&
      samples.some((track) => track.length > 0) &&
      samples.every((track) => track.every((s) => s.offset + s.size <= size)),
    samples: samples.reduce((n, track) => n + track.length, 0),
    indexBeforeSamples: moov?.start !== undefined && moov.start + moov.size <= firstSample,
  };
}

/**
 * The index of a source whose `moov` comes first, parsed by mp4box (its boxes kept, for
 * readers that need more than the summary: mp4-media-info.ts), or undefined.
 */
export async function frontIndexOf(read: RangeReader, size: number): Promise<{ file: ISOFile; movie: Movie } | undefined> {
  const file = createFile();
  let movie: Movie | undefined;
  let broken = false;
  file.onReady = (m) => {
    movie = m;
  };
  file.onError = () => {
    broken = true;
  };
  let at = 0;
  while (movie === undefined && !broken && at < Math.min(size, MAX_INDEX_BYTES)) {
    const chunk = await read(at, Math.min(size, at + (at === 0 ? HEAD_BYTES : MORE_BYTES)) - 1);
    if (chunk.length === 0) return undefined;
    const buffer = MP4BoxBuffer.fromArrayBuffer(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.length) as ArrayBuffer, at);
    const next = file.appendBuffer(buffer);
    at += chunk.length;
    // mp4box asks for bytes past those it was given when it skips a box it need not read
    // (the media data before an index at the end): reading on would read the whole file.
    if (movie === undefined && next > at) return undefined;
  }
  const found = movie as Movie | undefined;
  if (!found || broken) return undefined;
  return { file, movie: found };
}
