import path from 'node:path';
import type { ArtifactRef, MediaInfo } from '@reelay/contracts';
import { contentTypeFor, type JobContext } from '@reelay/runtime';
import { artifactInputUrl } from '../ffmpeg/artifact-input-server.js';
import { type Download, followedDownload } from '../ffmpeg/followed-input.js';
import { type IndexSummary, readIndexSummary } from '../ffmpeg/mp4-index.js';
import { sequentialHead } from '../ffmpeg/streamable-input.js';
import { wavSummaryOf } from '../ffmpeg/wav-header.js';

/**
 * Artifacts in and out of a job: downloaded into its temp directory, or streamed from the
 * store as a local URL where the caller and the container allow it. Inputs keep a
 * sanitised extension (a hint for ffmpeg's format probing); every name is ours, never
 * the artifact's, so a hostile name cannot reach a path or an ffmpeg argument.
 */

export interface FetchOptions {
  /**
   * The caller only reads the input front to back (transcode, optimize, probe): a
   * container that allows it is streamed from the store while ffmpeg works, and `file`
   * is a local URL (see ffmpeg/artifact-input-server.ts); anything else is downloaded.
   * Leave unset for inputs ffmpeg seeks in or loops (stills, thumbnails, subtitles).
   */
  stream?: boolean;
}

export async function fetchArtifact(
  ctx: JobContext,
  artifactId: string,
  baseName: string,
  options: FetchOptions = {},
): Promise<{ file: string; ref: ArtifactRef; streamed: boolean; head?: Buffer }> {
  const dir = await ctx.tempDir();
  const info = await ctx.artifacts.info(artifactId);
  const ext = safeExtension(info?.name ?? '');
  const file = `${baseName}${ext}`;
  const head = options.stream && info ? await sequentialHead(ctx.artifacts, info) : undefined;
  if (info && head) {
    ctx.log.debug({ artifactId, streamed: true }, 'input streamed from the store');
    // The head read for the container check goes with it: the index reader starts there.
    return { file: await artifactInputUrl(ctx.artifacts, info, dir, file), ref: info, streamed: true, head };
  }
  const ref = await ctx.artifacts.getToFile(artifactId, path.join(dir, file));
  ctx.log.debug({ artifactId, streamed: false }, 'input downloaded');
  return { file, ref, streamed: false };
}

/**
 * An input downloaded into the job's directory, with what a render needs to know of it
 * (media.render reads inputs more than once and seeks in them). An MP4 whose index comes
 * first is known from that index in the store, and a PCM WAV from its header, with no
 * ffprobe run (~0.1 CPU-s of start-up each); another container that reads front to back
 * is probed from the store while it downloads, rather than after; anything else is
 * probed once downloaded.
 *
 * With `follow`, an input ffmpeg can read while it is still being written
 * (IndexSummary.followable) is not downloaded here: it comes back as an empty file with
 * `download`, which the caller starts as it starts ffmpeg (ffmpeg/followed-input.ts).
 * Every other input is whole when this resolves, and has no `download`.
 */
export async function fetchAndProbe(
  ctx: JobContext,
  probe: (file: string) => Promise<MediaInfo>,
  artifactId: string,
  baseName: string,
  options: { follow?: boolean } = {},
): Promise<{ file: string; ref: ArtifactRef; summary: IndexSummary; download?: Download }> {
  const dir = await ctx.tempDir();
  const ref = await ctx.artifacts.info(artifactId);
  const head = ref ? await sequentialHead(ctx.artifacts, ref) : undefined;
  if (!ref || !head) {
    const { file, ref: fetched } = await fetchArtifact(ctx, artifactId, baseName);
    return { file, ref: fetched, summary: summaryOf(await probe(file)) };
  }
  const file = `${baseName}${safeExtension(ref.name)}`;
  const indexed = wavSummaryOf(head, ref.size) ?? (await readIndexSummary(ctx.artifacts, ref, head));
  const known = indexed && indexed.durationSec > 0 ? indexed : undefined;
  if (options.follow && known?.followable) {
    return { file, ref, summary: known, download: await followedDownload(ctx, ref, path.join(dir, file)) };
  }
  const probed = known ? Promise.resolve(known) : probe(await artifactInputUrl(ctx.artifacts, ref, dir, file)).then(summaryOf);
  // Awaited below; a probe that fails while the download runs must not go unhandled.
  probed.catch(() => undefined);
  await ctx.artifacts.getToFile(artifactId, path.join(dir, file));
  ctx.log.debug({ artifactId, streamed: false, fromIndex: known !== undefined }, 'input downloaded');
  return { file, ref, summary: await probed };
}

function summaryOf(info: MediaInfo): IndexSummary {
  return {
    hasVideo: info.streams.some((s) => s.type === 'video'),
    hasAudio: info.streams.some((s) => s.type === 'audio'),
    durationSec: info.durationSec,
    followable: false,
  };
}

export async function storeArtifact(ctx: JobContext, file: string, name: string): Promise<ArtifactRef> {
  const dir = await ctx.tempDir();
  return ctx.artifacts.putFile(path.join(dir, file), { name, contentType: contentTypeFor(name) });
}

export function safeExtension(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '';
}

/** "clip.mov" → "clip"; used to name outputs after their source. */
export function stem(name: string): string {
  const base = path
    .basename(name, path.extname(name))
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .slice(0, 80);
  return base || 'media';
}
