import { DEFAULT_QUEUES } from '@reelay/contracts';
import { ArtifactStore } from './artifacts/artifact-store.js';
import type { RuntimeEnv } from './config/runtime-config.js';
import { JobClient } from './jobs/job-client.js';
import { createLogger, type Logger } from './logging/logger.js';
import { connectNats, type NatsContext } from './nats/connection.js';
import { type Buckets, ensureTopology, openArtifacts } from './nats/topology.js';
import { startTelemetry, type Telemetry } from './telemetry/tracing.js';

/** Everything a service process holds, made once at start-up from its parsed config. */
export interface ServiceRuntime {
  service: string;
  config: RuntimeEnv;
  logger: Logger;
  telemetry: Telemetry;
  ctx: NatsContext;
  buckets: Buckets;
  artifacts: ArtifactStore;
  jobs: JobClient;
  /** Closes NATS and flushes spans; call last. */
  close(): Promise<void>;
}

export async function startServiceRuntime(service: string, config: RuntimeEnv, extraQueues: string[] = []): Promise<ServiceRuntime> {
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: service, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const ctx = await connectNats({
    url: config.NATS_URL,
    name: service,
    credsFile: config.NATS_CREDS,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
  });
  const queues = [...new Set([...DEFAULT_QUEUES, ...Object.values(config.QUEUE_ROUTES), ...extraQueues])];
  const buckets = await ensureTopology(ctx, {
    queues,
    ackWaitMs: config.ACK_WAIT_MS,
    replicas: config.STREAM_REPLICAS,
    eventsMaxAgeMs: config.EVENTS_MAX_AGE_HOURS * 3_600_000,
  });
  const artifacts = new ArtifactStore(await openArtifacts(ctx, config.STREAM_REPLICAS));
  const jobs = new JobClient(ctx, { buckets, routes: config.QUEUE_ROUTES });
  return {
    service,
    config,
    logger,
    telemetry,
    ctx,
    buckets,
    artifacts,
    jobs,
    async close() {
      await ctx.nc.drain().catch(() => {});
      await telemetry.shutdown().catch(() => {});
    },
  };
}

/**
 * SIGTERM/SIGINT → `stop()` once, then exit 0; a second signal a second or more later
 * exits at once. Errors in stop are logged and exit 1.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C reaches the whole process group and a launcher often adds a SIGTERM: a
      // second signal within a second is the same request, not an impatient person.
      if (Date.now() - stoppingSince < 1_000) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
