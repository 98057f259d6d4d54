import { z } from 'zod';
import { ArtifactId, ArtifactRef } from '../artifact.js';
import { defineTask } from '../catalogue.js';

/**
 * The `ai` family (services/ai): scripts, hashtags, hook variations, quality checks,
 * text to speech, captions and transcription. Every task has an offline default that
 * works with no keys; a configured provider (OpenAI-compatible, ElevenLabs) sits behind
 * the same contract, and the result always says which one answered.
 */

/** Who produced a result: an offline engine or a provider. */
export const AiProvider = {
  offlineTemplate: 'offline-template',
  offlineAnalysis: 'offline-analysis',
  flite: 'flite',
  espeakNg: 'espeak-ng',
  pocketsphinx: 'pocketsphinx',
  openaiCompatible: 'openai-compatible',
  elevenlabs: 'elevenlabs',
} as const;
export type AiProvider = (typeof AiProvider)[keyof typeof AiProvider];
const AiProviderSchema = z.enum(Object.values(AiProvider) as [AiProvider, ...AiProvider[]]);

/** What a provider reported it used, and what that cost when prices are configured. */
export const AiUsage = z.object({
  requests: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative().optional(),
  completionTokens: z.number().int().nonnegative().optional(),
  totalTokens: z.number().int().nonnegative().optional(),
  /** Characters sent to a speech provider. */
  characters: z.number().int().nonnegative().optional(),
  /** Seconds of audio sent to a transcription provider. */
  audioSeconds: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
});
export type AiUsage = z.infer<typeof AiUsage>;

const ProviderFields = {
  provider: AiProviderSchema,
  model: z.string().optional(),
  usage: AiUsage.optional(),
};

// ---- ai.script ----

export const ScriptScene = z.object({
  index: z.number().int().nonnegative(),
  /** What the narrator says. */
  text: z.string().min(1),
  /** What the viewer sees: a shot or b-roll suggestion. */
  visual: z.string(),
  durationSec: z.number().positive(),
});
export type ScriptScene = z.infer<typeof ScriptScene>;

export const ScriptInput = z
  .object({
    topic: z.string().trim().min(3).max(500),
    audience: z.string().trim().min(1).max(200).default('a general audience'),
    tone: z.enum(['friendly', 'energetic', 'informative', 'serious', 'humorous']).default('friendly'),
    /** Length of the finished video; the narration's words are chosen to fill it at the voice's speaking rate. */
    targetSeconds: z.number().int().min(10).max(600).default(45),
    /** Seconds of the video that carry no narration (a title card, an outro): the narration fills the rest. */
    reservedSeconds: z.number().min(0).max(60).default(0),
    /** Exactly this many scenes (a picture each, downstream); the writer's own choice when left out. */
    sceneCount: z.number().int().min(1).max(30).optional(),
  })
  .refine((v) => v.targetSeconds - v.reservedSeconds >= 5, {
    path: ['reservedSeconds'],
    message: 'leave at least 5 seconds of targetSeconds for the narration',
  });
export type ScriptInput = z.input<typeof ScriptInput>;

export const ScriptOutput = z.object({
  title: z.string(),
  hook: z.string(),
  scenes: z.array(ScriptScene).min(1),
  totalSeconds: z.number().positive(),
  wordCount: z.number().int().nonnegative(),
  ...ProviderFields,
});
export type ScriptOutput = z.infer<typeof ScriptOutput>;

// ---- ai.hashtags ----

export const HashtagsInput = z.object({
  text: z.string().trim().min(3).max(20_000),
  count: z.number().int().min(1).max(30).default(8),
  platform: z.enum(['generic', 'tiktok', 'instagram', 'youtube', 'x']).default('generic'),
});
export type HashtagsInput = z.input<typeof HashtagsInput>;

