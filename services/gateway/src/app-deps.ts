import type { JobStore } from '@reelay/job-store';
import type { ArtifactStore, Buckets, JobClient, Logger, NatsContext } from '@reelay/runtime';
import type { ApiKeys } from './auth/api-keys.js';
import type { GatewayEnv } from './config.js';
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
  /** The job store: lists, counts, groups, usage; write a record here after changing it (read-your-writes). */
  store: JobStore;
  queueStats: QueueStats;
  metrics: GatewayMetrics;
}
