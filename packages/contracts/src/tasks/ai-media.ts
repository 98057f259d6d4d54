import { z } from 'zod';
import { ArtifactId, ArtifactRef } from '../artifact.js';
import { defineTask } from '../catalogue.js';
import { AiUsage } from './ai.js';

/**
 * The `ai` family's media tasks (services/ai): a picture per scene, a music bed and a
 * talking avatar. Each has an offline default that does real work (a procedural
 * illustrator, an ffmpeg synthesiser, a presenter animated by the voice's loudness); a
 * configured provider (OpenAI-compatible images, ElevenLabs music, D-ID talks) sits behind
 * the same contract, and the result says which one answered. The offline avatar is not
 * lip-sync: a cartoon's mouth follows the voice's loudness, a portrait photo is shown in a
 * ring that swells with it; a provider is what makes a photo talk.
 */

/** Who produced a media result. */
export const AiMediaProvider = {
  offlineIllustrator: 'offline-illustrator',
  offlineSynth: 'offline-synth',
  offlineAvatar: 'offline-avatar',
  openaiCompatible: 'openai-compatible',
  elevenlabs: 'elevenlabs',
  did: 'd-id',
} as const;
export type AiMediaProvider = (typeof AiMediaProvider)[keyof typeof AiMediaProvider];
const AiMediaProviderSchema = z.enum(Object.values(AiMediaProvider) as [AiMediaProvider, ...AiMediaProvider[]]);

/**
 * The feeling a picture or a music bed should carry. The first five are ai.script's tones,
 * so a script's tone can be passed straight through.
 */
export const MediaMood = z.enum(['friendly', 'energetic', 'informative', 'serious', 'humorous', 'calm', 'dramatic', 'mysterious']);
export type MediaMood = z.infer<typeof MediaMood>;

const FileBaseName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

const MediaProviderFields = {
  provider: AiMediaProviderSchema,
  model: z.string().optional(),
  usage: AiUsage.optional(),
};

// ---- ai.image ----

export const ImageInput = z.object({
  /** What the picture shows: a scene's `visual` hint, or any prompt. */
  prompt: z.string().trim().min(3).max(4_000),
  /** Offline: the word set in type on the picture; picked from the prompt when absent. Empty string: no type. */
  keyword: z.string().trim().max(40).optional(),
  /** Offline: picked from the prompt's words when absent. */
  mood: MediaMood.optional(),
  /** The finished PNG's size; a provider's picture is cropped to it (cover). */
  width: z.number().int().min(64).max(4_096).default(1080),
  height: z.number().int().min(64).max(4_096).default(1920),
  /** Same seed and prompt, same picture (offline). Absent: derived from the prompt and sceneIndex. */
  seed: Seed.optional(),
  /** The scene's position in its video: varies composition and hue between neighbouring scenes. */
  sceneIndex: z.number().int().nonnegative().max(999).optional(),
  /** Offline: also store the picture's depth layers (background, middle, foreground) as transparent PNGs, for parallax. */
  layers: z.boolean().default(false),
  /** Base name of the stored file. */
  name: FileBaseName.default('image'),
});
export type ImageInput = z.input<typeof ImageInput>;

export const ImageLayer = z.object({
  /** 0 = furthest back. */
  depth: z.number().int().nonnegative(),
  name: z.enum(['background', 'middle', 'foreground']),
  image: ArtifactRef,
});
export type ImageLayer = z.infer<typeof ImageLayer>;

