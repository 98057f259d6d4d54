/**
 * The offline ai.avatar engine: a presenter that talks with the voice's loudness, rendered
 * on this host with resvg and ffmpeg (no provider, no network).
 *
 *   voice    the job's voice track, or its text voiced by the service's own synthesizer
 *            through the same voice-track path as ai.tts
 *   picture  a procedural cartoon presenter (portrait given as a URL: the offline engine
 *            fetches nothing) or the portrait artifact in a circle with a ring that swells
 *            with the voice (avatar-picture.ts); a handful of PNG variants
 *   motion   per video frame, the RMS loudness of the voice picks a mouth level with
 *            hysteresis, and the eyes blink every few seconds (mouth-motion.ts)
 *   video    an ffconcat list of the variants with per-run durations and the voice,
 *            encoded H.264 + AAC, faststart, square
 *
 * It is loudness-driven animation, not lip-sync: no phonemes, and a photo is never
 * animated. A provider (D-ID) is what makes a photo talk.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AiMediaProvider, ErrorCode } from '@reelay/contracts';
import { type JobContext, PermanentError } from '@reelay/runtime';
import { renderPng } from '../images/render-png.js';
import { seededRandom, seedFromText } from '../images/seeded-random.js';
import { splitSentences } from '../text/sentences.js';
import { words } from '../text/words.js';
import { probeAudio, toTrackPcm } from '../voice/audio-files.js';
import { ChildProcessError, runChild } from '../voice/run-child.js';
import type { Synthesizer } from '../voice/synthesizer.js';
import { buildVoiceTrack } from '../voice/voice-track.js';
import type { AvatarEngine, AvatarRequest, LocalFile, RenderedAvatar } from './avatar-engine.js';
import { cartoonFaceSvg, faceLook, portraitSvg } from './avatar-picture.js';
import { blinkMask, frameRuns, loudnessEnvelope, type MouthLevel, mouthLevels } from './mouth-motion.js';

export interface OfflineAvatarOptions {
  /** Width and height of the square video. */
  size: number;
  fps: number;
  /** Silence between sentences of a text script, as ai.tts's default. */
  pauseMs: number;
}

export const DEFAULT_OFFLINE_AVATAR: OfflineAvatarOptions = { size: 720, fps: 25, pauseMs: 250 };

/** The envelope is measured at 16 kHz: plenty for loudness, a third of the samples of 48 kHz. */
const ENVELOPE_SAMPLE_RATE = 16_000;
const quiet = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

export interface AvatarMotion {
  /** The picture variant shown on each video frame. */
  frames: string[];
  mouth: MouthLevel[];
}

export class OfflineAvatar implements AvatarEngine {
  readonly provider = AiMediaProvider.offlineAvatar;
  readonly model = undefined;

  constructor(
    private readonly synthesizer: Synthesizer,
    private readonly options: OfflineAvatarOptions = DEFAULT_OFFLINE_AVATAR,
  ) {}

