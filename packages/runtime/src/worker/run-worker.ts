import { RuntimeEnv } from '../config/runtime-config.js';
import { parseEnvOrExit } from '../config/parse-env.js';
import { HealthEnv } from '../health/health-env.js';
import { onShutdownSignal, type ServiceRuntime, startServiceRuntime } from '../service.js';
import type { TaskImplementation } from './task-implementation.js';
import { workerTasks } from './task-implementation.js';
import { RecycleEnv, recycleOptions } from './recycle-env.js';
import { Worker } from './worker.js';

export interface RunWorkerOptions {
  /** Names the process in logs, traces, heartbeats and the task registry. */
  service: string;
  tasks: readonly TaskImplementation[];
  /** Jobs run at once. @default 4 */
  concurrency?: number;
  /** Queues to pull, in preference order. @default the tasks' queues */
  queues?: string[];
  /**
   * NATS_URL, ACK_WAIT_MS, STREAM_REPLICAS… (docs/configuration.md, "every service"),
   * WORKER_MAX_JOBS and WORKER_MAX_RSS_MB to recycle the process, and
   * METRICS_PORT for /metrics, /healthz and /readyz.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /** Stop on SIGTERM/SIGINT, letting running jobs finish for SHUTDOWN_GRACE_MS. @default true */
  handleSignals?: boolean;
  /**
   * After SHUTDOWN_GRACE_MS, how long aborted handlers get to return and their jobs to be
   * handed back before the worker stops regardless (WorkerOptions.forceDeadlineMs). @default 5000
   */
  forceDeadlineMs?: number;
}

export interface RunningWorker {
  worker: Worker;
  runtime: ServiceRuntime;
  /** Drains the worker (running jobs finish within the grace period) and closes NATS. */
  stop(): Promise<void>;
}

/**
 * The front door for a worker process of your own — what Celery's `worker` command,
 * BullMQ's `new Worker(...)` and Temporal's `Worker.create` are:
 *
 * ```ts
 * const resize = defineTask({ type: 'acme.resize', queue: 'acme', input, output });
 * await runWorker({ service: 'acme-worker', tasks: [implementTask(resize, async (input, ctx) => …)] });
 * ```
 *
 * It connects to NATS, provisions the tasks' queues, registers the tasks in the task
 * registry (where the gateway finds their schemas) and starts taking jobs — the same
 * path every built-in service takes.
 */
export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const config = parseEnvOrExit(RuntimeEnv.extend(HealthEnv.shape).extend(RecycleEnv.shape), options.env ?? process.env, options.service);
  const { handlers, tasks } = workerTasks(options.tasks);
  const queues = options.queues ?? [...new Set(Object.values(tasks).map((t) => t.queue))];
  const runtime = await startServiceRuntime(options.service, config, queues);
  const worker = new Worker(runtime.workerDeps, {
    service: options.service,
    queues,
    concurrency: options.concurrency ?? 4,
    handlers,
    tasks,
    ackWaitMs: config.ACK_WAIT_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    ...(options.forceDeadlineMs !== undefined ? { forceDeadlineMs: options.forceDeadlineMs } : {}),
    ...recycleOptions(config),
  });
  try {
    await worker.start();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await worker.stop();
      await runtime.close();
    })();
    return stopping;
  };
  if (options.handleSignals ?? true) onShutdownSignal(runtime.logger, stop);
  return { worker, runtime, stop };
}
