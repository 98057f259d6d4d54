import { ErrorCode, PLATFORM_PRESETS, type mediaTasks } from '@reelay/contracts';
import { type TaskHandler, PermanentError } from '@reelay/runtime';
import { chooseVideoEncoder } from '../gpu/video-encoder.js';
import { fetchArtifact, stem, storeArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';
import { optimizeArgs } from './optimize-args.js';

/** media.optimize: a platform-ready MP4 from any video. */
export function optimizeHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.optimize']> {
  return async (input, ctx) => {
    const dir = await ctx.tempDir();
    ctx.progress(1, 'download');
    // Streamed from the store while ffmpeg encodes, where the container allows it.
    const { file, ref } = await fetchArtifact(ctx, input.artifactId, 'source', { stream: true });
    const source = await deps.ffmpeg.probe(ctx, file, dir);
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
    const plan = optimizeArgs({ input: file, output, platform: input.platform, fit: input.fit, video }, source);
    await deps.ffmpeg.run(ctx, plan.args, {
      cwd: dir,
      expectedDurationSec: plan.durationSec,
      stage: `optimize for ${input.platform}`,
      span: [2, 95],
    });
    ctx.progress(96, 'upload');
    // The output's probe and its upload both only read the finished file: side by side.
    const [info, artifact] = await Promise.all([
      deps.ffmpeg.probe(ctx, output, dir),
      storeArtifact(ctx, output, input.name ?? `${stem(ref.name)}-${input.platform}.mp4`),
    ]);
    return { artifact, info, encoder: video.encoder, platform: input.platform, truncated: plan.truncated };
  };
}
