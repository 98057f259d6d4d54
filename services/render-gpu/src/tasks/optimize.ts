import path from 'node:path';
import { ErrorCode, PLATFORM_PRESETS, type mediaTasks } from '@reelay/contracts';
import { type TaskHandler, PermanentError } from '@reelay/runtime';
import { chooseVideoEncoder } from '../gpu/video-encoder.js';
import { followedDownload } from '../ffmpeg/followed-input.js';
import { readIndexSummary, storeReader } from '../ffmpeg/mp4-index.js';
import { mp4MediaInfoOf, outputMediaInfo } from '../ffmpeg/mp4-media-info.js';
import { fetchArtifact, safeExtension, stem, storeArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';
import { optimizeArgs } from './optimize-args.js';

/** media.optimize: a platform-ready MP4 from any video. */
export function optimizeHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.optimize']> {
  return async (input, ctx) => {
    const dir = await ctx.tempDir();
    ctx.progress(1, 'download');
    // Streamed from the store while ffmpeg encodes, where the container allows it. An
    // H.264/AAC MP4 whose index says where every sample lies (a render's or a transcode's
    // output) is known from that index, with no ffprobe run, and downloaded as the encode
    // starts, ffmpeg following the file as it grows (ffmpeg/followed-input.ts).
    const { file, ref, streamed, head } = await fetchArtifact(ctx, input.artifactId, 'source', { stream: true });
    const indexed = streamed ? await readIndexSummary(ctx.artifacts, ref, head) : undefined;
    const known = indexed?.followable ? await mp4MediaInfoOf(storeReader(ctx.artifacts, ref, head), ref.size) : undefined;
    if (known) ctx.log.debug({ artifactId: input.artifactId, durationSec: known.durationSec }, 'source read from its index');
    const followed = known ? `source${safeExtension(ref.name)}` : undefined;
    const download = followed ? await followedDownload(ctx, ref, path.join(dir, followed)) : undefined;
    const source = known ?? (await deps.ffmpeg.probe(ctx, file, dir));
    if (!source.streams.some((s) => s.type === 'video')) {
      throw new PermanentError(`artifact ${input.artifactId} has no video stream`, { code: ErrorCode.INVALID_INPUT });
    }
    const preset = PLATFORM_PRESETS[input.platform];
    const video = chooseVideoEncoder(
      {
        codec: 'h264',
        preset: input.preset,
        gpu: input.gpu,
        bitrateKbps: preset.videoBitrateKbps,
        maxBitrateKbps: preset.videoBitrateKbps,
      },
      deps.caps,
    );
    const output = `optimize-${ctx.jobId}.mp4`;
    const plan = optimizeArgs(
      {
        input: followed ?? file,
        ...(followed ? { followSec: deps.ffmpeg.tools.stallTimeoutMs / 1000 } : {}),
        output,
        platform: input.platform,
        fit: input.fit,
        video,
      },
      source,
    );
    await deps.ffmpeg.run(ctx, plan.args, {
      cwd: dir,
      expectedDurationSec: plan.durationSec,
      stage: `optimize for ${input.platform}`,
      span: [2, 95],
      ...(download ? { downloads: [download] } : {}),
    });
    ctx.progress(96, 'upload');
    // What the output is (from its index, with no ffprobe run, where it is an H.264/AAC
    // MP4) and its upload both only read the finished file: side by side.
    const [info, artifact] = await Promise.all([
      outputMediaInfo(dir, output, () => deps.ffmpeg.probe(ctx, output, dir)),
      storeArtifact(ctx, output, input.name ?? `${stem(ref.name)}-${input.platform}.mp4`),
    ]);
    return { artifact, info, encoder: video.encoder, platform: input.platform, truncated: plan.truncated };
  };
}
