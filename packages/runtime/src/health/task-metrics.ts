import { DLQ_STREAM, type JobRecord } from '@reelay/contracts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NatsContext } from '../nats/connection.js';
import type { ObservedWorker, WorkerObserver } from './worker-observer.js';

/** Buckets in seconds: from a no-op's milliseconds to an hour-long render. */
const WAIT_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800];
const RUN_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600];
/** Attempts whose start is remembered for the run histogram; a lost settle never grows it past this. */
const MAX_TRACKED_STARTS = 10_000;

/**
 * A worker process's Prometheus metrics, fed by the worker's observer hook:
 *
 * - `reelay_task_wait_seconds{task,queue}`: from when the job was due (submitted, its
 *   `runAt`, or its retry's `retryAt`) to its attempt's start;
 * - `reelay_task_run_seconds{task,queue,outcome}`: an attempt's run, by how it ended
 *   (succeeded, retrying, failed, cancelled, handed_back);
 * - `reelay_task_retries_total{task,code}` and `reelay_task_failures_total{task,code}`
 *   (jobs that failed for good and went to the DLQ, pre-run rejections included);
 * - `reelay_worker_slots{worker,state}`: busy and total slots of each worker;
 * - `reelay_dlq_depth{stream}`: dead letters in the DLQ stream, read from JetStream at scrape
 *   time (the same number on every replica: it is the store's, not a process's);
 * - prom-client's process and Node defaults (CPU, memory, event loop lag, GC, handles).
 *
 * Counters and histograms are this process's, as Prometheus expects: sum them across
 * replicas with `sum by (task)`. Not here: queue depth by band (the gateway's
 * `reelay_queue_depth`, and KEDA reads the consumers directly).
 */
export class TaskMetrics implements WorkerObserver {
  readonly registry = new Registry();
  private readonly workers: ObservedWorker[] = [];
  private readonly starts = new Map<string, number>();
  private ctx: NatsContext | undefined;
  private readonly wait: Histogram<'task' | 'queue'>;
  private readonly run: Histogram<'task' | 'queue' | 'outcome'>;
  private readonly retries: Counter<'task' | 'code'>;
  private readonly failures: Counter<'task' | 'code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.wait = new Histogram({
      name: 'reelay_task_wait_seconds',
      help: 'Time a job waited between becoming due (submit, runAt or retryAt) and its attempt starting, by task type.',
      labelNames: ['task', 'queue'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.run = new Histogram({
      name: 'reelay_task_run_seconds',
      help: 'Run time of an attempt, by task type and outcome (succeeded, retrying, failed, cancelled, handed_back).',
      labelNames: ['task', 'queue', 'outcome'],
      buckets: RUN_BUCKETS,
      registers,
    });
    this.retries = new Counter({
      name: 'reelay_task_retries_total',
      help: 'Failed attempts that will be retried, by task type and error code.',
      labelNames: ['task', 'code'],
      registers,
    });
    this.failures = new Counter({
      name: 'reelay_task_failures_total',
      help: 'Jobs that failed for good (moved to the DLQ), by task type and error code.',
      labelNames: ['task', 'code'],
      registers,
    });
    const workers = this.workers;
    new Gauge({
      name: 'reelay_worker_slots',
      help: 'Job slots of each worker in this process: busy or total.',
      labelNames: ['worker', 'state'],
      registers,
      collect() {
        this.reset();
        for (const w of workers) {
          this.inc({ worker: w.service, state: 'busy' }, w.busy());
          this.inc({ worker: w.service, state: 'total' }, w.concurrency);
        }
      },
    });
    const monitor = this;
    new Gauge({
      name: 'reelay_dlq_depth',
      help: 'Dead letters waiting in the DLQ stream (read from JetStream at scrape time; the same on every replica).',
      // Labelled so that "unknown" (NATS away) can be no sample at all: an unlabelled
      // prom-client gauge always reports a value, and a made-up 0 would read as "empty".
      labelNames: ['stream'],
      registers,
      async collect() {
        const depth = await monitor.dlqDepth();
        this.reset();
        if (depth !== undefined) this.set({ stream: DLQ_STREAM }, depth);
      },
    });
  }

  /** NATS arrives after the endpoint is up (it answers "not ready" meanwhile). */
  attach(ctx: NatsContext): void {
    this.ctx = ctx;
  }

  get observedWorkers(): readonly ObservedWorker[] {
    return this.workers;
  }

  workerCreated(worker: ObservedWorker): void {
    this.workers.push(worker);
  }

  attemptStarted(queued: JobRecord): void {
    const now = Date.now();
    const due = Math.max(...[queued.createdAt, queued.runAt, queued.retryAt].map((t) => (t ? Date.parse(t) : 0)));
    if (due > 0) this.wait.observe({ task: queued.type, queue: queued.queue }, Math.max(0, now - due) / 1000);
    if (this.starts.size >= MAX_TRACKED_STARTS) this.starts.clear();
    this.starts.set(queued.id, now);
  }

  recorded(record: JobRecord): void {
    const labels = { task: record.type, queue: record.queue };
    const code = record.error?.code ?? 'UNKNOWN';
    if (record.status === 'retrying') this.retries.inc({ task: record.type, code });
    if (record.status === 'failed') this.failures.inc({ task: record.type, code });
    const started = this.starts.get(record.id);
    // Only attempts this process started have a run: a pre-run rejection has none.
    if (started === undefined) return;
    this.starts.delete(record.id);
    const outcome = record.status === 'queued' ? 'handed_back' : record.status;
    this.run.observe({ ...labels, outcome }, (Date.now() - started) / 1000);
  }

  private async dlqDepth(): Promise<number | undefined> {
    const ctx = this.ctx;
    if (!ctx?.connected()) return undefined;
    try {
      const info = await withTimeout(ctx.jsm.streams.info(DLQ_STREAM), 2_000, 'DLQ stream info');
      return info.state.messages;
    } catch {
      return undefined;
    }
  }
}

/** Rejects after `ms` with a message naming `what`; the original promise is left to settle. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