  async render(request: AvatarRequest, dir: string, ctx: JobContext): Promise<RenderedAvatar> {
    const { size, fps } = this.options;
    // The portrait first: an unreadable one fails before any voice is made.
    const portrait = request.imageFile ? await this.squarePortrait(ctx, request.imageFile, dir) : undefined;
    ctx.progress(5, 'preparing the voice');
    const voice = await this.voiceTrack(ctx, request, dir);
    ctx.progress(60, 'measuring the voice');
    // One seed for the look and the blinks: the same portrait URL and text draw the same presenter.
    const seed = seedFromText(request.imageUrl ?? request.text ?? request.imageFile?.name ?? 'avatar');
    const motion = await this.motion(ctx, voice.file, dir, seed);
    // A photo does not blink: its variants differ by the ring alone.
    if (portrait) motion.frames = motion.frames.map((f) => f.replace('-shut', '-open'));

    ctx.progress(65, 'drawing the avatar');
    const look = faceLook(seed);
    const dataUrl = portrait && `data:image/png;base64,${(await readFile(portrait)).toString('base64')}`;
    for (const variant of new Set(motion.frames)) {
      const [, level, eyes] = /^m(\d)-(open|shut)$/.exec(variant)!;
      const svg = dataUrl
        ? portraitSvg(size, dataUrl, look.palette, Number(level) as MouthLevel)
        : cartoonFaceSvg(size, look, Number(level) as MouthLevel, eyes === 'shut');
      await writeFile(path.join(dir, `${variant}.png`), renderPng(svg));
    }

    ctx.progress(75, 'encoding the video');
    const list = path.join(dir, 'frames.ffconcat');
    const runs = frameRuns(motion.frames);
    const lines = ['ffconcat version 1.0'];
    for (const run of runs) lines.push(`file '${run.variant}.png'`, `duration ${(run.frames / fps).toFixed(6)}`);
    // The concat demuxer drops the last entry's duration unless the file is listed once more.
    lines.push(`file '${runs.at(-1)!.variant}.png'`);
    await writeFile(list, `${lines.join('\n')}\n`);
    const file = path.join(dir, 'avatar.mp4');
    await runChild(ctx, 'ffmpeg', [
      ...quiet,
      ...['-f', 'concat', '-safe', '0', '-i', list, '-i', voice.file],
      ...['-map', '0:v', '-map', '1:a', '-vf', `fps=${fps},format=yuv420p`],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-crf', '23'],
      ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '1'],
      ...['-t', voice.durationSec.toFixed(6), '-movflags', '+faststart', file],
    ]);
    const out: RenderedAvatar = { file, providerJobId: `offline-${ctx.jobId}` };
    if (voice.usage) out.usage = voice.usage;
    return out;
  }

  /** The job's voice as a track-format WAV: the given audio converted, or the text voiced. */
  private async voiceTrack(ctx: JobContext, request: AvatarRequest, dir: string) {
    if (request.audioFile) {
      const file = path.join(dir, 'voice.wav');
      await permanentIfUnreadable(
        () => toTrackPcm(ctx, request.audioFile!.path, file),
        'the voice track artifact is not audio ffmpeg can read',
      );
      const { durationSec } = await probeAudio(ctx, file);
      return { file, durationSec, usage: undefined };
    }
    const sentences = splitSentences(request.text ?? '')
      .filter((s) => words(s).length > 0)
      .map((text) => ({ text }));
    if (sentences.length === 0) throw new PermanentError('nothing to say: the text has no words', { code: ErrorCode.INVALID_INPUT });
    const voice = request.voice ?? this.synthesizer.defaultVoice;
    return buildVoiceTrack(ctx, this.synthesizer, { voice, rate: 1, pitch: 1 }, sentences, this.options.pauseMs);
  }

  /** The picture variant per video frame, from the voice's loudness and a seeded blink rhythm. */
  private async motion(ctx: JobContext, voice: string, dir: string, seed: number): Promise<AvatarMotion> {
    const pcmFile = path.join(dir, 'voice.s16le');
    await runChild(ctx, 'ffmpeg', [...quiet, '-i', voice, '-ac', '1', '-ar', String(ENVELOPE_SAMPLE_RATE), '-f', 's16le', pcmFile]);
    const bytes = await readFile(pcmFile);
    // A copy into an aligned buffer: a Buffer from the pool may start at an odd offset.
    const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~1)));
    if (pcm.length === 0) throw new PermanentError('the voice is empty', { code: ErrorCode.INVALID_INPUT });
    return avatarMotion(pcm, ENVELOPE_SAMPLE_RATE, this.options.fps, seed);
  }

  /** The portrait artifact, centre-cropped to a square PNG; one ffmpeg cannot read fails the job permanently. */
  private async squarePortrait(ctx: JobContext, image: LocalFile, dir: string): Promise<string> {
    const why = `the portrait artifact (${image.name}) is not an image ffmpeg can read`;
    const { stdout } = await permanentIfUnreadable(
      () =>
        runChild(ctx, 'ffprobe', [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-show_entries',
          'stream=width,height',
          '-of',
          'json',
          image.path,
        ]),
      why,
    );
    const stream = (JSON.parse(stdout) as { streams?: { width?: number; height?: number }[] }).streams?.[0];
    if (!stream?.width || !stream.height) throw new PermanentError(why, { code: ErrorCode.INVALID_INPUT });
    const side = Math.round(this.options.size * 0.7);
    const file = path.join(dir, 'portrait-square.png');
    await permanentIfUnreadable(
      () =>
        runChild(ctx, 'ffmpeg', [
          ...quiet,
          ...['-i', image.path, '-frames:v', '1'],
          ...['-vf', `scale=${side}:${side}:force_original_aspect_ratio=increase,crop=${side}:${side}`, file],
        ]),
      why,
    );
    return file;
  }
}

/** Frame variants (`m<level>-open|shut`) for a voice: what the engine draws, exported for its test. */
export function avatarMotion(pcm: Int16Array, sampleRate: number, fps: number, seed: number): AvatarMotion {
  const mouth = mouthLevels(loudnessEnvelope(pcm, sampleRate, fps));
  const shut = blinkMask(mouth.length, fps, seededRandom(seed));
  return { mouth, frames: mouth.map((level, i) => `m${level}-${shut[i] ? 'shut' : 'open'}`) };
}

/** A tool failing on the job's own file is bad input, not a host fault: permanent. */
async function permanentIfUnreadable<T>(step: () => Promise<T>, message: string): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof ChildProcessError) throw new PermanentError(message, { code: ErrorCode.INVALID_INPUT, cause: err });
    throw err;
  }
}
