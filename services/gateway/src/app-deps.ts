import type { ArtifactStore, Buckets, JobClient, Logger, NatsContext } from '@reelay/runtime';
import type { ApiKeys } from './auth/api-keys.js';
import type { GatewayEnv } from './config.js';
import type { JobIndex } from './jobs/job-index.js';
import type { GatewayMetrics } from './metrics/gateway-metrics.js';
import type { QueueStats } from './queues/queue-stats.js';

/** What the routes are built from; main.ts makes it, tests may make their own. */
export interface AppDeps {
  config: GatewayEnv;
  logger: Logger;
  ctx: NatsContext;
  buckets: Buckets;
  jobs: JobClient;
  artifacts: ArtifactStore;
  keys: ApiKeys;
  index: JobIndex;
  queueStats: QueueStats;
  metrics: GatewayMetrics;
}
