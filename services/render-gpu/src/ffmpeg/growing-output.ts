import path from 'node:path';
import type { ArtifactRef, Container } from '@reelay/contracts';
import { contentTypeFor, type JobContext, TransientError } from '@reelay/runtime';
import { localIndexSummary } from './mp4-index.js';

/**
 * ffmpeg's output sent to the store while ffmpeg writes it, where the store takes an
 * object's parts out of order (S3 multipart; ProjectArtifacts.putGrowingFile): what lies
 * past the file's head goes up as it is written, the head once ffmpeg is done, because
 * that is what a muxer rewrites last. Elsewhere (the NATS object store reads an object's
 * chunks in the order they were written) the output is stored once finished, as before.
 *
 * An MP4 written with `+faststart` has no such head: ffmpeg writes the index after the
 * media and then moves every byte down to make room for it in front. So where the upload
 * runs beside the encode, the index's room is reserved up front instead (`-moov_size`)
 * and filled in at the end; the file is laid out as with faststart (index first, then the
 * media), with the room the index did not use left as a `free` box. The room is sized
 * from the source's sample count, a few times what ffmpeg's index takes (~13 bytes a
 * sample). Should an index outgrow it anyway, ffmpeg writes it over the first samples
 * and still exits 0: the file is checked before the upload completes, the attempt fails
 * (retryable), and a retry writes with faststart.
 */

export interface OutputPlan {
  /** The muxer's options for this output, before its `-f`. */
  args: string[];
  /** Bytes at the front that ffmpeg rewrites at the end; undefined: stored once finished. */
  rewritesBelow?: number;
  /** The index room reserved (MP4), checked once ffmpeg is done. */
  reservedIndexBytes?: number;
}

/** What is known of the output's length before the encode: from the source's index. */
export interface OutputEstimate {
  durationSec?: number;
  /** Samples of the source, every track. */
  samples?: number;
  /** The output's frame rate where the job sets one. */
  fps?: number;
}

/** Matroska and WebM: ffmpeg goes back to the segment's size, the seek table and the durations, all in the first KiB. */
const MATROSKA_REWRITES_BELOW = 64 * 1024;

export function outputPlan(ctx: Pick<JobContext, 'artifacts' | 'attempt'>, container: Container, estimate: OutputEstimate): OutputPlan {
  const faststart = { args: container === 'mp4' ? ['-movflags', '+faststart'] : [] };
  if (!ctx.artifacts.uploadsWhileWriting) return faststart;
  if (container !== 'mp4') return { args: [], rewritesBelow: MATROSKA_REWRITES_BELOW };
  const { durationSec, samples } = estimate;
  // A retry after an index outgrew its room, or a source of unknown length: faststart.
  if (ctx.attempt > 1 || !durationSec || !samples) return faststart;
  const reserved = reservedIndexBytes(durationSec, samples, estimate.fps);
  // ftyp, the room, the free box's and mdat's headers.
  return { args: ['-moov_size', String(reserved)], rewritesBelow: reserved + 4096, reservedIndexBytes: reserved };
}

/**
 * Room for the index of an MP4 made from a source of `samples` samples lasting
 * `durationSec`: 32 bytes a sample (ffmpeg's index takes ~13) for the source's samples,
 * a 48 kHz AAC track's frames on top (a resampled or added track), and the frames of a
 * new frame rate on top of those, plus 16 KiB for the boxes that do not grow.
 */
export function reservedIndexBytes(durationSec: number, samples: number, fps?: number): number {
  const aacFrames = (durationSec * 48_000) / 1024;
  const extraFrames = fps ? durationSec * fps : 0;
  return 16 * 1024 + 32 * Math.ceil(samples + aacFrames + extraFrames);
}

/**
 * Stores `file` (in the job's directory) once `encoded` resolves, sent while it is written
 * where `plan` allows. A reserved index is checked first: one that outgrew its room fails
 * the attempt, and nothing is stored.
 */
export async function storeOutput(
  ctx: Pick<JobContext, 'artifacts' | 'tempDir' | 'log'>,
  file: string,
  name: string,
  encoded: Promise<unknown>,
  plan: OutputPlan,
): Promise<ArtifactRef> {
  const full = path.join(await ctx.tempDir(), file);
  const written = encoded.then(async () => {
    if (plan.reservedIndexBytes === undefined) return;
    const index = await localIndexSummary(full);
    if (!index?.indexBeforeSamples) {
      throw new TransientError(
        `the output's index outgrew the ${plan.reservedIndexBytes} bytes reserved for it (ffmpeg -moov_size); the retry writes it with faststart`,
      );
    }
  });
  if (plan.rewritesBelow === undefined) {
    await written;
    return ctx.artifacts.putFile(full, { name, contentType: contentTypeFor(name) });
  }
  let whileWriting = 0;
  let parts = 0;
  const ref = await ctx.artifacts.putGrowingFile(full, written, {
    name,
    contentType: contentTypeFor(name),
    rewritesBelow: plan.rewritesBelow,
    onPartSent: (sent) => {
      parts++;
      if (sent.whileWriting) whileWriting++;
    },
  });
  ctx.log.debug({ artifactId: ref.id, parts, partsSentWhileWriting: whileWriting }, 'output stored as it was written');
  return ref;
}
