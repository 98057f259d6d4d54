import path from 'node:path';
import { ErrorCode, type MediaInfo, type mediaTasks } from '@reelay/contracts';
import { type TaskHandler, PermanentError } from '@reelay/runtime';
import { withStopSignal } from '../ffmpeg/ffmpeg-runner.js';
import { followedDownload } from '../ffmpeg/followed-input.js';
import { outputPlan, storeOutput } from '../ffmpeg/growing-output.js';
import { readIndexSummary } from '../ffmpeg/mp4-index.js';
import { outputMediaInfo } from '../ffmpeg/mp4-media-info.js';
import { chooseVideoEncoder } from '../gpu/video-encoder.js';
import { fetchArtifact, safeExtension, stem } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';
import { CONTAINER_EXTENSION, transcodeArgs } from './transcode-args.js';

/** media.transcode: re-encode to a codec, container, size and quality. */
export function transcodeHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.transcode']> {
  return async (input, ctx) => {
    const dir = await ctx.tempDir();
    ctx.progress(1, 'download');
    // Streamed from the store while ffmpeg encodes, where the container allows it.
    const { file, ref, streamed, head } = await fetchArtifact(ctx, input.artifactId, 'source', { stream: true });
    const noPicture = () =>
      new PermanentError(`artifact ${input.artifactId} has no video stream to transcode`, { code: ErrorCode.INVALID_INPUT });
    // An MP4 streamed from the store is known from its index: no ffprobe run for it.
    const indexed = streamed ? await readIndexSummary(ctx.artifacts, ref, head) : undefined;
    const known = indexed && indexed.durationSec > 0 ? indexed : undefined;
    if (known) ctx.log.debug({ artifactId: input.artifactId, durationSec: known.durationSec }, 'source read from its index');
    // One whose index says where every sample lies is downloaded as the encode starts, and
    // ffmpeg follows the file as it grows (ffmpeg/followed-input.ts); the input server's
    // URL stays for the probe, and for a streamable container of another kind.
    const followed = known?.followable ? `source${safeExtension(ref.name)}` : undefined;
    const download = followed ? await followedDownload(ctx, ref, path.join(dir, followed)) : undefined;
    if (known && !known.hasVideo) throw noPicture();
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
    // Sent to the store as it is written, where the store allows (ffmpeg/growing-output.ts).
    const muxer = outputPlan(ctx, input.container, {
      ...(known ? { durationSec: known.durationSec, samples: known.samples } : {}),
      ...(input.fps !== undefined ? { fps: input.fps } : {}),
    });
    const args = transcodeArgs({
      input: followed ?? file,
      ...(followed ? { followSec: deps.ffmpeg.tools.stallTimeoutMs / 1000 } : {}),
      output,
      container: input.container,
      video,
      audioCodec: input.audioCodec,
      audioBitrateKbps: input.audioBitrateKbps,
      ...(input.width !== undefined ? { width: input.width } : {}),
      ...(input.height !== undefined ? { height: input.height } : {}),
      ...(input.fps !== undefined ? { fps: input.fps } : {}),
      muxerArgs: muxer.args,
    });
    // Anything else is probed, and the probe and the encode start together: the command
    // does not depend on what the probe finds (audio is mapped if there is any), so the
    // probe's start-up (~0.1 CPU-s for Debian's ffprobe, most of it loading libraries) is
    // not in front of the encode. Its duration turns ffmpeg's progress into percentages
    // once known; if it fails, or finds no picture, the encode is stopped and the probe's
    // error is the job's, as when it ran first.
    let durationSec = known?.durationSec;
    const stop = new AbortController();
    const probed = known
      ? Promise.resolve()
      : deps.ffmpeg.probe(ctx, file, dir).then((info: MediaInfo) => {
          if (!info.streams.some((s) => s.type === 'video')) throw noPicture();
          durationSec = info.durationSec;
        });
    probed.catch((err: unknown) => stop.abort(err));
    const encoded = deps.ffmpeg.run(withStopSignal(ctx, stop.signal), args, {
      cwd: dir,
      expectedDurationSec: () => durationSec,
      stage: 'transcode',
      span: [2, 95],
      ...(download ? { downloads: [download] } : {}),
    });
    const stored = storeOutput(ctx, output, input.name ?? `${stem(ref.name)}.${ext}`, Promise.all([probed, encoded]), muxer);
    // Awaited below, after the probe's and the encode's own errors.
    stored.catch(() => undefined);
    const [probe, encode] = await Promise.allSettled([probed, encoded]);
    if (probe.status === 'rejected') throw probe.reason;
    if (encode.status === 'rejected') throw encode.reason;
    ctx.progress(96, 'upload');
    // What the output is (from its index, with no ffprobe run, where it is an H.264/AAC
    // MP4) and what is left of its upload both only read the finished file: side by side.
    const [info, artifact] = await Promise.all([outputMediaInfo(dir, output, () => deps.ffmpeg.probe(ctx, output, dir)), stored]);
    return { artifact, info, encoder: video.encoder };
  };
}
