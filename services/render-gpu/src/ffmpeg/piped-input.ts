import type { Readable, Writable } from 'node:stream';
import type { ArtifactRef } from '@reelay/contracts';
import { type ProjectArtifacts, ReelayError, TransientError } from '@reelay/runtime';

/**
 * An input ffmpeg reads from a pipe its runner feeds from the store while it encodes
 * (`pipe:3`), instead of from the worker's input server over loopback HTTP
 * (artifact-input-server.ts). Only for an input ffmpeg reads front to back without
 * seeking — an MP4 whose index comes first and whose samples lie in time order
 * (mp4-index.ts, readsFrontToBack) — and only for the encode: ffprobe, and any input
 * ffmpeg may seek in, keep the input server and its ranged reads.
 *
 * Why: on a quiet machine, for the same 10 s 1080x1920 transcode (alternated runs,
 * docs/benchmarks.md, 2026-12-02), ffmpeg reading a pipe used the CPU it uses on a local
 * file, and 0.15-0.3 CPU-s less than reading the same bytes over HTTP (its own TCP
 * receive and HTTP client), and the serving side a little less too (no HTTP, no loopback
 * TCP stack on the sending side).
 *
 * Reads through the job's project view of the store, like every input: it reaches nothing
 * the job could not read itself, and there is no URL to hand out or expire.
 */

/** The fd ffmpeg reads a piped input from (0-2 are stdin, the progress pipe and stderr). */
export const PIPED_INPUT_FD = 3;
/** ffmpeg's name for it, given in place of the input's file name. */
export const PIPED_INPUT_ARG = `pipe:${PIPED_INPUT_FD}`;

export interface PipedInput {
  /** The artifact's id, for logs and errors. */
  artifactId: string;
  /** The bytes, opened when ffmpeg has started. */
  open(): Promise<Readable>;
}

/**
 * `ref` as a piped input. A ranged read of the whole object, not a plain one: a ranged
 * read takes the object's chunks one direct get at a time, as fast as ffmpeg drains the
 * pipe, where a plain read is pushed by the server as fast as it can send and would be
 * held in the worker's memory ahead of a slow encoder.
 */
export function storeInput(artifacts: ProjectArtifacts, ref: ArtifactRef): PipedInput {
  return { artifactId: ref.id, open: () => artifacts.openStream(ref.id, { start: 0, end: ref.size - 1 }) };
}

/**
 * Copies `input` into `sink` (ffmpeg's end of the pipe) with its backpressure: a chunk
 * at a time, the next one written only once the pipe has room. ffmpeg closing its end
 * (it has read what it needs, or failed, or was killed: its exit status says which)
 * ends the copy quietly and stops the store read. A store read that fails is thrown —
 * the caller kills ffmpeg, which would otherwise take the cut as the end of its input
 * and could exit 0 with a short output — as the store's own error where it has a code
 * (ARTIFACT_NOT_FOUND: deleted while read), else as a retryable one.
 */
export async function feedPipe(input: PipedInput, sink: Writable): Promise<void> {
  let closed = false;
  const onClosed = () => {
    closed = true;
  };
  // EPIPE/ECONNRESET once ffmpeg has closed its end: not the job's error.
  sink.on('error', onClosed);
  sink.once('close', onClosed);
  let body: Readable | undefined;
  try {
    body = await input.open();
    for await (const chunk of body) {
      if (closed || sink.destroyed) break;
      if (!sink.write(chunk)) await room(sink);
    }
    if (!closed) sink.end();
  } catch (err) {
    // ffmpeg had already closed its end: it read what it needed, and its exit status speaks.
    if (closed) return;
    sink.destroy();
    if (err instanceof ReelayError) throw err;
    throw new TransientError(`reading artifact ${input.artifactId} from the store for ffmpeg failed: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    body?.destroy();
  }
}

/** Resolves when `sink` can take more, or is gone. */
function room(sink: Writable): Promise<void> {
  if (sink.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}
