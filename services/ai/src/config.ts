/**
 * The ai service's configuration: the runtime's variables plus provider settings.
 * Parsed once in main.ts; nothing else reads process.env. Every provider is optional:
 * with none configured each task runs on its offline engine.
 */
import { envInt, HealthEnv, RecycleEnv, RuntimeEnv } from '@reelay/runtime';
import { z } from 'zod';

const optionalUrl = () => z.url({ protocol: /^https?$/ }).optional();
const optionalPrice = () => z.coerce.number().nonnegative().optional();

export const AiEnv = RuntimeEnv.extend({
  ...HealthEnv.shape,
  ...RecycleEnv.shape,
  AI_CONCURRENCY: envInt(2, 1).describe('Concurrent ai.* jobs in this process (synthesis and recognition are CPU-bound).'),
  AI_BASE_URL: optionalUrl().describe(
    'OpenAI-compatible API base, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama). Unset: text tasks run offline.',
  ),
  AI_API_KEY: z.string().optional().describe('Bearer key for AI_BASE_URL (and the speech/transcription URLs unless they have their own).'),
  AI_MODEL: z.string().default('gpt-4o-mini').describe('Chat model for ai.script, ai.hashtags, ai.variations and ai.quality.'),
  AI_TIMEOUT_MS: envInt(60_000, 1_000).describe('Per-request timeout for provider calls; a timeout is retried.'),
  AI_REQUESTS_PER_MINUTE: envInt(60, 0).describe('Provider requests per minute across all replicas (0 = no limit).'),
  AI_TOKENS_PER_MINUTE: envInt(0, 0).describe('Chat tokens per minute across all replicas (0 = no limit).'),
  AI_PRICE_INPUT_PER_1M_TOKENS_USD: optionalPrice().describe('Price of 1M prompt tokens; with it the job result records a cost.'),
  AI_PRICE_OUTPUT_PER_1M_TOKENS_USD: optionalPrice().describe('Price of 1M completion tokens.'),

  AI_TTS_PROVIDER: z
    .enum(['offline', 'openai', 'elevenlabs'])
    .default('offline')
    .describe('ai.tts engine: offline (flite, espeak-ng fallback), openai (/audio/speech) or elevenlabs.'),
  AI_TTS_BASE_URL: optionalUrl().describe('OpenAI-compatible speech API base; defaults to AI_BASE_URL.'),
  AI_TTS_API_KEY: z.string().optional().describe('Key for AI_TTS_BASE_URL; defaults to AI_API_KEY.'),
  AI_TTS_MODEL: z.string().default('tts-1').describe('Speech model (openai provider).'),
  AI_TTS_VOICE: z.string().default('alloy').describe('Default provider voice when a job names none.'),
  AI_TTS_OFFLINE_VOICE: z.string().default('slt').describe('Default offline voice: a flite voice (slt, kal, awb, rms) or espeak-ng voice.'),
  AI_TTS_PRICE_PER_1M_CHARS_USD: optionalPrice().describe('Speech price per 1M characters, for the recorded cost.'),
  ELEVENLABS_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://api.elevenlabs.io')
    .describe('ElevenLabs API base.'),
  ELEVENLABS_API_KEY: z.string().optional().describe('ElevenLabs key (xi-api-key); required when AI_TTS_PROVIDER=elevenlabs.'),
  ELEVENLABS_MODEL: z.string().default('eleven_multilingual_v2').describe('ElevenLabs model id.'),

  AI_STT_PROVIDER: z
    .enum(['offline', 'openai'])
    .default('offline')
    .describe('ai.transcribe engine: offline (pocketsphinx, English) or openai (/audio/transcriptions, Whisper servers).'),
  AI_STT_BASE_URL: optionalUrl().describe('OpenAI-compatible transcription API base; defaults to AI_BASE_URL.'),
  AI_STT_API_KEY: z.string().optional().describe('Key for AI_STT_BASE_URL; defaults to AI_API_KEY.'),
  AI_STT_MODEL: z.string().default('whisper-1').describe('Transcription model (openai provider).'),
  AI_STT_PRICE_PER_MINUTE_USD: optionalPrice().describe('Transcription price per audio minute, for the recorded cost.'),
  POCKETSPHINX_MODEL_DIR: z
    .string()
    .default('/usr/share/pocketsphinx/model/en-us')
    .describe('pocketsphinx English model directory (en-us/, en-us.lm.bin, cmudict-en-us.dict).'),

  AI_IMAGE_PROVIDER: z
    .enum(['offline', 'openai'])
    .default('offline')
    .describe('ai.image engine: offline (procedural illustrator, resvg) or openai (/images/generations; OpenAI and self-hosted servers).'),
  AI_IMAGE_BASE_URL: optionalUrl().describe('OpenAI-compatible images API base; defaults to AI_BASE_URL.'),
  AI_IMAGE_API_KEY: z.string().optional().describe('Key for AI_IMAGE_BASE_URL; defaults to AI_API_KEY.'),
  AI_IMAGE_MODEL: z.string().default('gpt-image-1').describe('Image model (openai provider).'),
  AI_IMAGE_SIZE: z
    .string()
    .regex(/^(auto|\d{2,5}x\d{2,5})$/)
    .default('1024x1536')
    .describe("Size asked of the provider (one the model supports); the picture is then cropped to the job's width x height."),
  AI_IMAGE_RESPONSE_FORMAT: z
    .enum(['auto', 'b64_json', 'url'])
    .default('auto')
    .describe('response_format sent to the provider; auto: none for gpt-image-* models (they always answer b64_json), b64_json otherwise.'),
  AI_IMAGE_PRICE_PER_IMAGE_USD: optionalPrice().describe('Price of one generated image, for the recorded cost.'),

  AI_MUSIC_PROVIDER: z
    .enum(['offline', 'elevenlabs'])
    .default('offline')
    .describe('ai.music engine: offline (chords and arpeggios synthesised with ffmpeg) or elevenlabs (/v1/music).'),
  ELEVENLABS_MUSIC_MODEL: z.string().default('music_v1').describe('ElevenLabs music model id (AI_MUSIC_PROVIDER=elevenlabs).'),
  AI_MUSIC_PRICE_PER_MINUTE_USD: optionalPrice().describe('Music price per generated minute, for the recorded cost.'),

  AI_AVATAR_PROVIDER: z
    .enum(['offline-avatar', 'd-id', 'none'])
    .default('offline-avatar')
    .describe(
      "ai.avatar engine: offline-avatar (a 720x720 presenter animated by the voice's loudness, rendered with resvg and ffmpeg; not lip-sync), d-id (talks API), or none (ai.avatar jobs fail with PROVIDER_NOT_CONFIGURED).",
    ),
  DID_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://api.d-id.com')
    .describe('D-ID API base.'),
  DID_API_KEY: z.string().optional().describe('D-ID key as the Studio issues it (API_USER:API_PASSWORD), sent as Authorization: Basic.'),
  DID_VOICE: z.string().default('en-US-JennyNeural').describe('Microsoft voice D-ID speaks a text script with when a job names none.'),
  AI_AVATAR_POLL_MS: envInt(2_000, 100).describe('How often a running D-ID talk is polled for its result.'),
}).superRefine((env, ctx) => {
  if (env.AI_TTS_PROVIDER === 'openai' && !env.AI_TTS_BASE_URL && !env.AI_BASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['AI_TTS_BASE_URL'], message: 'AI_TTS_PROVIDER=openai needs AI_TTS_BASE_URL or AI_BASE_URL' });
  }
  if (env.AI_TTS_PROVIDER === 'elevenlabs' && !env.ELEVENLABS_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['ELEVENLABS_API_KEY'], message: 'AI_TTS_PROVIDER=elevenlabs needs ELEVENLABS_API_KEY' });
  }
  if (env.AI_STT_PROVIDER === 'openai' && !env.AI_STT_BASE_URL && !env.AI_BASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['AI_STT_BASE_URL'], message: 'AI_STT_PROVIDER=openai needs AI_STT_BASE_URL or AI_BASE_URL' });
  }
  if (env.AI_IMAGE_PROVIDER === 'openai' && !env.AI_IMAGE_BASE_URL && !env.AI_BASE_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['AI_IMAGE_BASE_URL'],
      message: 'AI_IMAGE_PROVIDER=openai needs AI_IMAGE_BASE_URL or AI_BASE_URL',
    });
  }
  if (env.AI_MUSIC_PROVIDER === 'elevenlabs' && !env.ELEVENLABS_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['ELEVENLABS_API_KEY'], message: 'AI_MUSIC_PROVIDER=elevenlabs needs ELEVENLABS_API_KEY' });
  }
  if (env.AI_AVATAR_PROVIDER === 'd-id' && !env.DID_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['DID_API_KEY'], message: 'AI_AVATAR_PROVIDER=d-id needs DID_API_KEY' });
  }
});
export type AiEnv = z.output<typeof AiEnv>;
