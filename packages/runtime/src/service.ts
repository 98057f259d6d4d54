import { DEFAULT_QUEUES } from '@reelay/contracts';
import type { ArtifactStore } from './artifacts/artifact-store.js';
import { openArtifactStore } from './artifacts/open-artifact-store.js';
import type { RuntimeEnv } from './config/runtime-config.js';
import { InputCipher } from './crypto/input-cipher.js';
import { JobClient } from './jobs/job-client.js';
import type { HealthEnv } from './health/health-env.js';
import { type HealthServer, startHealthServer } from './health/health-server.js';
import { ServiceMonitor } from './health/service-monitor.js';
import { createLogger, type Logger } from './logging/logger.js';
import { connectNats, type NatsConnectOptions, type NatsContext } from './nats/connection.js';
import { isNatsUnavailable } from './nats/nats-errors.js';
import { type Buckets, ensureTopology } from './nats/topology.js';
import { startTelemetry, type Telemetry } from './telemetry/tracing.js';
import type { WorkerDeps } from './worker/worker.js';

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
  /**
   * Metrics and probes of this process: pass it as `observer` in a Worker's deps. Served
   * on METRICS_PORT (/metrics, /healthz, /readyz) when the config sets one.
   */
  monitor: ServiceMonitor;
  /** The health endpoint, when METRICS_PORT is set. */
  health: HealthServer | undefined;
  /** What a Worker of this process takes: `new Worker(runtime.workerDeps, options)`. */
  workerDeps: WorkerDeps;
  /** Closes NATS, the health endpoint and flushes spans; call last. */
  close(): Promise<void>;
}

/**
 * Builds a service's runtime from its parsed config. With METRICS_PORT set (a worker
 * service's HealthEnv) the health endpoint listens first, so probes answer "alive, not
 * ready" while NATS is still out of reach; the first connection is retried until the
 * server answers (in compose or a cluster it may start after the service).
 */
export async function startServiceRuntime(
  service: string,
  config: RuntimeEnv & Partial<HealthEnv>,
  extraQueues: string[] = [],
): Promise<ServiceRuntime> {
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: service, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const monitor = new ServiceMonitor(service);
  let health: HealthServer | undefined;
  if (config.METRICS_PORT) {
    health = await startHealthServer(monitor, { port: config.METRICS_PORT, host: config.METRICS_HOST ?? '0.0.0.0' });
    logger.info({ port: health.port }, `metrics and health on :${health.port} (/metrics, /healthz, /readyz)`);
  }
  const ctx = await connectWhenReachable(
    {
      url: config.NATS_URL,
      name: service,
      credsFile: config.NATS_CREDS,
      user: config.NATS_USER,
      password: config.NATS_PASSWORD,
    },
    logger,
  );
  monitor.attach(ctx);
  const queues = [...new Set([...DEFAULT_QUEUES, ...Object.values(config.QUEUE_ROUTES), ...extraQueues])];
  // The artifact store is a stream of its own: set up beside the rest, not after it.
  const [buckets, artifacts] = await Promise.all([
    ensureTopology(ctx, {
      queues,
      ackWaitMs: config.ACK_WAIT_MS,
      replicas: config.STREAM_REPLICAS,
      eventsMaxAgeMs: config.EVENTS_MAX_AGE_HOURS * 3_600_000,
    }),
    openArtifactStore(ctx, config),
  ]);
  const cipher = InputCipher.fromKeys({ key: config.REELAY_ENCRYPTION_KEY, previousKeys: config.REELAY_ENCRYPTION_PREVIOUS_KEYS });
  const jobs = new JobClient(ctx, { buckets, routes: config.QUEUE_ROUTES, cipher });
  return {
    service,
    config,
    logger,
    telemetry,
    ctx,
    buckets,
    artifacts,
    jobs,
    monitor,
    health,
    workerDeps: { ctx, logger, buckets, artifacts, jobs, observer: monitor },
    async close() {
      await ctx.nc.drain().catch(() => {});
      artifacts.close();
      await health?.close();
      monitor.stop();
      await telemetry.shutdown().catch(() => {});
    },
  };
}

/**
 * The first connection, retried while the server is unreachable (refused, timed out):
 * a service started before NATS waits for it instead of exiting. Anything else (bad
 * credentials, a malformed URL) stops the start at once.
 */
async function connectWhenReachable(options: NatsConnectOptions, logger: Logger): Promise<NatsContext> {
  for (let attempt = 1; ; attempt++) {
    try {
      const ctx = await connectNats(options);
      if (attempt > 1) logger.info({ attempts: attempt }, 'connected to NATS');
      return ctx;
    } catch (err) {
      if (!isNatsUnavailable(err)) throw err;
      if (attempt === 1 || attempt % 10 === 0) logger.warn({ err, url: options.url, attempt }, 'NATS not reachable yet; retrying');
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * attempt)));
    }
  }
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
