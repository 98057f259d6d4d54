import type { SceneMotion, TransitionType } from '@reelay/contracts';
import { followArgs } from '../ffmpeg/followed-input.js';
import type { VideoEncoder } from '../gpu/video-encoder.js';
import { KEN_BURNS_OVERSAMPLE, kenBurnsFilter } from '../render/ken-burns.js';
import { type CardLayout, cardFilter, type ResolvedCard } from '../render/text-card.js';

/**
 * The ffmpeg command for media.render, as data — pure, so the duration arithmetic and
 * the graph can be unit-tested and the benchmark can run the worker's exact command.
 *
 * Every scene is cut to a whole number of frames at the output rate (trim by frame
 * count, not seconds), and transitions are whole frames too, so the output's length is
 * exact: Σ segment frames − Σ transition frames. Scenes' own audio is not used: a reel's
 * sound is its voice and music tracks. One audio track is always written (silence when
 * there is neither), because platforms and players handle a missing track worse.
 *
 * The picture is built in two stages: the body (the scenes, joined, with the subtitles
 * burned in on their own timeline), then the title card before it and the outro after
 * it. Cards always hold for their transitions (the card before a fade is lengthened by
 * the fade), so a title card of 2 s puts the first scene, the voice and the first
 * subtitle at exactly 2 s. Music runs under everything, from 0.
 */

export interface PlannedScene {
  file: string;
  kind: 'video' | 'image';
  inSec: number;
  durationSec: number;
  fit: 'cover' | 'contain';
  transition?: { type: TransitionType; durationSec: number };
  motion?: SceneMotion | undefined;
}

export interface PlannedCard {
  card: ResolvedCard;
  /** Lines already wrapped, with the text files the handler writes them to. */
  layout: CardLayout;
}

export interface RenderPlan {
  scenes: PlannedScene[];
  voice?: { file: string; volume: number };
  music?: { file: string; volume: number; duck: boolean };
  /** An ASS script (styled for this frame), burned onto the body. */
  subtitles?: { file: string };
  titleCard?: PlannedCard | undefined;
  outro?: PlannedCard | undefined;
  /** See MediaRenderInput.transitionTiming; `overlap` when left out. */
  transitionTiming?: 'overlap' | 'hold';
  /** A bold font file for the cards. */
  fontFile?: string | undefined;
  width: number;
  height: number;
  fps: number;
  video: VideoEncoder;
  output: string;
  /**
   * Inputs still being downloaded into the job's directory when ffmpeg starts
   * (ffmpeg/followed-input.ts): every input that names one of these files follows it,
   * waiting at its current end for at most `timeoutSec`, whatever it is read for (a
   * scene, a card's background, the voice).
   */
  followed?: { files: readonly string[]; timeoutSec: number };
  /** The muxer's options (ffmpeg/growing-output.ts: faststart, or the index's room reserved); faststart when unset. */
  muxerArgs?: string[];
}

