import { z } from 'zod';
import { ArtifactId, ArtifactRef } from '../artifact.js';
import { defineTask } from '../catalogue.js';

/**
 * The media family: probe, transcode, thumbnails, render, optimize, download — served by
 * services/render-gpu on the `media` queue (CPU encoders) and `media-gpu` (NVENC).
 * Artifacts are referenced by id; times are in seconds.
 */

/** Where a media job may run. The job client routes `required` to `media-gpu`. */
export const GpuPreference = z.enum(['required', 'preferred', 'never']).default('preferred');
export type GpuPreference = z.input<typeof GpuPreference>;

export const VideoCodec = z.enum(['h264', 'h265', 'vp9', 'av1']);
export type VideoCodec = z.infer<typeof VideoCodec>;
export const AudioCodec = z.enum(['aac', 'opus', 'none']);
export type AudioCodec = z.infer<typeof AudioCodec>;
export const Container = z.enum(['mp4', 'webm', 'mkv']);
export type Container = z.infer<typeof Container>;
/** x264/x265 preset names; mapped to the nearest equivalent for other encoders. */
export const EncodePreset = z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow']);
export type EncodePreset = z.infer<typeof EncodePreset>;

/**
 * What each container may carry. mp4 takes AAC only: ffmpeg 5.1 does write Opus in MP4,
 * but Apple players and several platform ingesters refuse it, and a file that plays
 * nowhere is worse than a clear refusal. VP9 stays out of mp4 for the same reason.
 * WebM is what the muxer itself enforces (VP8/VP9/AV1, Vorbis/Opus). Matroska takes all.
 * docs/decisions/0004-own-ffmpeg-module.md keeps the table.
 */
export const CONTAINER_CODECS = {
  mp4: { video: ['h264', 'h265', 'av1'], audio: ['aac', 'none'] },
  webm: { video: ['vp9', 'av1'], audio: ['opus', 'none'] },
  mkv: { video: ['h264', 'h265', 'vp9', 'av1'], audio: ['aac', 'opus', 'none'] },
} as const satisfies Record<Container, { video: readonly VideoCodec[]; audio: readonly AudioCodec[] }>;

/** 4:2:0 chroma needs even dimensions; 4096 keeps a typo from asking for a 100k-wide frame. */
const EvenDimension = z
  .number()
  .int()
  .min(16)
  .max(8192)
  .refine((n) => n % 2 === 0, 'must be even (4:2:0 video)');
const Fps = z.number().positive().max(240);
const Seconds = z
  .number()
  .nonnegative()
  .max(24 * 3600);
const OutputName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,120}$/, 'must be a plain file name (letters, digits, ". _ -")')
  .optional();

/** What ffprobe says about one stream. */
export const MediaStream = z.object({
  index: z.number().int(),
  type: z.enum(['video', 'audio', 'subtitle', 'data', 'attachment', 'unknown']),
  codec: z.string(),
  durationSec: z.number().optional(),
  bitRate: z.number().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  fps: z.number().optional(),
  pixelFormat: z.string().optional(),
  sampleRate: z.number().int().optional(),
  channels: z.number().int().optional(),
});
export type MediaStream = z.infer<typeof MediaStream>;

export const MediaInfo = z.object({
  durationSec: z.number(),
  sizeBytes: z.number().int().nonnegative(),
  bitRate: z.number().optional(),
  format: z.string(),
  formatLongName: z.string().optional(),
  streams: z.array(MediaStream),
});
export type MediaInfo = z.infer<typeof MediaInfo>;

/** A produced media file: its artifact and what ffprobe read back from it. */
export const MediaResult = z.object({
  artifact: ArtifactRef,
  info: MediaInfo,
  /** The ffmpeg video encoder that made it (libx264, h264_nvenc…). */
  encoder: z.string().optional(),
});
export type MediaResult = z.infer<typeof MediaResult>;

// ---- media.probe ----

export const MediaProbeInput = z.object({
  artifactId: ArtifactId,
  gpu: GpuPreference,
});
export type MediaProbeInput = z.input<typeof MediaProbeInput>;
export const MediaProbeOutput = MediaInfo;
export type MediaProbeOutput = z.infer<typeof MediaProbeOutput>;

