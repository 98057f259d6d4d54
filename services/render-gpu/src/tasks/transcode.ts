import { ErrorCode, type mediaTasks } from '@reelay/contracts';
import { type TaskHandler, PermanentError } from '@reelay/runtime';
import { chooseVideoEncoder } from '../gpu/video-encoder.js';
import { fetchArtifact, stem, storeArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';
import { CONTAINER_EXTENSION, transcodeArgs } from './transcode-args.js';

/** media.transcode: re-encode to a codec, container, size and quality. */
export function transcodeHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.transcode']> {
  return async (input, ctx) => {
    const dir = await ctx.tempDir();
    ctx.progress(1, 'download');
    // Streamed from the store while ffmpeg encodes, where the container allows it.
    const { file, ref } = await fetchArtifact(ctx, input.artifactId, 'source', { stream: true });
    const source = await deps.ffmpeg.probe(ctx, file, dir);
    if (!source.streams.some((s) => s.type === 'video')) {
      throw new PermanentError(`artifact ${input.artifactId} has no video stream to transcode`, { code: ErrorCode.INVALID_INPUT });
    }
    const video = chooseVideoEncoder(
      {
        codec: input.videoCodec,
        preset: input.preset,
        gpu: input.gpu,
        ...(input.crf !== undefined ? { crf: input.crf } : {}),
        ...(input.videoBitrateKbps !== undefined ? { bitrateKbps: input.videoBitrateKbps } : {}),
      },
      deps.caps,
    );
    const ext = CONTAINER_EXTENSION[input.container];
    // The job id in the output name makes this run findable (ps, pgrep) and unique.
    const output = `transcode-${ctx.jobId}.${ext}`;
    const args = transcodeArgs(
      {
        input: file,
        output,
        container: input.container,
        video,
        audioCodec: input.audioCodec,
        audioBitrateKbps: input.audioBitrateKbps,
        ...(input.width !== undefined ? { width: input.width } : {}),
        ...(input.height !== undefined ? { height: input.height } : {}),
        ...(input.fps !== undefined ? { fps: input.fps } : {}),
      },
      source,
    );
    await deps.ffmpeg.run(ctx, args, { cwd: dir, expectedDurationSec: source.durationSec, stage: 'transcode', span: [2, 95] });
    ctx.progress(96, 'upload');
    // The output's probe and its upload both only read the finished file: side by side.
    const [info, artifact] = await Promise.all([
      deps.ffmpeg.probe(ctx, output, dir),
      storeArtifact(ctx, output, input.name ?? `${stem(ref.name)}.${ext}`),
    ]);
    return { artifact, info, encoder: video.encoder };
  };
}
