import { writeFile } from 'node:fs/promises';
import type { ArtifactRef } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';

/**
 * An input ffmpeg reads from a local file that is still being downloaded into the job's
 * directory: the file protocol's `follow` makes ffmpeg wait at the file's current end
 * for more bytes (at most `-rw_timeout`) instead of taking it for the end of the input.
 * The encode starts as the download does, not after it (a 25 MB clip arrives in
 * ~0.1-0.4 s), and ffmpeg reads a local file, as it would run directly.
 *
 * Only for an MP4 whose index comes first and says where every sample lies
 * (IndexSummary.followable): ffmpeg's mov demuxer then finds each sample by the index,
 * seeking in the file as in any other (a render's scenes start mid-clip), and stops after
 * the last one, so it never reads on to find the end of the file, which a growing file
 * does not have yet. A WAV or a Matroska file is read to its end and would wait there
 * for the whole timeout; those are downloaded first or served by the input server.
 */

/** A download into a file ffmpeg follows; `signal` stops it part-way. */
export type Download = (signal: AbortSignal) => Promise<void>;

/** ffmpeg's input options for a followed file: put before its `-i`. */
export function followArgs(timeoutSec: number): string[] {
  return ['-follow', '1', '-rw_timeout', String(Math.round(timeoutSec * 1e6))];
}

/**
 * Creates `target` empty — there before ffmpeg can be started, which opens it and waits
 * for its bytes — and returns the download into it, for the run to start as it starts
 * ffmpeg (RunOptions.downloads) and to stop once ffmpeg has exited. Started any earlier,
 * the download would hold up the job's other reads: a whole read is pushed by the server
 * as fast as it can send, on the connection they all share.
 */
export async function followedDownload(ctx: Pick<JobContext, 'artifacts' | 'log'>, ref: ArtifactRef, target: string): Promise<Download> {
  await writeFile(target, '');
  return async (signal) => {
    await ctx.artifacts.getToFile(ref.id, target, { signal });
    // Followed inputs are known from their index: no probe ran for them.
    ctx.log.debug({ artifactId: ref.id, streamed: false, followed: true, fromIndex: true }, 'input downloaded');
  };
}