// ---- media.transcode ----

export const MediaTranscodeInput = z
  .object({
    artifactId: ArtifactId,
    container: Container.default('mp4'),
    videoCodec: VideoCodec.default('h264'),
    audioCodec: AudioCodec.default('aac'),
    /** Scaled to fit; give one side and the other follows the aspect ratio. */
    width: EvenDimension.optional(),
    height: EvenDimension.optional(),
    fps: Fps.optional(),
    /** Target bitrate; leave out for constant quality (`crf`). */
    videoBitrateKbps: z.number().int().min(50).max(200_000).optional(),
    /** Constant quality, lower is better (0–63; x264's useful range is 18–28). */
    crf: z.number().int().min(0).max(63).optional(),
    audioBitrateKbps: z.number().int().min(16).max(512).default(128),
    preset: EncodePreset.default('medium'),
    name: OutputName,
    gpu: GpuPreference,
  })
  .superRefine((v, ctx) => {
    const allowed = CONTAINER_CODECS[v.container];
    if (!(allowed.video as readonly string[]).includes(v.videoCodec)) {
      ctx.addIssue({
        code: 'custom',
        path: ['videoCodec'],
        message: `${v.container} cannot carry ${v.videoCodec} video; use one of ${allowed.video.join(', ')} (or container mkv)`,
      });
    }
    if (!(allowed.audio as readonly string[]).includes(v.audioCodec)) {
      ctx.addIssue({
        code: 'custom',
        path: ['audioCodec'],
        message: `${v.container} cannot carry ${v.audioCodec} audio; use one of ${allowed.audio.join(', ')} (or container mkv)`,
      });
    }
    if (v.videoBitrateKbps !== undefined && v.crf !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['crf'], message: 'give videoBitrateKbps or crf, not both' });
    }
    if (v.crf !== undefined && v.crf > 51 && (v.videoCodec === 'h264' || v.videoCodec === 'h265')) {
      ctx.addIssue({ code: 'custom', path: ['crf'], message: `crf for ${v.videoCodec} is 0–51` });
    }
  });
export type MediaTranscodeInput = z.input<typeof MediaTranscodeInput>;
export const MediaTranscodeOutput = MediaResult;
export type MediaTranscodeOutput = z.infer<typeof MediaTranscodeOutput>;

// ---- media.thumbnails ----

export const ImageFormat = z.enum(['jpeg', 'png', 'webp']);
export type ImageFormat = z.infer<typeof ImageFormat>;

export const MediaThumbnailsInput = z
  .object({
    artifactId: ArtifactId,
    /** Evenly spaced frames (the middle of N equal slices), or… */
    count: z.number().int().min(1).max(100).optional(),
    /** …frames at these times. */
    times: z.array(Seconds).min(1).max(100).optional(),
    format: ImageFormat.default('jpeg'),
    /** Thumbnail width; height follows the aspect ratio. Source width when left out. */
    width: EvenDimension.optional(),
    /** One image with every thumbnail in a grid (ffmpeg's tile filter). */
    contactSheet: z.object({ columns: z.number().int().min(1).max(20).default(4) }).optional(),
    gpu: GpuPreference,
  })
  .superRefine((v, ctx) => {
    if ((v.count === undefined) === (v.times === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'give exactly one of count or times' });
    }
  });
export type MediaThumbnailsInput = z.input<typeof MediaThumbnailsInput>;
export const MediaThumbnailsOutput = z.object({
  thumbnails: z.array(z.object({ timeSec: z.number(), artifact: ArtifactRef })),
  contactSheet: ArtifactRef.optional(),
  width: z.number().int(),
  height: z.number().int(),
});
export type MediaThumbnailsOutput = z.infer<typeof MediaThumbnailsOutput>;

// ---- media.render ----

