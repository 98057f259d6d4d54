/**
 * Chooses each task's engine from the parsed config: a configured provider, or the
 * offline default. Provider clients share one rate budget per endpoint name, kept in
 * the rateLimits KV bucket so every replica counts against the same limits.
 */
import type { Buckets } from '@reelay/runtime';
import type { AiEnv } from '../config.js';
import { ChatClient, ProviderHttp, type ProviderHttpOptions, RequestBudget } from '@reelay/ai-providers';
import { DidTalks } from '../avatar/did-talks.js';
import type { AvatarEngine } from '../avatar/avatar-engine.js';
import { OfflineAvatar } from '../avatar/offline-avatar.js';
import type { ImageEngine } from '../images/image-engine.js';
import { OfflineIllustrator } from '../images/offline-illustrator.js';
import { OpenAiImages } from '../images/openai-images.js';
import { ElevenLabsMusic } from '../music/elevenlabs-music.js';
import type { MusicEngine } from '../music/music-engine.js';
import { OfflineSynth } from '../music/offline-synth.js';
import { ElevenLabsSpeech } from '../providers/elevenlabs-speech.js';
import { OpenAiSpeech } from '../providers/openai-speech.js';
import { OpenAiTranscription } from '../providers/openai-transcription.js';
import { OfflineSynthesizer } from '../voice/offline-synthesizer.js';
import { PocketsphinxRecognizer } from '../voice/pocketsphinx-recognizer.js';
import type { Synthesizer } from '../voice/synthesizer.js';
import type { Transcriber } from '../voice/transcriber.js';
import type { AiDeps } from './ai-deps.js';

export function buildDeps(config: AiEnv, buckets: Buckets): AiDeps {
  const budget = (name: string, tokensPerMinute = 0) =>
    new RequestBudget(buckets.rateLimits, name, { requestsPerMinute: config.AI_REQUESTS_PER_MINUTE, tokensPerMinute });
  const http = (
    name: string,
    baseUrl: string,
    apiKey: string | undefined,
    b: RequestBudget,
    auth: ProviderHttpOptions['auth'] = 'bearer',
  ) => new ProviderHttp({ name, baseUrl, apiKey, auth, timeoutMs: config.AI_TIMEOUT_MS, budget: b });

  let chat: ChatClient | undefined;
  if (config.AI_BASE_URL) {
    const chatBudget = budget('openai-compatible-chat', config.AI_TOKENS_PER_MINUTE);
    chat = new ChatClient(
      http('openai-compatible', config.AI_BASE_URL, config.AI_API_KEY, chatBudget),
      config.AI_MODEL,
      { inputPer1MTokensUsd: config.AI_PRICE_INPUT_PER_1M_TOKENS_USD, outputPer1MTokensUsd: config.AI_PRICE_OUTPUT_PER_1M_TOKENS_USD },
      chatBudget,
    );
  }

  let synthesizer: Synthesizer;
  const speechPrices = { per1MCharactersUsd: config.AI_TTS_PRICE_PER_1M_CHARS_USD };
  if (config.AI_TTS_PROVIDER === 'openai') {
    const base = (config.AI_TTS_BASE_URL ?? config.AI_BASE_URL)!;
    const key = config.AI_TTS_API_KEY ?? config.AI_API_KEY;
    synthesizer = new OpenAiSpeech(
      http('openai-compatible-speech', base, key, budget('openai-compatible-speech')),
      config.AI_TTS_MODEL,
      config.AI_TTS_VOICE,
      speechPrices,
    );
  } else if (config.AI_TTS_PROVIDER === 'elevenlabs') {
    const h = http('elevenlabs', config.ELEVENLABS_BASE_URL, config.ELEVENLABS_API_KEY, budget('elevenlabs'), 'xi-api-key');
    synthesizer = new ElevenLabsSpeech(h, config.ELEVENLABS_MODEL, config.AI_TTS_VOICE, speechPrices);
  } else {
    synthesizer = new OfflineSynthesizer(config.AI_TTS_OFFLINE_VOICE);
  }

  let transcriber: Transcriber;
  if (config.AI_STT_PROVIDER === 'openai') {
    const base = (config.AI_STT_BASE_URL ?? config.AI_BASE_URL)!;
    const key = config.AI_STT_API_KEY ?? config.AI_API_KEY;
    transcriber = new OpenAiTranscription(
      http('openai-compatible-transcription', base, key, budget('openai-compatible-transcription')),
      config.AI_STT_MODEL,
      {
        perAudioMinuteUsd: config.AI_STT_PRICE_PER_MINUTE_USD,
      },
    );
  } else {
    transcriber = new PocketsphinxRecognizer(config.POCKETSPHINX_MODEL_DIR);
  }

  let images: ImageEngine = new OfflineIllustrator();
  if (config.AI_IMAGE_PROVIDER === 'openai') {
    const base = (config.AI_IMAGE_BASE_URL ?? config.AI_BASE_URL)!;
    const key = config.AI_IMAGE_API_KEY ?? config.AI_API_KEY;
    images = new OpenAiImages(http('openai-compatible-images', base, key, budget('openai-compatible-images')), {
      model: config.AI_IMAGE_MODEL,
      size: config.AI_IMAGE_SIZE,
      responseFormat: config.AI_IMAGE_RESPONSE_FORMAT,
      timeoutMs: config.AI_TIMEOUT_MS,
      pricePerImageUsd: config.AI_IMAGE_PRICE_PER_IMAGE_USD,
    });
  }

  let music: MusicEngine = new OfflineSynth();
  if (config.AI_MUSIC_PROVIDER === 'elevenlabs') {
    // Its own budget name: music and speech count separately against the same account.
    const h = http('elevenlabs', config.ELEVENLABS_BASE_URL, config.ELEVENLABS_API_KEY, budget('elevenlabs-music'), 'xi-api-key');
    music = new ElevenLabsMusic(h, config.ELEVENLABS_MUSIC_MODEL, config.AI_MUSIC_PRICE_PER_MINUTE_USD);
  }

  let avatar: AvatarEngine | undefined;
  if (config.AI_AVATAR_PROVIDER === 'offline-avatar') avatar = new OfflineAvatar(synthesizer);
  else if (config.AI_AVATAR_PROVIDER === 'd-id') {
    const h = http('d-id', config.DID_BASE_URL, config.DID_API_KEY, budget('d-id'), 'basic');
    avatar = new DidTalks(h, { defaultVoice: config.DID_VOICE, pollIntervalMs: config.AI_AVATAR_POLL_MS, timeoutMs: config.AI_TIMEOUT_MS });
  }
  return { chat, synthesizer, transcriber, images, music, avatar };
}
