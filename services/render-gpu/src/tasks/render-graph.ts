import type { SubtitleStyle, TransitionType } from '@reelay/contracts';
import type { VideoEncoder } from '../gpu/video-encoder.js';

/**
 * The ffmpeg command for media.render, as data — pure, so the duration arithmetic and
 * the graph can be unit-tested and the benchmark can run the worker's exact command.
 *
 * Every scene is cut to a whole number of frames at the output rate (trim by frame
 * count, not seconds), and transitions are whole frames too, so the output's length is
 * exact: Σ scene frames − Σ transition frames. Scenes' own audio is not used: a reel's
 * sound is its voice and music tracks. One audio track is always written (silence when
 * there is neither), because platforms and players handle a missing track worse.
 */

export interface PlannedScene {
  file: string;
  kind: 'video' | 'image';
  inSec: number;
  durationSec: number;
  fit: 'cover' | 'contain';
  transition?: { type: TransitionType; durationSec: number };
}

export interface RenderPlan {
  scenes: PlannedScene[];
  voice?: { file: string; volume: number };
  music?: { file: string; volume: number; duck: boolean };
  subtitles?: { file: string; style: Required<SubtitleStyle> };
  width: number;
  height: number;
  fps: number;
  video: VideoEncoder;
  output: string;
}

export interface RenderCommand {
  args: string[];
  expectedDurationSec: number;
  expectedFrames: number;
}

export class RenderPlanError extends Error {}

const frames = (sec: number, fps: number) => Math.max(1, Math.round(sec * fps));
const secs = (n: number, fps: number) => Number((n / fps).toFixed(6));

/** Frames and seconds the reel will last; throws RenderPlanError for transitions that cannot fit. */
export function reelLength(scenes: Pick<PlannedScene, 'durationSec' | 'transition'>[], fps: number): { frames: number; seconds: number } {
  let total = 0;
  let previous = 0;
  for (const [i, scene] of scenes.entries()) {
    const n = frames(scene.durationSec, fps);
    if (i > 0 && scene.transition) {
      const t = frames(scene.transition.durationSec, fps);
      if (t >= n || t >= previous) {
        throw new RenderPlanError(
          `scene ${i + 1}: a ${scene.transition.durationSec} s transition must be shorter than both scenes it joins (${secs(previous, fps)} s and ${secs(n, fps)} s)`,
        );
      }
      total -= t;
    }
    total += n;
    previous = n;
  }
  return { frames: total, seconds: secs(total, fps) };
}