/** ffmpeg xfade transitions offered (a subset that reads well on vertical video). */
export const TransitionType = z.enum([
  'fade',
  'fadeblack',
  'fadewhite',
  'dissolve',
  'wipeleft',
  'wiperight',
  'wipeup',
  'wipedown',
  'slideleft',
  'slideright',
  'slideup',
  'slidedown',
  'circleopen',
  'circleclose',
  'radial',
  'smoothleft',
  'smoothup',
  'zoomin',
]);
export type TransitionType = z.infer<typeof TransitionType>;

/**
 * Ken Burns motion on a still: a slow zoom or pan across the picture for the scene's
 * length, so a still never sits dead on screen. `none` shows it as is.
 */
export const SceneMotion = z.enum(['none', 'zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down']);
export type SceneMotion = z.infer<typeof SceneMotion>;

export const RenderScene = z
  .object({
    artifactId: ArtifactId,
    kind: z.enum(['video', 'image']).default('video'),
    /** Trim in (video only). */
    inSec: Seconds.default(0),
    /** Trim out (video only); the clip's end when left out. */
    outSec: Seconds.optional(),
    /** How long the scene shows. Required for images; for video, defaults to out − in. */
    durationSec: z.number().positive().max(3600).optional(),
    /** cover crops to fill the frame; contain pads with black. */
    fit: z.enum(['cover', 'contain']).default('cover'),
    /** The transition from the previous scene into this one; a hard cut when left out. */
    transition: z.object({ type: TransitionType, durationSec: z.number().positive().max(5) }).optional(),
    /** Image scenes only: Ken Burns zoom or pan (see SceneMotion). */
    motion: SceneMotion.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.motion && s.motion !== 'none' && s.kind !== 'image') {
      ctx.addIssue({ code: 'custom', path: ['motion'], message: 'motion applies to image scenes only' });
    }
    if (s.kind === 'image' && s.durationSec === undefined) {
      ctx.addIssue({ code: 'custom', path: ['durationSec'], message: 'an image scene needs durationSec' });
    }
    if (s.outSec !== undefined && s.outSec <= s.inSec) {
      ctx.addIssue({ code: 'custom', path: ['outSec'], message: 'outSec must be after inSec' });
    }
    const known = s.durationSec ?? (s.outSec !== undefined ? s.outSec - s.inSec : undefined);
    if (s.transition && known !== undefined && s.transition.durationSec >= known) {
      ctx.addIssue({ code: 'custom', path: ['transition', 'durationSec'], message: 'a transition must be shorter than its scene' });
    }
  });
export type RenderScene = z.input<typeof RenderScene>;

const HexColour = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour like #FFCC00');

export const SubtitleStyle = z.object({
  /** Text height in pixels of the output frame. */
  fontSizePx: z.number().int().min(8).max(400).default(64),
  colour: HexColour.default('#FFFFFF'),
  outlineColour: HexColour.default('#000000'),
  outlinePx: z.number().min(0).max(20).default(3),
  position: z.enum(['bottom', 'middle', 'top']).default('bottom'),
  /**
   * Distance from the top or bottom edge, in pixels of the output frame. Left out: 22%
   * of the height on an upright frame (above the platforms' UI at the bottom: the lower
   * third), 8% on a landscape or square one.
   */
  marginPx: z.number().int().min(0).max(2000).optional(),
  font: z
    .string()
    .regex(/^[A-Za-z0-9 -]{1,64}$/)
    .default('DejaVu Sans'),
});
export type SubtitleStyle = z.input<typeof SubtitleStyle>;

/**
 * A text card made by the render itself (the reel's title before the first scene, or
 * its outro after the last): the text centred in large type over a blurred, darkened
 * copy of the neighbouring scene's picture, or over a flat colour.
 */