export interface RenderCommand {
  args: string[];
  expectedDurationSec: number;
  expectedFrames: number;
  /** Where the body (first scene, voice, subtitles) starts. */
  bodyStartSec: number;
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

interface Timeline {
  /** Frames each scene is read for, after holds for transitions. */
  sceneFrames: number[];
  sceneTransitions: ({ type: TransitionType; frames: number } | undefined)[];
  bodyFrames: number;
  title?: { frames: number; transition?: { type: TransitionType; frames: number } };
  outro?: { frames: number; transition?: { type: TransitionType; frames: number } };
  totalFrames: number;
  bodyStartFrames: number;
}

/** Every segment's frames, with holds applied; throws RenderPlanError for transitions that cannot fit. */
export function planTimeline(plan: Pick<RenderPlan, 'scenes' | 'titleCard' | 'outro' | 'transitionTiming' | 'fps'>): Timeline {
  const { fps } = plan;
  const hold = plan.transitionTiming === 'hold';
  const sceneTransitions = plan.scenes.map((s, i) =>
    i > 0 && s.transition ? { type: s.transition.type, frames: frames(s.transition.durationSec, fps) } : undefined,
  );
  const sceneFrames = plan.scenes.map((s, i) => frames(s.durationSec, fps) + (hold ? (sceneTransitions[i + 1]?.frames ?? 0) : 0));
  const cardTransition = (c: PlannedCard | undefined) =>
    c && c.card.transition.durationSec > 0
      ? { type: c.card.transition.type, frames: frames(c.card.transition.durationSec, fps) }
      : undefined;
  const titleIn = cardTransition(plan.titleCard);
  const outroIn = cardTransition(plan.outro);
  // The last scene holds for the fade into the outro, whatever the timing mode.
  if (outroIn && sceneFrames.length) sceneFrames[sceneFrames.length - 1]! += outroIn.frames;

  let bodyFrames = 0;
  for (const [i, n] of sceneFrames.entries()) {
    const t = sceneTransitions[i];
    if (t) {
      const previous = sceneFrames[i - 1] ?? 0;
      if (t.frames >= n || t.frames >= previous) {
        throw new RenderPlanError(
          `scene ${i + 1}: a ${secs(t.frames, fps)} s transition must be shorter than both scenes it joins (${secs(previous, fps)} s and ${secs(n, fps)} s)`,
        );
      }
      bodyFrames -= t.frames;
    }
    bodyFrames += n;
  }
  const timeline: Timeline = { sceneFrames, sceneTransitions, bodyFrames, totalFrames: bodyFrames, bodyStartFrames: 0 };
  if (plan.titleCard) {
    const shown = frames(plan.titleCard.card.durationSec, fps);
    timeline.title = { frames: shown + (titleIn?.frames ?? 0), ...(titleIn ? { transition: titleIn } : {}) };
    if (titleIn && titleIn.frames >= bodyFrames) throw new RenderPlanError("the title card's transition must be shorter than the scenes");
    timeline.totalFrames += shown;
    timeline.bodyStartFrames = shown;
  }
  if (plan.outro) {
    const shown = frames(plan.outro.card.durationSec, fps);
    if (outroIn && outroIn.frames >= shown) throw new RenderPlanError("the outro's transition must be shorter than the outro");
    timeline.outro = { frames: shown, ...(outroIn ? { transition: outroIn } : {}) };
    // The outro's fade overlaps the last scene's hold, so only what is left of the outro adds.
    timeline.totalFrames += shown - (outroIn?.frames ?? 0);
  }
  return timeline;
}

/**
 * Where the body's captions may show, on the body's own timeline (the subtitles are
 * burned onto it before the cards join): after the title card has faded out and before
 * the outro starts to fade in, so no caption is drawn over either card. Throws
 * RenderPlanError as planTimeline does.
 */
export function captionWindow(plan: Pick<RenderPlan, 'scenes' | 'titleCard' | 'outro' | 'transitionTiming' | 'fps'>): {
  fromSec: number;
  toSec?: number;
} {
  const t = planTimeline(plan);
  const fromSec = t.title ? secs(t.title.transition?.frames ?? 0, plan.fps) : 0;
  return t.outro ? { fromSec, toSec: secs(t.bodyFrames - (t.outro.transition?.frames ?? 0), plan.fps) } : { fromSec };
}

export function renderCommand(plan: RenderPlan): RenderCommand {
  const { fps, width: w, height: h } = plan;
  const timeline = planTimeline(plan);
  const inputs: string[] = [];
  const graph: string[] = [];
  let next = 0;
  const followed = new Set(plan.followed?.files);
  const follow = followArgs(plan.followed?.timeoutSec ?? 0);
  // The file is an input's last argument; a lavfi source's is its graph, never a followed name.
  const input = (...args: string[]) => {
    inputs.push(...(followed.has(args[args.length - 1] ?? '') ? follow : []), ...args);
    return next++;
  };
  const fitTo = (fit: PlannedScene['fit'], fw: number, fh: number) =>
    fit === 'cover'
      ? `scale=${fw}:${fh}:force_original_aspect_ratio=increase,crop=${fw}:${fh}`
      : `scale=${fw}:${fh}:force_original_aspect_ratio=decrease,pad=${fw}:${fh}:(ow-iw)/2:(oh-ih)/2:color=black`;

  for (const [i, scene] of plan.scenes.entries()) {
    const n = timeline.sceneFrames[i]!;
    if (scene.kind === 'image' && scene.motion && scene.motion !== 'none') {
      // One frame in, n frames out of zoompan (see ken-burns.ts).
      const k = input('-f', 'image2', '-i', scene.file);
      const big = fitTo(scene.fit, w * KEN_BURNS_OVERSAMPLE, h * KEN_BURNS_OVERSAMPLE);
      graph.push(
        `[${k}:v]${big},setsar=1,format=yuv444p,${kenBurnsFilter({ motion: scene.motion, frames: n, width: w, height: h, fps })},` +
          `format=yuv420p,trim=end_frame=${n},setpts=PTS-STARTPTS,settb=1/${fps}[s${i}]`,
      );
      continue;
    }
    // A little more than needed is read; trim by frame count makes it exact.
    const readSec = String(secs(n + 2, fps));
    // image2 named explicitly: `-loop` is its option, and a still stored without an
    // extension would otherwise be probed into a demuxer that has no such option.
    const k =
      scene.kind === 'image'
        ? input('-f', 'image2', '-loop', '1', '-framerate', String(fps), '-t', readSec, '-i', scene.file)
        : input('-ss', String(scene.inSec), '-t', readSec, '-i', scene.file);
    // tpad clones the last frame when a clip is shorter than its scene asks for.
    graph.push(
      `[${k}:v]fps=${fps},${fitTo(scene.fit, w, h)},setsar=1,format=yuv420p,tpad=stop_mode=clone:stop_duration=${secs(n + fps, fps)},trim=end_frame=${n},setpts=PTS-STARTPTS,settb=1/${fps}[s${i}]`,
    );
  }

  let joined = 's0';
  let joinedFrames = timeline.sceneFrames[0] ?? 0;
  for (const [i] of plan.scenes.entries()) {
    if (i === 0) continue;
    const t = timeline.sceneTransitions[i];
    const out = `j${i}`;
    graph.push(join(joined, `s${i}`, out, t, joinedFrames, fps));
    joinedFrames += timeline.sceneFrames[i]! - (t?.frames ?? 0);
    joined = out;
  }
  // Subtitles are timed from the first scene: burned onto the body before the cards join it.
  graph.push(`[${joined}]${plan.subtitles ? `subtitles=filename=${plan.subtitles.file},` : ''}format=yuv420p[body]`);

  let picture = 'body';
  let pictureFrames = timeline.bodyFrames;
  const card = (planned: PlannedCard, which: 'title' | 'outro', cardFrames: number) => {
    const source = which === 'title' ? plan.scenes[0]! : plan.scenes[plan.scenes.length - 1]!;
    let k: number;
    if (planned.card.background === 'colour') {
      k = input('-f', 'lavfi', '-i', `color=c=0x${planned.card.colour.slice(1)}:s=${w}x${h}:r=${fps}:d=1`);
    } else if (source.kind === 'image') {
      k = input('-f', 'image2', '-i', source.file);
    } else {
      // The outro shows where the last clip ends; the title where the first begins.
      const at = which === 'title' ? source.inSec : source.inSec + Math.max(0, source.durationSec - 0.1);
      k = input('-ss', String(at), '-t', '0.5', '-i', source.file);
    }
    const label = `${which}card`;
    graph.push(`[${k}:v]trim=end_frame=1,setpts=PTS-STARTPTS[${label}bg]`);
    graph.push(
      cardFilter({
        card: planned.card,
        layout: planned.layout,
        input: `${label}bg`,
        background: planned.card.background,
        frames: cardFrames,
        width: w,
        height: h,
        fps,
        fontFile: plan.fontFile,
        output: label,
      }),
    );
    return label;
  };
  if (plan.titleCard && timeline.title) {
    const title = card(plan.titleCard, 'title', timeline.title.frames);
    graph.push(join(title, picture, 'withtitle', timeline.title.transition, timeline.title.frames, fps));
    picture = 'withtitle';
    pictureFrames += timeline.title.frames - (timeline.title.transition?.frames ?? 0);
  }
  if (plan.outro && timeline.outro) {
    const outro = card(plan.outro, 'outro', timeline.outro.frames);
    graph.push(join(picture, outro, 'withoutro', timeline.outro.transition, pictureFrames, fps));
    picture = 'withoutro';
    pictureFrames += timeline.outro.frames - (timeline.outro.transition?.frames ?? 0);
  }
  graph.push(`[${picture}]format=yuv420p[vout]`);

  const E = secs(pictureFrames, fps);
  const bodyStart = secs(timeline.bodyStartFrames, fps);
  const norm = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
  // The voice starts with the first scene.
  const delay = bodyStart > 0 ? `,adelay=delays=${Math.round(bodyStart * 1000)}:all=1` : '';
  const voiceIn = plan.voice ? input('-i', plan.voice.file) : undefined;
  // Music loops for as long as the reel needs, fading in and out at the ends.
  const musicIn = plan.music ? input('-stream_loop', '-1', '-i', plan.music.file) : undefined;
  const fadeOut = Math.min(1.5, E / 4);
  const musicFades = `afade=t=in:d=${Math.min(0.5, E / 4)},afade=t=out:st=${Number((E - fadeOut).toFixed(3))}:d=${fadeOut}`;
  if (plan.voice && plan.music) {
    graph.push(`[${voiceIn}:a]${norm},volume=${plan.voice.volume}${delay},apad[vo]`);
    graph.push(`[${musicIn}:a]${norm},volume=${plan.music.volume},atrim=end=${E},${musicFades}[mu]`);
    if (plan.music.duck) {
      // The voice keys a compressor on the music: music drops while someone speaks.
      graph.push('[vo]asplit=2[voice][key]');
      graph.push('[mu][key]sidechaincompress=threshold=0.03:ratio=8:attack=5:release=300[bed]');
      graph.push(`[voice][bed]amix=inputs=2:duration=first:normalize=0,atrim=end=${E}[aout]`);
    } else {
      graph.push(`[vo][mu]amix=inputs=2:duration=first:normalize=0,atrim=end=${E}[aout]`);
    }
  } else if (plan.voice) {
    graph.push(`[${voiceIn}:a]${norm},volume=${plan.voice.volume}${delay},apad,atrim=end=${E}[aout]`);
  } else if (plan.music) {
    graph.push(`[${musicIn}:a]${norm},volume=${plan.music.volume},atrim=end=${E},${musicFades},apad,atrim=end=${E}[aout]`);
  } else {
    const k = input('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo');
    graph.push(`[${k}:a]atrim=end=${E}[aout]`);
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
    ...(plan.muxerArgs ?? ['-movflags', '+faststart']),
    '-f',
    'mp4',
    plan.output,
  ];
  return { args, expectedDurationSec: E, expectedFrames: pictureFrames, bodyStartSec: bodyStart };
}

/** xfade at the right offset, or concat for a cut; the timebase is set again after either. */
function join(
  a: string,
  b: string,
  out: string,
  t: { type: TransitionType; frames: number } | undefined,
  aFrames: number,
  fps: number,
): string {
  if (t) {
    return `[${a}][${b}]xfade=transition=${t.type}:duration=${secs(t.frames, fps)}:offset=${secs(aFrames - t.frames, fps)},settb=1/${fps}[${out}]`;
  }
  return `[${a}][${b}]concat=n=2:v=1:a=0,settb=1/${fps}[${out}]`;
}
