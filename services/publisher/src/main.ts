/**
 * services/publisher — serves the `publish` queue: puts a finished video where it belongs
 * (YouTube, TikTok, Instagram, X, a signed webhook, a folder), exactly once. Each
 * publication is recorded in KV `publications` before and after the remote call, so a
 * redelivered job resumes its upload or returns the recorded result instead of posting twice.
 * It does not render or transcode: inputs are finished artifacts.
 */
import { PLATFORM_ACCOUNT_QUOTAS, publishTasks } from '@reelay/contracts';
import {
  ConfigError,
  implementTask,
  onShutdownSignal,
  parseEnvOrExit,
  RateLimiter,
  startServiceRuntime,
  Worker,
  workerTasks,
  recycleOptions,
} from '@reelay/runtime';
import { AccessTokens } from './access-tokens.js';
import { signArtifactUrl } from './artifact-links.js';
import { PublisherEnv } from './config.js';
import { Credentials } from './credentials.js';
import { InstagramPlatform } from './platforms/instagram.js';
import { TiktokPlatform } from './platforms/tiktok.js';
import { XPlatform } from './platforms/x.js';
import { YoutubePlatform } from './platforms/youtube.js';
import { Publications } from './publications.js';
import { publishFolderHandler } from './tasks/publish-folder.js';
import { publishVideoHandler } from './tasks/publish-video.js';
import { publishWebhookHandler } from './tasks/publish-webhook.js';

const config = parseEnvOrExit(PublisherEnv, process.env, 'publisher');
let credentials: Credentials;
try {
  credentials = await Credentials.load(config.PUBLISH_CREDENTIALS_FILE);
} catch (err) {
  process.stderr.write(`publisher: cannot start, ${(err as Error).message}\n`);
  process.exit(78);
}

const runtime = await startServiceRuntime('publisher', config);
const publications = new Publications(runtime.buckets.publications);
const tokens = new AccessTokens({
  youtube: config.YOUTUBE_TOKEN_URL,
  tiktok: `${config.TIKTOK_BASE_URL}/v2/oauth/token/`,
  x: `${config.X_BASE_URL}/2/oauth2/token`,
});
const poll = { intervalMs: config.PUBLISH_POLL_INTERVAL_MS, timeoutMs: config.PUBLISH_POLL_TIMEOUT_MS };
const videoDeps = {
  credentials,
  tokens,
  publications,
  rateLimiter: new RateLimiter(runtime.buckets.rateLimits),
  quotas: { ...PLATFORM_ACCOUNT_QUOTAS, ...config.PUBLISH_ACCOUNT_QUOTAS },
  httpTimeoutMs: config.PUBLISH_HTTP_TIMEOUT_MS,
};

const instagram = new InstagramPlatform({
  baseUrl: config.INSTAGRAM_BASE_URL,
  videoUrl: (artifactId) => {
    if (!config.PUBLIC_LINK_BASE_URL || !config.PUBLIC_LINK_SECRET) {
      throw new ConfigError(['PUBLIC_LINK_BASE_URL and PUBLIC_LINK_SECRET must be set for publish.instagram']);
    }
    return signArtifactUrl(
      config.PUBLIC_LINK_BASE_URL,
      artifactId,
      config.PUBLIC_LINK_SECRET,
      new Date(Date.now() + config.PUBLIC_LINK_TTL_S * 1_000),
    );
  },
  poll,
});

// Through the public worker API, as a custom worker would: each handler is typed from its
// definition, and the worker parses every job's input against it before the handler runs,
// so input that breaks its contract is a permanent INVALID_INPUT, never a retried one.
const { handlers, tasks } = workerTasks([
  implementTask(
    publishTasks['publish.youtube'],
    publishVideoHandler(new YoutubePlatform({ baseUrl: config.YOUTUBE_BASE_URL, chunkBytes: config.YOUTUBE_CHUNK_BYTES }), videoDeps),
  ),
  implementTask(
    publishTasks['publish.tiktok'],
    publishVideoHandler(new TiktokPlatform({ baseUrl: config.TIKTOK_BASE_URL, chunkBytes: config.TIKTOK_CHUNK_BYTES, poll }), videoDeps),
  ),
  implementTask(publishTasks['publish.instagram'], publishVideoHandler(instagram, videoDeps)),
  implementTask(
    publishTasks['publish.x'],
    publishVideoHandler(
      new XPlatform({ baseUrl: config.X_BASE_URL, uploadBaseUrl: config.X_UPLOAD_BASE_URL, chunkBytes: config.X_CHUNK_BYTES, poll }),
      videoDeps,
    ),
  ),
  implementTask(
    publishTasks['publish.webhook'],
    publishWebhookHandler({
      credentials,
      publications,
      allowPrivateUrls: config.PUBLISH_ALLOW_PRIVATE_URLS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    }),
  ),
  implementTask(publishTasks['publish.folder'], publishFolderHandler({ publications, roots: config.PUBLISH_FOLDER_ROOTS })),
]);

const worker = new Worker(runtime.workerDeps, {
  service: 'publisher',
  ...recycleOptions(config),
  queues: ['publish'],
  concurrency: config.PUBLISH_CONCURRENCY,
  handlers,
  tasks,
  ackWaitMs: config.ACK_WAIT_MS,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
await worker.start();
runtime.logger.info({ folder_roots: config.PUBLISH_FOLDER_ROOTS.length }, 'publisher ready');
onShutdownSignal(runtime.logger, async () => {
  await worker.stop();
  await runtime.close();
});