export const HashtagsOutput = z.object({
  /** Each starts with `#`, letters and digits only, most relevant first. */
  hashtags: z.array(z.string().regex(/^#[\p{L}\p{N}]+$/u)),
  ...ProviderFields,
});
export type HashtagsOutput = z.infer<typeof HashtagsOutput>;

// ---- ai.variations ----

export const VariationsInput = z.object({
  /** A hook line, or the topic to write hooks for. */
  text: z.string().trim().min(3).max(2_000),
  count: z.number().int().min(1).max(10).default(3),
});
export type VariationsInput = z.input<typeof VariationsInput>;

export const HookVariation = z.object({
  text: z.string().min(1),
  /** The device it uses: question, statistic, contrarian, promise… */
  angle: z.string(),
});
export type HookVariation = z.infer<typeof HookVariation>;

export const VariationsOutput = z.object({
  variations: z.array(HookVariation).min(1),
  ...ProviderFields,
});
export type VariationsOutput = z.infer<typeof VariationsOutput>;

// ---- ai.quality ----

export const QualityInput = z.object({
  text: z.string().trim().min(1).max(20_000),
  /** The slot the narration must fit; pacing is judged against it when given. */
  targetSeconds: z.number().positive().max(3_600).optional(),
  /** Narration speed the voice will use. */
  wordsPerSecond: z.number().min(1).max(5).default(2.5),
});
export type QualityInput = z.input<typeof QualityInput>;

export const QualityCheck = z.object({
  name: z.string(),
  passed: z.boolean(),
  /** 0–100 for this check. */
  score: z.number().min(0).max(100),
  reason: z.string(),
});
export type QualityCheck = z.infer<typeof QualityCheck>;

export const QualityMetrics = z.object({
  words: z.number().int().nonnegative(),
  sentences: z.number().int().nonnegative(),
  syllables: z.number().int().nonnegative(),
  /** Flesch reading ease: 60–80 is plain English; higher is easier. */
  fleschReadingEase: z.number(),
  averageWordsPerSentence: z.number().nonnegative(),
  longestSentenceWords: z.number().int().nonnegative(),
  /** How long the narration takes at `wordsPerSecond`. */
  estimatedSeconds: z.number().nonnegative(),
  /** Words per second needed to fit `targetSeconds` (when given). */
  requiredWordsPerSecond: z.number().nonnegative().optional(),
});
export type QualityMetrics = z.infer<typeof QualityMetrics>;

export const QualityOutput = z.object({
  /** 0–100. */
  score: z.number().min(0).max(100),
  passed: z.boolean(),
  checks: z.array(QualityCheck).min(1),
  metrics: QualityMetrics,
  ...ProviderFields,
});
export type QualityOutput = z.infer<typeof QualityOutput>;

// ---- ai.tts ----

export const TtsInput = z
  .object({
    text: z.string().trim().min(1).max(20_000).optional(),
    /** A script (e.g. an ai.script result): its scenes are read in order. */
    script: z
      .object({ scenes: z.array(z.object({ text: z.string().min(1) }).passthrough()).min(1) })
      .passthrough()
      .optional(),
    /** Offline: a flite voice (slt, kal, awb, rms) or an espeak-ng voice (en-us…); provider: its voice name or id. */
    voice: z
      .string()
      .regex(/^[A-Za-z0-9_+.-]{1,64}$/)
      .optional(),
    /** Speaking speed, 1 = the voice's normal pace. */
    rate: z.number().min(0.5).max(2).default(1),
    /** Pitch relative to the voice's own, 1 = unchanged (offline voices only). */
    pitch: z.number().min(0.5).max(2).default(1),
    /** Silence between sentences. */
    pauseMs: z.number().int().min(0).max(3_000).default(250),
  })
  .refine((v) => (v.text === undefined) !== (v.script === undefined), { message: 'give exactly one of text or script' });
export type TtsInput = z.input<typeof TtsInput>;

export const TimedSentence = z.object({
  index: z.number().int().nonnegative(),
  text: z.string().min(1),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  /** The script scene it belongs to, when synthesized from a script. */
  sceneIndex: z.number().int().nonnegative().optional(),
});
export type TimedSentence = z.infer<typeof TimedSentence>;

export const TimedWord = z.object({
  word: z.string().min(1),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  /** 0–1 where the engine reports it. */
  confidence: z.number().min(0).max(1).optional(),
});
export type TimedWord = z.infer<typeof TimedWord>;

/** Where each word's times came from. */
export const WordTimingSource = z.enum(['engine', 'forced-alignment', 'proportional']);
export type WordTimingSource = z.infer<typeof WordTimingSource>;

export const CaptionWord = TimedWord.extend({
  sentenceIndex: z.number().int().nonnegative(),
  source: WordTimingSource,
});
export type CaptionWord = z.infer<typeof CaptionWord>;

export const TtsOutput = z.object({
  audio: ArtifactRef,
  /** Measured by ffprobe on the finished track. */
  durationSec: z.number().positive(),
  sampleRate: z.number().int().positive(),
  voice: z.string(),
  sentences: z.array(TimedSentence).min(1),
  /**
   * Every word's times on the track as the voice engine reported them (source `engine`),
   * for ai.captions' `words`. Empty when the engine reports none (offline voices,
   * OpenAI-compatible speech) or left one sentence untimed: captions then force-align
   * the voice. Absent in results written before engines reported words.
   */
  words: z.array(CaptionWord).optional(),
  ...ProviderFields,
});
export type TtsOutput = z.infer<typeof TtsOutput>;

// ---- ai.captions ----

const CaptionColour = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour like #FFCC00');

/**
 * Word captions, TikTok style: a few words at a time in large type, the word being
 * said highlighted (colour and a small pop), written as an ASS script for a frame of
 * width × height that media.render burns in as is.
 */
export const WordCaptionStyle = z.object({
  /** The frame the script is laid out for (the render's output size). */
  width: z.number().int().min(16).max(8192).default(1080),
  height: z.number().int().min(16).max(8192).default(1920),
  /** Text height in pixels of that frame. */
  fontSizePx: z.number().int().min(8).max(400).default(84),
  colour: CaptionColour.default('#FFFFFF'),
  highlightColour: CaptionColour.default('#FFD400'),
  outlineColour: CaptionColour.default('#000000'),
  outlinePx: z.number().min(0).max(20).default(5),
  /** `bottom` with the default margin is the lower third, clear of TikTok's and Reels' own captions and buttons. */
  position: z.enum(['bottom', 'middle', 'top']).default('bottom'),
  /**
   * Distance from the top or bottom edge (bottom and top positions), in pixels of the
   * frame. Left out: 22% of the height on an upright frame (the platforms' UI covers
   * about the bottom fifth), 8% on a landscape or square one.
   */
  marginPx: z.number().int().min(0).max(2000).optional(),
  font: z
    .string()
    .regex(/^[A-Za-z0-9 -]{1,64}$/)
    .default('DejaVu Sans'),
  maxWordsPerCue: z.number().int().min(1).max(8).default(3),
  uppercase: z.boolean().default(true),
});
export type WordCaptionStyle = z.input<typeof WordCaptionStyle>;

export const CaptionsInput = z.object({
  /** The voice timings: an ai.tts result's `sentences` (their text is the script). */
  sentences: z.array(TimedSentence).min(1),
  /** Vertical video wants short lines. */
  maxCharsPerLine: z.number().int().min(10).max(80).default(32),
  maxLines: z.number().int().min(1).max(3).default(2),
  maxCueSeconds: z.number().min(0.5).max(10).default(3),
  /** Base name of the subtitle files. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('captions'),
  /** The voice track the sentences time (an ai.tts result's audio): each word is force-aligned against it (pocketsphinx). */
  audio: ArtifactId.optional(),
  /**
   * Per-word timings the voice engine reported itself (an ai.tts result's `words`); used
   * as given, before any alignment. Empty counts as none: `audio` is then force-aligned.
   */
  words: z.array(TimedWord).max(20_000).optional(),
  /** Also write word captions (an ASS script) in this style. */
  wordCaptions: WordCaptionStyle.optional(),
  /** How long the last scene stays after the voice ends (for `scenes`). */
  sceneTailSec: z.number().min(0).max(10).default(0.6),
});
export type CaptionsInput = z.input<typeof CaptionsInput>;

export const CaptionCue = z.object({
  index: z.number().int().positive(),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  lines: z.array(z.string()).min(1),
  /** The sentence (or transcript segment) the cue belongs to. */
  sentenceIndex: z.number().int().nonnegative(),
});
export type CaptionCue = z.infer<typeof CaptionCue>;

/** A script scene's time on screen, from its sentences' voice timings: scene k starts when its first sentence does. */
export const CaptionScene = z.object({
  sceneIndex: z.number().int().nonnegative(),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  durationSec: z.number().positive(),
});
export type CaptionScene = z.infer<typeof CaptionScene>;

export const CaptionsOutput = z.object({
  srt: ArtifactRef,
  vtt: ArtifactRef,
  cues: z.array(CaptionCue).min(1),
  /** The word captions script, when `wordCaptions` was asked for. */
  ass: ArtifactRef.optional(),
  words: z.array(CaptionWord).optional(),
  /** Sentences whose words were force-aligned, and those that fell back to proportional timing. */
  alignment: z.object({ aligned: z.number().int().nonnegative(), fellBack: z.number().int().nonnegative() }).optional(),
  /** Per script scene, when the sentences carry sceneIndex: what media.render's scene durations follow. */
  scenes: z.array(CaptionScene).optional(),
});
export type CaptionsOutput = z.infer<typeof CaptionsOutput>;

// ---- ai.transcribe ----

export const TranscribeInput = z.object({
  /** An audio or video artifact. */
  audio: ArtifactId,
  /** ISO-639-1; the offline recognizer knows English only. */
  language: z
    .string()
    .regex(/^[a-z]{2}$/)
    .default('en'),
  /** Words and names the provider should expect (ignored offline). */
  prompt: z.string().max(1_000).optional(),
});
export type TranscribeInput = z.input<typeof TranscribeInput>;

export const TranscriptSegment = z.object({
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  text: z.string(),
});
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;

export const TranscribeOutput = z.object({
  text: z.string(),
  language: z.string(),
  durationSec: z.number().nonnegative(),
  words: z.array(TimedWord),
  segments: z.array(TranscriptSegment),
  srt: ArtifactRef,
  /** What to expect of this engine's accuracy (the offline one especially). */
  accuracyNote: z.string().optional(),
  ...ProviderFields,
});
export type TranscribeOutput = z.infer<typeof TranscribeOutput>;

// ---- catalogue ----

/** Provider calls: retried with backoff, a 429 waits without spending an attempt. */
const providerRetry = { maxAttempts: 4, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export const aiTasks = {
  'ai.script': defineTask({
    type: 'ai.script',
    description: 'Writes a narrated video script (scenes with text, visual and duration) for a topic.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 3 * 60_000,
    input: ScriptInput,
    output: ScriptOutput,
  }),
  'ai.hashtags': defineTask({
    type: 'ai.hashtags',
    description: 'Suggests hashtags for a text, most relevant first.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 2 * 60_000,
    input: HashtagsInput,
    output: HashtagsOutput,
  }),
  'ai.variations': defineTask({
    type: 'ai.variations',
    description: 'Writes A/B variations of a hook line.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 2 * 60_000,
    input: VariationsInput,
    output: VariationsOutput,
  }),
  'ai.quality': defineTask({
    type: 'ai.quality',
    description: 'Scores a script for readability, length and pacing, with reasons.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 2 * 60_000,
    input: QualityInput,
    output: QualityOutput,
  }),
  'ai.tts': defineTask({
    type: 'ai.tts',
    description:
      'Reads a text or script aloud into a WAV voice track with per-sentence timings, and per-word timings where the engine gives them.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 15 * 60_000,
    input: TtsInput,
    output: TtsOutput,
  }),
  'ai.captions': defineTask({
    type: 'ai.captions',
    description: 'Makes SRT and WebVTT captions that follow the voice timings, sized for vertical video.',
    queue: 'ai',
    hardTimeoutMs: 60_000,
    input: CaptionsInput,
    output: CaptionsOutput,
  }),
  'ai.transcribe': defineTask({
    type: 'ai.transcribe',
    description: 'Transcribes an audio or video artifact to text, word timings and SRT.',
    queue: 'ai',
    retry: providerRetry,
    hardTimeoutMs: 30 * 60_000,
    input: TranscribeInput,
    output: TranscribeOutput,
  }),
} as const;
