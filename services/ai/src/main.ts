/**
 * services/ai — serves the `ai` queue: scripts, hashtags, hook variations, quality
 * checks, text to speech, captions and transcription. Every task runs offline with no
 * keys (templates, text analysis, flite/espeak-ng, pocketsphinx); configured providers
 * (OpenAI-compatible, ElevenLabs) take over behind the same contracts.
 * Config is parsed here, once; nothing else reads process.env.
 */
import { onShutdownSignal, parseEnvOrExit, startServiceRuntime, Worker } from '@reelay/runtime';
import { AiEnv } from './config.js';
import { buildDeps } from './tasks/build-deps.js';
import { captionsHandler } from './tasks/captions.js';
import { hashtagsHandler } from './tasks/hashtags.js';
import { qualityHandler } from './tasks/quality.js';
import { scriptHandler } from './tasks/script.js';
import { transcribeHandler } from './tasks/transcribe.js';
import { ttsHandler } from './tasks/tts.js';
import { variationsHandler } from './tasks/variations.js';

const config = parseEnvOrExit(AiEnv, process.env, 'ai');
const runtime = await startServiceRuntime('ai', config);
const deps = buildDeps(config, runtime.buckets);
const worker = new Worker(
  { ctx: runtime.ctx, logger: runtime.logger, buckets: runtime.buckets, artifacts: runtime.artifacts, jobs: runtime.jobs },
  {
    service: 'ai',
    queues: ['ai'],
    concurrency: config.AI_CONCURRENCY,
    handlers: {
      'ai.script': scriptHandler(deps),
      'ai.hashtags': hashtagsHandler(deps),
      'ai.variations': variationsHandler(deps),
      'ai.quality': qualityHandler(deps),
      'ai.tts': ttsHandler(deps),
      'ai.captions': captionsHandler(),
      'ai.transcribe': transcribeHandler(deps),
    },
    ackWaitMs: config.ACK_WAIT_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  },
);
await worker.start();
// Which engines answer, never their keys.
runtime.logger.info(
  {
    chat: deps.chat ? `openai-compatible (${config.AI_MODEL})` : 'offline',
    tts: config.AI_TTS_PROVIDER,
    stt: config.AI_STT_PROVIDER,
  },
  'ai ready',
);
onShutdownSignal(runtime.logger, async () => {
  await worker.stop();
  await runtime.close();
});