export const TextCard = z.object({
  /** Long text is set smaller (down to five lines). */
  text: z.string().trim().min(1).max(600),
  /** A smaller line under the text. */
  subtitle: z.string().trim().min(1).max(200).optional(),
  durationSec: z.number().min(0.5).max(10).default(2),
  /** `scene`: the first scene's picture (title) or the last scene's (outro), blurred and darkened. */
  background: z.enum(['scene', 'colour']).default('scene'),
  colour: HexColour.default('#1E2A44'),
  textColour: HexColour.default('#FFFFFF'),
  /** The bar under the text. */
  accentColour: HexColour.default('#FFD400'),
  /** How the card hands over to the scenes (or they to it); a cut when durationSec is 0. */
  transition: z.object({ type: TransitionType, durationSec: z.number().min(0).max(2) }).prefault({ type: 'fade', durationSec: 0.4 }),
});
export type TextCard = z.input<typeof TextCard>;

export const MediaRenderInput = z
  .object({
    scenes: z.array(RenderScene).min(1).max(200),
    /** Narration, mixed at full level; the music ducks under it. */
    voice: z.object({ artifactId: ArtifactId, volume: z.number().min(0).max(4).default(1) }).optional(),
    /** Looped to the reel's length. */
    music: z
      .object({
        artifactId: ArtifactId,
        volume: z.number().min(0).max(4).default(0.35),
        /** Lower the music while the voice speaks (sidechain compression). */
        duck: z.boolean().default(true),
      })
      .optional(),
    /**
     * An SRT artifact burned into the picture (libass), styled by `style`; or an ASS
     * script (ai.captions' word captions), burned as written: its own styles apply.
     */
    subtitles: z.object({ artifactId: ArtifactId, style: SubtitleStyle.prefault({}) }).optional(),
    /** A title card before the first scene. Voice and subtitles start with the first scene; music from the start. */
    titleCard: TextCard.optional(),
    /** An outro card after the last scene. */
    outro: TextCard.optional(),
    /**
     * `overlap`: a transition eats into the scenes it joins (the reel lasts Σ scenes −
     * Σ transitions). `hold`: the scene before a transition is held for it, so every
     * scene starts at the sum of the durations before it — scenes timed to a voice stay on it.
     */
    transitionTiming: z.enum(['overlap', 'hold']).default('overlap'),
    width: EvenDimension.default(1080),
    height: EvenDimension.default(1920),
    fps: Fps.default(30),
    videoCodec: z.enum(['h264', 'h265']).default('h264'),
    crf: z.number().int().min(0).max(51).default(21),
    preset: EncodePreset.default('veryfast'),
    name: OutputName,
    gpu: GpuPreference,
  })
  .superRefine((v, ctx) => {
    if (v.scenes[0]?.transition) {
      ctx.addIssue({ code: 'custom', path: ['scenes', 0, 'transition'], message: 'the first scene has nothing to transition from' });
    }
  });
export type MediaRenderInput = z.input<typeof MediaRenderInput>;
export const MediaRenderOutput = MediaResult.extend({
  /** Sum of scene durations minus transition overlaps; the output was checked against it. */
  expectedDurationSec: z.number(),
  /** Where the first scene (and the voice and subtitles) starts: after the title card. */
  bodyStartSec: z.number().nonnegative().optional(),
});
export type MediaRenderOutput = z.infer<typeof MediaRenderOutput>;

// ---- media.optimize ----

export const Platform = z.enum(['tiktok', 'youtube-shorts', 'instagram-reels', 'youtube', 'x']);
export type Platform = z.infer<typeof Platform>;

/**
 * What each platform takes best (their published upload guidance, 2025). Duration caps
 * are the upload limits for ordinary accounts.
 */
export const PLATFORM_PRESETS = {
  tiktok: { width: 1080, height: 1920, maxFps: 30, maxDurationSec: 600, videoBitrateKbps: 6_000, audioBitrateKbps: 128 },
  'youtube-shorts': { width: 1080, height: 1920, maxFps: 60, maxDurationSec: 180, videoBitrateKbps: 8_000, audioBitrateKbps: 192 },
  'instagram-reels': { width: 1080, height: 1920, maxFps: 30, maxDurationSec: 180, videoBitrateKbps: 5_000, audioBitrateKbps: 128 },
  youtube: { width: 1920, height: 1080, maxFps: 60, maxDurationSec: 12 * 3600, videoBitrateKbps: 10_000, audioBitrateKbps: 192 },
  x: { width: 1280, height: 720, maxFps: 60, maxDurationSec: 140, videoBitrateKbps: 5_000, audioBitrateKbps: 128 },
} as const satisfies Record<
  Platform,
  { width: number; height: number; maxFps: number; maxDurationSec: number; videoBitrateKbps: number; audioBitrateKbps: number }