export const ImageOutput = z.object({
  /** A PNG of width × height. */
  image: ArtifactRef,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  seed: z.number().int().nonnegative(),
  mood: MediaMood.optional(),
  /** The colours it is painted in, `#rrggbb`, darkest first (offline). */
  palette: z.array(z.string().regex(/^#[0-9a-f]{6}$/)).optional(),
  keyword: z.string().optional(),
  /** The prompt the provider says it drew (OpenAI's revised_prompt). */
  revisedPrompt: z.string().optional(),
  layers: z.array(ImageLayer).optional(),
  ...MediaProviderFields,
});
export type ImageOutput = z.infer<typeof ImageOutput>;

// ---- ai.music ----

export const MusicInput = z.object({
  /** Length of the bed; the stored track's duration is within 2% of it. */
  durationSec: z.number().min(2).max(600),
  mood: MediaMood.default('friendly'),
  /** Offline: beats per minute; from the mood when absent. */
  tempoBpm: z.number().int().min(50).max(200).optional(),
  /** A provider's prompt; absent: written from mood and tempo. Offline ignores it. */
  prompt: z.string().trim().min(3).max(2_000).optional(),
  /** Integrated loudness the track is normalised to (EBU R128). A bed under a voice sits well below it. */
  targetLufs: z.number().min(-40).max(-8).default(-20),
  /** Fade in and out at the ends. */
  fadeSec: z.number().min(0).max(10).default(1.5),
  /** Same seed and input, same chords (offline). */
  seed: Seed.optional(),
  name: FileBaseName.default('music'),
});
export type MusicInput = z.input<typeof MusicInput>;

export const MusicOutput = z.object({
  /** Stereo WAV (PCM 16-bit). */
  audio: ArtifactRef,
  /** Measured by ffprobe on the stored track. */
  durationSec: z.number().positive(),
  sampleRate: z.number().int().positive(),
  channels: z.number().int().positive(),
  /** Integrated loudness measured on the stored track (LUFS), for mixing under a voice. */
  loudnessLufs: z.number(),
  /** Measured true peak, dBTP. */
  truePeakDb: z.number(),
  mood: MediaMood,
  tempoBpm: z.number().int().positive().optional(),
  /** Offline: the key and the chord progression played, e.g. "A minor", ["Am","F","C","G"]. */
  key: z.string().optional(),
  chords: z.array(z.string()).optional(),
  seed: z.number().int().nonnegative().optional(),
  prompt: z.string().optional(),
  ...MediaProviderFields,
});
export type MusicOutput = z.infer<typeof MusicOutput>;

// ---- ai.avatar ----

export const AvatarInput = z
  .object({
    /**
     * A portrait artifact (PNG or JPEG) with one face; uploaded to the provider. The offline
     * engine shows it in a circle with a ring that follows the voice (the photo does not move).
     */
    image: ArtifactId.optional(),
    /** Or a portrait the provider can fetch itself (the offline engine fetches nothing: it draws a cartoon presenter). */
    imageUrl: z.url({ protocol: /^https$/ }).optional(),
    /** What the avatar says, voiced by the provider's text-to-speech (offline: the service's ai.tts voice)… */
    text: z.string().trim().min(3).max(5_000).optional(),
    /** …or a voice track artifact (e.g. an ai.tts result's audio) it lip-syncs to. */
    audio: ArtifactId.optional(),
    /** The provider's voice id for `text` (D-ID: a Microsoft voice such as en-US-JennyNeural; offline: an ai.tts voice). */
    voice: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,80}$/)
      .optional(),
    name: FileBaseName.default('avatar'),
  })
  .refine((v) => (v.image === undefined) !== (v.imageUrl === undefined), { message: 'give exactly one of image or imageUrl' })
  .refine((v) => (v.text === undefined) !== (v.audio === undefined), { message: 'give exactly one of text or audio' });
export type AvatarInput = z.input<typeof AvatarInput>;

export const AvatarOutput = z.object({
  /** The talking-head MP4 the provider rendered (offline: 720x720, 25 fps, H.264 + AAC). */
  video: ArtifactRef,
  /** Measured by ffprobe on the stored video. */
  durationSec: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The provider's id for the render (D-ID: the talk id; offline: `offline-<job id>`). */
  providerJobId: z.string(),
  ...MediaProviderFields,
});
export type AvatarOutput = z.infer<typeof AvatarOutput>;

// ---- catalogue ----

/** Provider calls: retried with backoff, a 429 waits without spending an attempt. */
const providerRetry = { maxAttempts: 4, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export const aiMediaTasks = {
  'ai.image': defineTask({
    type: 'ai.image',
    description: "Draws a picture (PNG) for a scene's visual hint: a provider's, or an offline illustration.",
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 3 * 60_000,
    input: ImageInput,
    output: ImageOutput,
  }),
  'ai.music': defineTask({
    type: 'ai.music',
    description: 'Makes a loudness-normalised music bed (WAV) of a given length and mood.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 10 * 60_000,
    input: MusicInput,
    output: MusicOutput,
  }),
  'ai.avatar': defineTask({
    type: 'ai.avatar',
    description:
      "Renders a talking-head video from a portrait and a text or voice track: through a D-ID-style provider, or offline (a presenter animated by the voice's loudness, not lip-sync).",
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 20 * 60_000,
    input: AvatarInput,
    output: AvatarOutput,
  }),
} as const;
