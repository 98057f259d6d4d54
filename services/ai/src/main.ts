/**
 * services/ai — serves the `ai` queue: scripts, hashtags, hook variations, quality
 * checks, text to speech, captions and transcription. Every task runs offline with no
 * keys (templates, text analysis, flite/espeak-ng, pocketsphinx); configured providers
 * (OpenAI-compatible, ElevenLabs) take over behind the same contracts.
 * Config is parsed here, once; nothing else reads process.env.
 */
import { aiMediaTasks, aiTasks } from '@reelay/contracts';
import { implementTask, onShutdownSignal, parseEnvOrExit, startServiceRuntime, Worker, workerTasks, recycleOptions } from '@reelay/runtime';
import { AiEnv } from './config.js';
import { avatarHandler } from './tasks/avatar.js';
import { buildDeps } from './tasks/build-deps.js';
import { captionsHandler } from './tasks/captions.js';
import { hashtagsHandler } from './tasks/hashtags.js';
import { imageHandler } from './tasks/image.js';
import { musicHandler } from './tasks/music.js';
import { qualityHandler } from './tasks/quality.js';
import { scriptHandler } from './tasks/script.js';
import { transcribeHandler } from './tasks/transcribe.js';
import { ttsHandler } from './tasks/tts.js';
import { variationsHandler } from './tasks/variations.js';

const config = parseEnvOrExit(AiEnv, process.env, 'ai');
const runtime = await startServiceRuntime('ai', config);
const deps = buildDeps(config, runtime.buckets);
// Through the public worker API, as a custom worker would: each handler is typed from its
// definition, and the worker parses every job's input against it before the handler runs.
const { handlers, tasks } = workerTasks([
  implementTask(aiTasks['ai.script'], scriptHandler(deps)),
  implementTask(aiTasks['ai.hashtags'], hashtagsHandler(deps)),
  implementTask(aiTasks['ai.variations'], variationsHandler(deps)),
  implementTask(aiTasks['ai.quality'], qualityHandler(deps)),
  implementTask(aiTasks['ai.tts'], ttsHandler(deps)),
  implementTask(aiTasks['ai.captions'], captionsHandler({ modelDir: config.POCKETSPHINX_MODEL_DIR })),
  implementTask(aiTasks['ai.transcribe'], transcribeHandler(deps)),
  implementTask(aiMediaTasks['ai.image'], imageHandler(deps)),
  implementTask(aiMediaTasks['ai.music'], musicHandler(deps)),
  implementTask(aiMediaTasks['ai.avatar'], avatarHandler(deps)),
]);
const worker = new Worker(runtime.workerDeps, {
  service: 'ai',
  ...recycleOptions(config),
  queues: ['ai'],
  concurrency: config.AI_CONCURRENCY,
  handlers,
  tasks,
  ackWaitMs: config.ACK_WAIT_MS,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
await worker.start();
// Which engines answer, never their keys.
runtime.logger.info(
  {
    chat: deps.chat ? `openai-compatible (${config.AI_MODEL})` : 'offline',
    tts: config.AI_TTS_PROVIDER,
    stt: config.AI_STT_PROVIDER,
    image: config.AI_IMAGE_PROVIDER,
    music: config.AI_MUSIC_PROVIDER,
    avatar: config.AI_AVATAR_PROVIDER,
  },
  'ai ready',
);
onShutdownSignal(runtime.logger, async () => {
  await worker.stop();
  await runtime.close();
});