>;

export const MediaOptimizeInput = z.object({
  artifactId: ArtifactId,
  platform: Platform,
  /** crop fills the platform's frame (cutting edges); pad letterboxes. */
  fit: z.enum(['crop', 'pad']).default('crop'),
  preset: EncodePreset.default('medium'),
  name: OutputName,
  gpu: GpuPreference,
});
export type MediaOptimizeInput = z.input<typeof MediaOptimizeInput>;
export const MediaOptimizeOutput = MediaResult.extend({
  platform: Platform,
  /** The source ran past the platform's cap and was cut. */
  truncated: z.boolean(),
});
export type MediaOptimizeOutput = z.infer<typeof MediaOptimizeOutput>;

// ---- media.download ----

export const MediaDownloadInput = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Refused (permanently) past this many bytes. The worker's own cap applies too. */
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(50 * 1024 ** 3)
    .optional(),
  /** Whole-download deadline. */
  timeoutMs: z.number().int().min(1_000).max(3_600_000).default(300_000),
  name: OutputName,
  gpu: GpuPreference,
});
export type MediaDownloadInput = z.input<typeof MediaDownloadInput>;
export const MediaDownloadOutput = z.object({
  artifact: ArtifactRef,
  /** The URL the bytes came from, after redirects. */
  finalUrl: z.string(),
  contentType: z.string(),
});
export type MediaDownloadOutput = z.infer<typeof MediaDownloadOutput>;

// ---- catalogue ----

const mediaRetry = { maxAttempts: 3, initialDelayMs: 2_000, maxDelayMs: 60_000 };

export const mediaTasks = {
  'media.probe': defineTask({
    type: 'media.probe',
    description: 'ffprobe an artifact: duration, streams, format, size, bitrate.',
    queue: 'media',
    priority: 6,
    retry: mediaRetry,
    hardTimeoutMs: 2 * 60_000,
    input: MediaProbeInput,
    output: MediaProbeOutput,
  }),
  'media.transcode': defineTask({
    type: 'media.transcode',
    description: 'Re-encode an artifact to a codec/container/size/quality.',
    queue: 'media',
    retry: mediaRetry,
    hardTimeoutMs: 2 * 3_600_000,
    input: MediaTranscodeInput,
    output: MediaTranscodeOutput,
  }),
  'media.thumbnails': defineTask({
    type: 'media.thumbnails',
    description: 'Still frames (JPEG/PNG/WebP) at even spacing or given times, with an optional contact sheet.',
    queue: 'media',
    priority: 6,
    retry: mediaRetry,
    hardTimeoutMs: 10 * 60_000,
    input: MediaThumbnailsInput,
    output: MediaThumbnailsOutput,
  }),
  'media.render': defineTask({
    type: 'media.render',
    description: 'A reel from scenes with transitions, voice, ducked music and burned-in subtitles.',
    queue: 'media',
    retry: mediaRetry,
    hardTimeoutMs: 2 * 3_600_000,
    input: MediaRenderInput,
    output: MediaRenderOutput,
  }),
  'media.optimize': defineTask({
    type: 'media.optimize',
    description: "Fit a video to a platform's size, aspect, duration cap and bitrate, with +faststart.",
    queue: 'media',
    retry: mediaRetry,
    hardTimeoutMs: 2 * 3_600_000,
    input: MediaOptimizeInput,
    output: MediaOptimizeOutput,
  }),
  'media.download': defineTask({
    type: 'media.download',
    description: 'Fetch a URL into the artifact store, with size and time limits; private addresses refused.',
    queue: 'media',
    retry: mediaRetry,
    hardTimeoutMs: 3_600_000 + 60_000,
    input: MediaDownloadInput,
    output: MediaDownloadOutput,
  }),
} as const;
