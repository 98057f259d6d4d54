/**
 * services/gateway — the REST/SSE/WebSocket front door. Parses config, connects, builds
 * the app and listens; SIGTERM closes the server, then NATS.
 */
import { DEFAULT_QUEUES } from '@reelay/contracts';
import { redactStoreUrl } from '@reelay/job-store';
import { onShutdownSignal, parseEnvOrExit, startServiceRuntime } from '@reelay/runtime';
import { buildApp } from './app.js';
import { ApiKeys } from './auth/api-keys.js';
import { GatewayEnv } from './config.js';
import { startStorePruner, storeRetentionMs } from './jobs/job-store-pruner.js';
import { openJobStore, startProjector } from './jobs/job-store-wiring.js';
import { createMetrics } from './metrics/gateway-metrics.js';
import { QueueStats } from './queues/queue-stats.js';

const config = parseEnvOrExit(GatewayEnv, process.env, 'gateway');

let keys: ApiKeys;
let devKey: string | undefined;
if (config.REELAY_API_KEYS_FILE) {
  try {
    keys = await ApiKeys.fromFile(config.REELAY_API_KEYS_FILE);
  } catch (err) {
    process.stderr.write(`gateway: cannot start, ${(err as Error).message}\n`);
    process.exit(78);
  }
} else if (config.REELAY_DEV_MODE) {
  ({ keys, key: devKey } = ApiKeys.generateDevKey());
} else {
  process.stderr.write(
    'gateway: cannot start, no API keys: set REELAY_API_KEYS_FILE to a JSON list of {key|keyHash, scopes, projects}, or REELAY_DEV_MODE=true for a generated local key\n',
  );
  process.exit(78);
}

// The store (its connection and migrations) needs nothing from NATS: it opens while the
// runtime connects and sets up the streams. Its failure is reported once that is done.
const storeOpening = openJobStore(config);
storeOpening.catch(() => {});
const runtime = await startServiceRuntime('gateway', config);
const queues = [...new Set([...DEFAULT_QUEUES, ...Object.values(config.QUEUE_ROUTES)])];
let store: Awaited<typeof storeOpening>;
try {
  store = await storeOpening;
} catch (err) {
  process.stderr.write(`gateway: ${(err as Error).message}\n`);
  await runtime.close();
  process.exit(78);
}
runtime.logger.info({ store: redactStoreUrl(config.JOB_STORE_URL), dialect: store.dialect }, 'job store open');
const queueStats = new QueueStats(runtime.ctx, runtime.buckets, () => queues, runtime.jobs.registry);
const metrics = createMetrics(store, queueStats);
// The app is built while the projector catches up; it listens once both are done, so
// lists are complete when the gateway says it is ready.
const [projector, app] = await Promise.all([
  startProjector({ ctx: runtime.ctx, store, log: runtime.logger, metrics }, config.JOB_STORE_BATCH),
  buildApp({
    config,
    logger: runtime.logger,
    ctx: runtime.ctx,
    buckets: runtime.buckets,
    jobs: runtime.jobs,
    artifacts: runtime.artifacts,
    keys,
    store,
    queueStats,
    metrics,
  }),
]);
const retentionMs = storeRetentionMs(config);
const pruner =
  retentionMs === undefined
    ? undefined
    : startStorePruner({ store, log: runtime.logger }, { retentionMs, intervalMs: config.JOB_STORE_PRUNE_INTERVAL_MS });
const address = await app.listen({ port: config.PORT, host: config.HOST });
if (devKey) runtime.logger.warn({ apiKey: undefined }, `development mode: use API key ${devKey}`);
runtime.logger.info({ address, store_position: projector.position }, `gateway ready on ${address}`);

onShutdownSignal(runtime.logger, async () => {
  await app.close();
  await projector.stop();
  await pruner?.stop();
  await store.close();
  await runtime.close();
});
