import { ErrorCode, type MediaInfo, type mediaTasks } from '@reelay/contracts';
import { type TaskHandler, PermanentError, ReelayError } from '@reelay/runtime';
import type { Download } from '../ffmpeg/followed-input.js';
import { outputPlan, storeOutput } from '../ffmpeg/growing-output.js';
import type { IndexSummary } from '../ffmpeg/mp4-index.js';
import { outputMediaInfo } from '../ffmpeg/mp4-media-info.js';
import { chooseVideoEncoder } from '../gpu/video-encoder.js';
import type { ResolvedSubtitleStyle } from '../render/ass-script.js';
import { preparedCard, preparedSubtitles, TITLE_FONT_FILE } from '../render/render-inputs.js';
import { fetchAndProbe, fetchArtifact, storeArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';
import { captionWindow, type PlannedScene, type RenderPlan, RenderPlanError, renderCommand } from './render-graph.js';

/**
 * media.render: scenes (clips, and stills with Ken Burns motion) joined with cuts or xfade
 * transitions, a title card and an outro around them, voice and ducked music under them,
 * subtitles burned in (an SRT styled into an ASS script, or ai.captions' word captions) —
 * one ffmpeg run — then checked: the video must last the planned length to within one
 * frame, or the attempt fails (the lengths read from the output's index as ffprobe reads
 * them, ffmpeg/mp4-media-info.ts; ffprobe where that reader does not answer).
 */

/** The output did not come out as planned: retryable once more, but a bug if it repeats. */
export class OutputCheckError extends ReelayError {
  constructor(message: string, details: unknown) {
    super(ErrorCode.OUTPUT_CHECK_FAILED, message, { retryable: true, details });
  }
}

export function renderHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.render']> {
  return async (input, ctx) => {
    const dir = await ctx.tempDir();
    ctx.progress(1, 'download');

    // Each distinct artifact is downloaded and probed once, however many scenes use it,
    // and all of them at once: the clips, the voice, the music and the subtitles are
    // fetched side by side rather than one after another (each ffprobe is ~0.1 CPU-s of
    // start-up, the clip's download ~0.3 s, and none waits on another); a clip whose
    // index comes first is known from that index, with no ffprobe run at all.
    // Downloaded, never served over the worker's input server: a render reads one clip
    // once per scene that uses it and seeks to each scene's start, and serving those reads
    // cost ~1.5 CPU-s for a 25 MB clip read by two scenes against ~0.3 s to download it
    // once (docs/benchmarks.md, media overhead). An MP4 whose index says where every
    // sample lies (IndexSummary.followable) is downloaded as ffmpeg starts, and ffmpeg
    // follows the file as it grows (ffmpeg/followed-input.ts), as transcode's does.
    const fetched = new Map<string, Promise<{ file: string; summary: IndexSummary; download?: Download }>>();
    const load = (id: string, base: string) => {
      let entry = fetched.get(id);
      if (!entry) {
        const name = `${base}-${fetched.size + 1}`;
        entry = fetchAndProbe(ctx, (file) => deps.ffmpeg.probe(ctx, file, dir), id, name, { follow: true });
        // Awaited where it is used; one that fails while an earlier one is awaited must
        // not surface as an unhandled rejection.
        entry.catch(() => undefined);
        fetched.set(id, entry);
      }
      return entry;
    };
    for (const scene of input.scenes) void load(scene.artifactId, 'scene');
    if (input.voice) void load(input.voice.artifactId, 'voice');
    if (input.music) void load(input.music.artifactId, 'music');
    const subtitlesFile = input.subtitles ? fetchArtifact(ctx, input.subtitles.artifactId, 'subtitles') : undefined;
    subtitlesFile?.catch(() => undefined);
    const scenes: PlannedScene[] = [];
    for (const [i, scene] of input.scenes.entries()) {
      const { file, summary: info } = await load(scene.artifactId, 'scene');
      if (!info.hasVideo) throw invalid(`scene ${i + 1}: artifact ${scene.artifactId} has no picture`);
      let durationSec = scene.durationSec;
      if (scene.kind === 'video') {
        if (scene.inSec >= info.durationSec) {
          throw invalid(`scene ${i + 1}: inSec ${scene.inSec} is past the end of the ${info.durationSec} s clip`);
        }
        durationSec ??= (scene.outSec ?? info.durationSec) - scene.inSec;
      }
      scenes.push({
        file,
        kind: scene.kind,
        inSec: scene.inSec,
        durationSec: durationSec ?? 0,
        fit: scene.fit,
        ...(scene.transition ? { transition: scene.transition } : {}),
        ...(scene.motion ? { motion: scene.motion } : {}),
      });
    }
    const plan: RenderPlan = {
      scenes,
      width: input.width,
      height: input.height,
      fps: input.fps,
      video: chooseVideoEncoder({ codec: input.videoCodec, preset: input.preset, crf: input.crf, gpu: input.gpu }, deps.caps),
      output: `render-${ctx.jobId}.mp4`,
      transitionTiming: input.transitionTiming,
      fontFile: await TITLE_FONT_FILE,
    };
    if (input.titleCard) plan.titleCard = await preparedCard(dir, input.titleCard, 'title', input.width, input.height);
    if (input.outro) plan.outro = await preparedCard(dir, input.outro, 'outro', input.width, input.height);
    if (input.voice) plan.voice = { file: (await audioOf(input.voice.artifactId, 'voice')).file, volume: input.voice.volume };
    if (input.music) {
      plan.music = { file: (await audioOf(input.music.artifactId, 'music')).file, volume: input.music.volume, duck: input.music.duck };
    }
    const growing = (await Promise.all(fetched.values())).flatMap((e) => (e.download ? [{ file: e.file, download: e.download }] : []));
    // As long as the run itself may go without progress before it counts as stalled.
    plan.followed = { files: growing.map((e) => e.file), timeoutSec: deps.ffmpeg.tools.stallTimeoutMs / 1000 };
    let command: ReturnType<typeof renderCommand>;
    let muxer: ReturnType<typeof outputPlan>;
    try {
      if (input.subtitles) {
        const { file } = await (subtitlesFile ?? fetchArtifact(ctx, input.subtitles.artifactId, 'subtitles'));
        plan.subtitles = {
          file: await preparedSubtitles({
            dir,
            file,
            // The worker's parse filled in every style default (`prefault({})`) but the frame-relative margin.
            style: input.subtitles.style as ResolvedSubtitleStyle,
            width: input.width,
            height: input.height,
            window: captionWindow(plan),
          }),
        };
      }
      command = renderCommand(plan);
      // Sent to the store as it is written, where the store allows (ffmpeg/growing-output.ts).
      muxer = outputPlan(ctx, 'mp4', { durationSec: command.expectedDurationSec, samples: command.expectedFrames });
      if (muxer.reservedIndexBytes !== undefined) command = renderCommand({ ...plan, muxerArgs: muxer.args });
    } catch (err) {
      if (err instanceof RenderPlanError) throw invalid(err.message);
      throw err;
    }
    const encoded = deps.ffmpeg.run(ctx, command.args, {
      cwd: dir,
      expectedDurationSec: command.expectedDurationSec,
      stage: 'render',
      span: [5, 94],
      downloads: growing.map((e) => e.download),
    });
    // The check reads the finished file. Where the upload ran beside the encode, it holds
    // back the upload's end, so a reel that fails it is never stored; otherwise the upload
    // starts with it, and is deleted again if the check fails.
    const checked = encoded.then(async () => {
      ctx.progress(95, 'verify');
      const info = await outputMediaInfo(dir, plan.output, () => deps.ffmpeg.probe(ctx, plan.output, dir));
      verifyLength(info, command.expectedDurationSec, input.fps);
      return info;
    });
    const name = input.name ?? 'reel.mp4';
    const upload =
      muxer.rewritesBelow !== undefined
        ? storeOutput(ctx, plan.output, name, checked, muxer)
        : encoded.then(() => storeArtifact(ctx, plan.output, name));
    const [probed, stored] = await Promise.allSettled([checked, upload]);
    if (probed.status === 'rejected') {
      if (stored.status === 'fulfilled') await ctx.artifacts.delete(stored.value.id).catch(() => undefined);
      throw probed.reason;
    }
    const info = probed.value;
    if (stored.status === 'rejected') throw stored.reason;
    const artifact = stored.value;
    return {
      artifact,
      info,
      encoder: plan.video.encoder,
      expectedDurationSec: command.expectedDurationSec,
      bodyStartSec: command.bodyStartSec,
    };

    async function audioOf(id: string, base: string) {
      const loaded = await load(id, base);
      if (!loaded.summary.hasAudio) throw invalid(`${base} artifact ${id} has no audio stream`);
      return loaded;
    }
  };
}

/** Video within one frame of plan; audio within a frame plus one AAC frame (1024 samples). */
export function verifyLength(info: MediaInfo, expectedSec: number, fps: number): void {
  const frame = 1 / fps;
  const video = info.streams.find((s) => s.type === 'video');
  const audio = info.streams.find((s) => s.type === 'audio');
  const videoSec = video?.durationSec ?? info.durationSec;
  const problems: string[] = [];
  if (Math.abs(videoSec - expectedSec) > frame + 1e-3) problems.push(`video lasts ${videoSec} s`);
  if (!audio) problems.push('no audio stream');
  else if (audio.durationSec !== undefined && Math.abs(audio.durationSec - expectedSec) > frame + 1024 / 48_000 + 1e-3) {
    problems.push(`audio lasts ${audio.durationSec} s`);
  }
  if (problems.length) {
    throw new OutputCheckError(`rendered reel failed its check: expected ${expectedSec} s, but ${problems.join(' and ')}`, {
      expectedSec,
      videoSec,
      audioSec: audio?.durationSec,
    });
  }
}

function invalid(message: string): PermanentError {
  return new PermanentError(message, { code: ErrorCode.INVALID_INPUT });
}