export function renderCommand(plan: RenderPlan): RenderCommand {
  const { fps, width: w, height: h } = plan;
  const length = reelLength(plan.scenes, fps);
  const inputs: string[] = [];
  const graph: string[] = [];

  for (const [i, scene] of plan.scenes.entries()) {
    const n = frames(scene.durationSec, fps);
    // A little more than needed is read; trim by frame count makes it exact.
    const readSec = String(secs(n + 2, fps));
    // image2 named explicitly: `-loop` is its option, and a still stored without an
    // extension would otherwise be probed into a demuxer that has no such option.
    if (scene.kind === 'image') inputs.push('-f', 'image2', '-loop', '1', '-framerate', String(fps), '-t', readSec, '-i', scene.file);
    else inputs.push('-ss', String(scene.inSec), '-t', readSec, '-i', scene.file);
    const fit =
      scene.fit === 'cover'
        ? `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`
        : `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`;
    // tpad clones the last frame when a clip is shorter than its scene asks for.
    graph.push(
      `[${i}:v]fps=${fps},${fit},setsar=1,format=yuv420p,tpad=stop_mode=clone:stop_duration=${secs(n + fps, fps)},trim=end_frame=${n},setpts=PTS-STARTPTS[s${i}]`,
    );
  }

  let joined = 's0';
  let joinedFrames = frames(plan.scenes[0]?.durationSec ?? 0, fps);
  for (const [i, scene] of plan.scenes.entries()) {
    if (i === 0) continue;
    const n = frames(scene.durationSec, fps);
    const out = `j${i}`;
    if (scene.transition) {
      const t = frames(scene.transition.durationSec, fps);
      const offset = secs(joinedFrames - t, fps);
      graph.push(
        `[${joined}][s${i}]xfade=transition=${scene.transition.type}:duration=${secs(t, fps)}:offset=${offset},settb=1/${fps}[${out}]`,
      );
      joinedFrames += n - t;
    } else {
      graph.push(`[${joined}][s${i}]concat=n=2:v=1:a=0,settb=1/${fps}[${out}]`);
      joinedFrames += n;
    }
    joined = out;
  }
  const subtitles = plan.subtitles ? `${subtitlesFilter(plan.subtitles.file, plan.subtitles.style, h)},` : '';
  graph.push(`[${joined}]${subtitles}format=yuv420p[vout]`);

  let next = plan.scenes.length;
  const E = length.seconds;
  const norm = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
  const voiceIn = plan.voice ? next++ : undefined;
  if (plan.voice) inputs.push('-i', plan.voice.file);
  const musicIn = plan.music ? next++ : undefined;
  // Music loops for as long as the reel needs.
  if (plan.music) inputs.push('-stream_loop', '-1', '-i', plan.music.file);
  if (plan.voice && plan.music) {
    graph.push(`[${voiceIn}:a]${norm},volume=${plan.voice.volume},apad[vo]`);
    graph.push(`[${musicIn}:a]${norm},volume=${plan.music.volume}[mu]`);
    if (plan.music.duck) {
      // The voice keys a compressor on the music: music drops while someone speaks.
      graph.push('[vo]asplit=2[voice][key]');
      graph.push('[mu][key]sidechaincompress=threshold=0.03:ratio=8:attack=5:release=300[bed]');
      graph.push(`[voice][bed]amix=inputs=2:duration=first:normalize=0,atrim=end=${E}[aout]`);
    } else {
      graph.push(`[vo][mu]amix=inputs=2:duration=first:normalize=0,atrim=end=${E}[aout]`);
    }
  } else if (plan.voice) {
    graph.push(`[${voiceIn}:a]${norm},volume=${plan.voice.volume},apad,atrim=end=${E}[aout]`);
  } else if (plan.music) {
    graph.push(`[${musicIn}:a]${norm},volume=${plan.music.volume},apad,atrim=end=${E}[aout]`);
  } else {
    inputs.push('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo');
    graph.push(`[${next}:a]atrim=end=${E}[aout]`);
  }

  const args = [
    ...inputs,
    '-filter_complex',
    graph.join(';'),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    ...plan.video.args,
    '-r',
    String(fps),
    '-c:a',
    'aac',
    '-b:a',
    '192k',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    plan.output,
  ];
  return { args, expectedDurationSec: E, expectedFrames: length.frames };
}

/**
 * libass reads SRT through ffmpeg's converter, which declares a 288-line script
 * (PlayResY): sizes are given in those units and scaled to the frame. Pixels in, so
 * callers think in output pixels.
 */
export function subtitlesFilter(file: string, style: Required<SubtitleStyle>, frameHeight: number): string {
  const k = 288 / frameHeight;
  const alignment = { bottom: 2, middle: 5, top: 8 }[style.position];
  const force = [
    `FontName=${style.font}`,
    `FontSize=${Math.max(1, Math.round(style.fontSizePx * k))}`,
    `PrimaryColour=${assColour(style.colour)}`,
    `OutlineColour=${assColour(style.outlineColour)}`,
    'BorderStyle=1',
    `Outline=${Number((style.outlinePx * k).toFixed(2))}`,
    'Shadow=0',
    `Alignment=${alignment}`,
    `MarginV=${Math.round(style.marginPx * k)}`,
  ].join(',');
  return `subtitles=filename=${file}:force_style='${force}'`;
}

/** "#RRGGBB" → ASS "&H00BBGGRR" (alpha first, 00 = opaque, blue-green-red). */
export function assColour(hex: string): string {
  const rgb = hex.replace('#', '').toUpperCase();
  return `&H00${rgb.slice(4, 6)}${rgb.slice(2, 4)}${rgb.slice(0, 2)}`;
}
